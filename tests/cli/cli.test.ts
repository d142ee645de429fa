import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { WireAnswer as SearchAnswer } from '../../src/contract/schemas.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Settings variables the CLI reads; the test pins the ones that matter and clears the rest. */
const SETTING_VARIABLES = ['HOST', 'PORT', 'INDEX_DIR', 'MODELS_DIR', 'MODEL', 'PRECISION', 'THREADS', 'ACCESS_TOKEN', 'DEBUG'];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real search CLI over the seed index, as a person would from the project folder. */
function cli(args: string[], input?: string): Run {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of SETTING_VARIABLES) delete env[name];
  env.INDEX_DIR = inject('seedIndexDir');
  env.MODELS_DIR = resolve(ROOT, 'models');
  const run = spawnSync(process.execPath, ['.build/cli/paper-search.js', 'search', ...args], {
    cwd: ROOT,
    env,
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (run.error) throw run.error;
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function cliJson(args: string[], input?: string): SearchAnswer {
  const run = cli([...args, '--json'], input);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as SearchAnswer;
}

/** Numbered result lines of the human output: ` 1. [2.559] Title`. */
function numberedResults(stdout: string) {
  return [...stdout.matchAll(/^\s*(\d+)\. \[(-?\d+\.\d{3})\] (.+)$/gm)].map((m) => ({ rank: Number(m[1]), score: Number(m[2]), title: m[3]! }));
}

function expectAnswerShape(answer: SearchAnswer): void {
  expect(Object.keys(answer).sort()).toEqual(['confidence', 'mode', 'query', 'results', 'took_ms']);
  expect(typeof answer.took_ms).toBe('number');
  expect(['high', 'low']).toContain(answer.confidence);
  for (const result of answer.results) {
    expect(Object.keys(result).sort()).toEqual(['abstract', 'id', 'score', 'snippet', 'title']);
    expect(typeof result.score).toBe('number');
    expect(result.abstract).toContain(result.snippet.replace(/ …$/, ''));
  }
  const scores = answer.results.map((r) => r.score);
  expect(scores).toEqual([...scores].sort((a, b) => b - a));
}

const UNISKILL = 'UniSkill: Imitating Human Videos via Cross-Embodiment Skill Representations';
const QUESTION = 'robot imitation from video';

const scratch = mkdtempSync(join(tmpdir(), 'paper-search-cli-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('search CLI', () => {
  it('prints numbered titles with scores and a snippet for a question', () => {
    const run = cli([QUESTION]);
    expect(run.code, run.stderr).toBe(0);
    const answer = cliJson([QUESTION]);

    expect(run.stdout).toContain(`10 results for "${QUESTION}" (hybrid,`);
    const listed = numberedResults(run.stdout);
    expect(listed.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(listed.map((r) => r.title)).toEqual(answer.results.map((r) => r.title));
    expect(listed.map((r) => r.score)).toEqual(answer.results.map((r) => Number(r.score.toFixed(3))));
    expect(listed.slice(0, 3).map((r) => r.title)).toContain(UNISKILL);

    // Each snippet follows its title, wrapped and indented, then the paper id.
    const flattened = run.stdout.replace(/\s+/g, ' ');
    for (const result of answer.results) {
      expect(flattened).toContain(`${result.title} ${result.snippet.replace(/\s+/g, ' ')} id: ${result.id}`);
    }
  });

  it('prints the API answer shape with --json', () => {
    const answer = cliJson([QUESTION]);
    expectAnswerShape(answer);
    expect(answer.query).toBe(QUESTION);
    expect(answer.mode).toBe('hybrid');
    expect(answer.results).toHaveLength(10);
    expect(answer.results.slice(0, 3).map((r) => r.title)).toContain(UNISKILL);
  });

  it('gives k results with -k', () => {
    expect(cliJson(['-k', '3', QUESTION]).results).toHaveLength(3);
    const human = cli(['-k', '3', QUESTION]);
    expect(human.code, human.stderr).toBe(0);
    expect(numberedResults(human.stdout)).toHaveLength(3);
    expect(cli(['-k', '1', QUESTION]).stdout).toContain(`1 result for "${QUESTION}"`);
  });

  it('finds exact names with --mode lexical', () => {
    const answer = cliJson(['--mode', 'lexical', '-k', '5', 'Unitree', 'G1']);
    expectAnswerShape(answer);
    expect(answer.mode).toBe('lexical');
    expect(answer.query).toBe('Unitree G1');
    expect(answer.results[0]?.title).toBe('ASAP: Aligning Simulation and Real-World Physics for Learning Agile Humanoid Whole-Body Skills');
    expect(answer.results[0]?.snippet).toContain('Unitree G1');
  });

  describe('--similar', () => {
    const abstract = 'Humanoid robots promise to learn household skills from people, but teleoperating a whole humanoid body is hard. '
      + 'We train a low-level policy in simulation on a large dataset of human motion, then use it to shadow a human operator in real time '
      + 'from a single RGB camera, collecting whole-body demonstrations with which we train imitation policies for skills such as '
      + 'jumping, folding clothes and typing.';

    it('reads an abstract from a file', () => {
      const file = join(scratch, 'abstract.txt');
      writeFileSync(file, `${abstract}\n`);
      const answer = cliJson(['--similar', file, '-k', '5']);
      expectAnswerShape(answer);
      expect(answer.query).toBe(abstract);
      expect(answer.results).toHaveLength(5);
      expect(answer.results[0]?.title).toBe('HumanPlus: Humanoid Shadowing and Imitation from Humans');

      const human = cli(['--similar', file, '-k', '5']);
      expect(human.code, human.stderr).toBe(0);
      expect(numberedResults(human.stdout).map((r) => r.title)).toEqual(answer.results.map((r) => r.title));
    });

    it('reads an abstract from stdin with -', () => {
      const answer = cliJson(['--similar', '-', '-k', '4'], abstract);
      expectAnswerShape(answer);
      expect(answer.query).toBe(abstract);
      expect(answer.results).toHaveLength(4);
      expect(answer.results[0]?.title).toBe('HumanPlus: Humanoid Shadowing and Imitation from Humans');
    });
  });

  it('prints the low-confidence line exactly when the answer is flagged low', () => {
    // The confidence calibration is work in progress: whether an off-topic query is flagged is not
    // asserted, only that the human output says so whenever --json does.
    for (const query of ['sourdough bread fermentation', QUESTION]) {
      const answer = cliJson(['-k', '3', query]);
      const human = cli(['-k', '3', query]);
      expect(human.code, human.stderr).toBe(0);
      expect(human.stdout.includes('Low confidence'), `${query}: confidence ${answer.confidence}`).toBe(answer.confidence === 'low');
    }
  });

  it.each([
    ['-k 0', ['-k', '0', QUESTION], /-k/],
    ['-k 101', ['-k', '101', QUESTION], /-k/],
    ['-k abc', ['-k', 'abc', QUESTION], /-k/],
    ['-k without a value', [QUESTION, '-k'], /-k/],
    ['an unknown mode', ['--mode', 'foo', QUESTION], /--mode/],
    ['an unknown flag', ['--bogus', QUESTION], /--bogus/],
    ['no query', [], /nothing to search for/],
    ['a blank query', ['   '], /nothing to search for/],
    ['a missing --similar file', ['--similar', join(tmpdir(), 'paper-search-no-such-file.txt')], /no such file/i],
  ])('rejects %s with exit code 1 and one error line', (_, args, message) => {
    const run = cli(args);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    const lines = run.stderr.split('\n').filter((line) => line.length > 0);
    expect(lines, run.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: /);
    expect(lines[0]).toMatch(message);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });
});
