import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WatchListSchema, WatchSchema } from '../../src/contract/schemas.js';
import { buildIndex, WATCHES_FILE } from '../../src/index/index.js';
import { Embedder } from '../../src/model/index.js';
import { paperSearch, type Run } from '../support/cli.js';
import { writePapers } from '../support/papers-file.js';
import { MODELS_DIR } from '../support/seed-engine.js';

const scratch = mkdtempSync(join(tmpdir(), 'paper-search-watch-cli-'));
const index = join(scratch, 'index');
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

beforeAll(async () => {
  const library = join(scratch, 'library.jsonl');
  writePapers(library, 3);
  await buildIndex({ inputs: [library], outDir: index, embedder: await Embedder.load({ modelsDir: MODELS_DIR }) });
});

function watch(...args: string[]): Run {
  return paperSearch(['watch', ...args, '--index', index]);
}

/** A failed run: exit 1 and one line on stderr, no stack trace. */
function expectOneLineError(run: Run, message: string | RegExp): void {
  expect(run.code).toBe(1);
  expect(run.stdout).toBe('');
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(message);
}

describe('paper-search watch', () => {
  it('adds a watch, says so with its id, and finds the same watch when it is added again', () => {
    const added = watch('add', 'diffusion', 'policies', 'for', 'manipulation');
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toBe('');
    const id = added.stderr.match(/^Watching ([0-9a-f]{8}) {2}"diffusion policies for manipulation", added \d{4}-\d\d-\d\d\n$/)?.[1];
    expect(id, added.stderr).toBeDefined();

    const again = watch('add', 'Diffusion policies for manipulation', '--json');
    expect(again.code, again.stderr).toBe(0);
    expect(WatchSchema.parse(JSON.parse(again.stdout))).toMatchObject({ id, query: 'diffusion policies for manipulation' });
  });

  it('keeps filters given as the search flags, checked by the same rules', () => {
    const added = watch('add', 'tactile sensing', '--year-min', '2024', '--tag', 'cs.RO', '--author', 'Lovelace', '--json');
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ query: 'tactile sensing', year_min: 2024, tag: 'cs.RO', author: 'Lovelace' });
    expectOneLineError(watch('add', 'tactile sensing', '--year-min', 'recent'), /^error: --year-min must be a year\n$/);
    expectOneLineError(watch('add', '  '), /^error: query must not be empty\n$/);
  });

  it('lists the watches, one line each or as the API answers', () => {
    const listed = watch('list', '--json');
    expect(listed.code, listed.stderr).toBe(0);
    const { watches } = WatchListSchema.parse(JSON.parse(listed.stdout));
    expect(watches.map((w) => w.query)).toEqual(['diffusion policies for manipulation', 'tactile sensing']);

    const human = watch('list');
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout.split('\n')).toEqual([
      `${watches[0]!.id}  "diffusion policies for manipulation", added ${watches[0]!.created_at.slice(0, 10)}`,
      `${watches[1]!.id}  "tactile sensing" (from 2024, author "Lovelace", tag "cs.RO"), added ${watches[1]!.created_at.slice(0, 10)}`,
      '',
    ]);
  });

  it('removes a watch by id, and names the file and the fix for an unknown id', () => {
    const [first] = WatchListSchema.parse(JSON.parse(watch('list', '--json').stdout)).watches;
    const removed = watch('remove', first!.id);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stderr).toMatch(new RegExp(`^Removed ${first!.id} {2}"diffusion policies for manipulation"`));
    expect(watch('list', '--json').stdout).not.toContain(first!.id);
    expectOneLineError(
      watch('remove', first!.id),
      new RegExp(`^error: no watch with id "${first!.id}" in .*${WATCHES_FILE}; see the ids with: npx paper-search watch list --index `),
    );
  });

  it('says how to add one when there are none', () => {
    const empty = join(scratch, 'empty-index');
    const library = join(scratch, 'one.jsonl');
    writePapers(library, 1);
    expect(paperSearch(['build', '--input', library, '--out', empty]).code).toBe(0);
    const run = paperSearch(['watch', 'list', '--index', empty]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^No watches in .*watches\.json; add one with: npx paper-search watch add "<query>" --index .*empty-index\n$/,
    );
  });

  it('refuses a folder without an index, and a corrupt watches file, in one line each', () => {
    const nowhere = join(scratch, 'no-index');
    expectOneLineError(
      paperSearch(['watch', 'add', 'robots', '--index', nowhere]),
      /^error: no index in .*no-index \(manifest\.json missing\)/,
    );

    const path = join(index, WATCHES_FILE);
    const good = readFileSync(path, 'utf8');
    writeFileSync(path, '{"version": 1, "watches": [{"id"');
    try {
      for (const args of [['list'], ['add', 'robots'], ['remove', '00000000']])
        expectOneLineError(
          watch(...args),
          `error: ${path} is not a watches file (not valid JSON); fix it or move it aside: it is left as it is\n`,
        );
      expect(readFileSync(path, 'utf8')).toBe('{"version": 1, "watches": [{"id"');
    } finally {
      writeFileSync(path, good);
    }
  });

  it('watches a liked set (--like, --dislike, --name), lists it, and names a liked id the index does not have', () => {
    const added = watch('add', '--like', 'paper-1', '--like', 'paper-0', '--dislike', 'paper-2', '--name', 'my numbered set');
    expect(added.code, added.stderr).toBe(0);
    const id = added.stderr.match(
      /^Watching ([0-9a-f]{8}) {2}"my numbered set": papers like paper-1, paper-0; not paper-2, added \d{4}-\d\d-\d\d\n$/,
    )?.[1];
    expect(id, added.stderr).toBeDefined();
    // The same set in another order is the same watch.
    const again = watch('add', '--like', 'paper-0', '--like', 'paper-1', '--dislike', 'paper-2', '--json');
    expect(again.code, again.stderr).toBe(0);
    expect(WatchSchema.parse(JSON.parse(again.stdout))).toEqual({
      id,
      liked: ['paper-1', 'paper-0'],
      disliked: ['paper-2'],
      name: 'my numbered set',
      created_at: expect.any(String),
    });
    expect(watch('list').stdout).toContain(`${id}  "my numbered set": papers like paper-1, paper-0; not paper-2, added `);

    expectOneLineError(
      watch('add', '--like', 'paper-0', '--like', 'nope'),
      /^error: the liked paper "nope" is not in the index; use the id a search result shows\n$/,
    );
    expectOneLineError(watch('add', '--like', 'paper-0', '--dislike', 'paper-0'), /^error: paper "paper-0" is both liked and disliked/);
    expectOneLineError(watch('add', 'robots', '--like', 'paper-0'), /^error: give a query or --like, not both/);
    expectOneLineError(watch('add'), /^error: nothing to watch: give a query, or --like <id> for each paper you like/);
    expectOneLineError(watch('add', 'robots', '--name', 'mine'), /^error: --dislike and --name go with --like/);
  });
});
