import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DigestSchema } from '../../src/contract/schemas.js';
import { WatchStore } from '../../src/index/index.js';
import { paperSearch, type Run } from '../support/cli.js';

const scratch = mkdtempSync(join(tmpdir(), 'paper-search-digest-cli-'));
/** A copy of the seed index: the watches file is written beside it. */
const index = join(scratch, 'index');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const ASAP = 'ASAP: Aligning Simulation and Real-World Physics for Learning Agile Humanoid Whole-Body Skills';

function digest(...args: string[]): Run {
  return paperSearch(['digest', ...args, '--index', index]);
}

beforeAll(() => {
  cpSync(inject('seedIndexDir'), index, { recursive: true });
});

describe('paper-search digest', () => {
  it('says there are no watches, and how to add one', () => {
    const run = digest();
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('No watches: add one with: npx paper-search watch add "<query>"\n');
  });

  it('says when nothing is new since each watch was added', async () => {
    const store = new WatchStore(index);
    const unitree = (await store.add({ query: 'Unitree G1' })).watch;
    const tax = (await store.add({ query: 'how do I fill in my annual income tax return form?' })).watch;
    const run = digest();
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split('\n')).toEqual([
      'Nothing new for 2 watches (the index is at generation 1)',
      '',
      `${unitree.id}  "Unitree G1": nothing new since ${unitree.created_at}`,
      '',
      `${tax.id}  "how do I fill in my annual income tax return form?": nothing new since ${tax.created_at}`,
      '',
    ]);
  });

  it('lists, since a generation, the papers that match well, with why and when each was added', () => {
    const run = digest('--since', '0');
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('1 new paper for 2 watches since generation 0 (the index is at generation 1)');
    expect(lines[2]).toMatch(/^[0-9a-f]{8} {2}"Unitree G1": 1 new since generation 0$/);
    expect(lines[3]).toBe('');
    expect(lines[4]).toMatch(new RegExp(`^ 1\\. \\[\\d+\\.\\d{3}\\] ${ASAP.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    // Long lines wrap, indented under their result.
    const unwrapped = run.stdout.replace(/\n {6}(?!why|added|id)/g, ' ');
    expect(unwrapped).toMatch(
      / {6}why: contains every term of the query; stands out among the whole library's matches \(score \d+\.\d\d, bar 2\.5\); words: .*unitree/,
    );
    expect(run.stdout).toMatch(/ {6}added: \d{4}-\d\d-\d\dT/);
    expect(run.stdout).toMatch(/"how do I fill in my annual income tax return form\?": nothing new since generation 0\n$/);

    const json = digest('--since', '2000-01-31', '--json');
    expect(json.code, json.stderr).toBe(0);
    const answer = DigestSchema.parse(JSON.parse(json.stdout));
    expect(answer.since).toBe('2000-01-31');
    expect(answer.watches.map((watch) => watch.papers.map((paper) => paper.title))).toEqual([[ASAP], []]);
  });

  it('refuses a since it cannot read, in one line', () => {
    const run = digest('--since', 'last week');
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'error: --since must be an ISO date (2026-01-31), an ISO date-time with its zone (2026-01-31T09:00:00Z) or a build generation number (3)\n',
    );
  });
});
