import { spawn, execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RECOMMEND_MODES } from '../../src/contract/values.js';

const TIMEOUT_MS = 90_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run eval` as a user runs it, in its own process group so that a hung run is ended whole. */
function runEval(args: string[]): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn('npm', ['run', '-s', 'eval', '--', ...args], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      process.kill(-child.pid!, 'SIGKILL');
      fail(new Error(`npm run eval did not finish in ${TIMEOUT_MS / 1000} s; stderr: ${stderr.slice(-500)}`));
    }, TIMEOUT_MS);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

/** Three sources of the similar-papers judgments: the default run measures them beside the labelled set. */
const SIMILAR_TINY = 'tests/eval/fixtures/seed-similar-tiny.json';

const gitStatus = (path: string) =>
  execFileSync('git', ['status', '--porcelain', '--untracked-files=all', '--', path], { encoding: 'utf8' });

describe('npm run eval on a clone without the MED collection', () => {
  it(
    'measures the labelled set, says in one line that MED was skipped and how to include it, exits 0 and leaves the tree clean',
    async () => {
      const missing = resolve('/nonexistent-med-folder');
      const historyBefore = readdirSync('tests/eval/history');
      const statusBefore = gitStatus('tests/eval');

      const run = await runEval(['--med', missing, '--dev', 'tests/eval/fixtures/seed-tiny.json', '--similar-set', SIMILAR_TINY]);

      expect(run.code, run.stderr).toBe(0);
      const skipped = run.stderr.split('\n').filter((line) => line.includes('MED'));
      expect(skipped).toHaveLength(1);
      expect(skipped[0]).toContain(missing);
      expect(skipped[0]).toContain('--med <folder>');
      expect(run.stdout).toContain('## seeds: tests/eval/fixtures/seed-tiny.json (3 queries)');
      expect(run.stdout).toContain('| hybrid |');
      expect(run.stdout).toContain('## Cross-validated hybrid nDCG@10: product defaults (3 folds, 405 configurations)');
      expect(run.stdout).toMatch(/\| all \| 3 \| [01]\.\d{3} \| [01]\.\d{3} \| [01]\.\d{3} \|/);
      expect(run.stdout).not.toMatch(/## MED/);
      expect(run.stdout).toContain(`## Similar papers: nDCG@10 by method, ${SIMILAR_TINY}`);
      expect(run.stdout).toContain(`written ${resolve('.cache/eval/history')}/`);
      expect(readdirSync('tests/eval/history')).toEqual(historyBefore);
      expect(gitStatus('tests/eval')).toBe(statusBefore);
    },
    TIMEOUT_MS + 10_000,
  );
});

describe('npm run eval -- --recommend', () => {
  it(
    'prints nDCG@10 of every recommendation method, without and with a disliked paper, and leaves the tree clean',
    async () => {
      const statusBefore = gitStatus('tests/eval');

      const run = await runEval(['--recommend', '--skip-med', '--dev', 'tests/eval/fixtures/seed-tiny.json']);

      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain('| method | seed-tiny (2 q) | seed-tiny + disliked |');
      const lines = run.stdout.split('\n');
      for (const method of [...RECOMMEND_MODES, 'similar (1st liked)']) {
        const row = lines.find((line) => line.startsWith(`| ${method} |`) || line.startsWith(`| **${method}** (default) |`));
        expect(row, method).toMatch(/ \| [01]\.\d{3} \| [01]\.\d{3} \|$/);
      }
      expect(run.stdout).toContain('seed-tiny: 2 queries, 10 cases');
      expect(run.stdout).toMatch(new RegExp(`written ${resolve('.cache/eval/history')}/.*-recommend\\.json`));
      expect(gitStatus('tests/eval')).toBe(statusBefore);
    },
    TIMEOUT_MS + 10_000,
  );
});

describe('npm run eval -- --similar', () => {
  it(
    'prints nDCG@10 of every similar-to-paper method on each half, the sweep with its cross-validated figure, and leaves the tree clean',
    async () => {
      const statusBefore = gitStatus('tests/eval');

      const run = await runEval(['--similar', '--skip-med', '--similar-set', SIMILAR_TINY]);

      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain('| method | dev (2) | holdout (1) | all (3) | ms per paper |');
      const lines = run.stdout.split('\n');
      for (const method of ['dense', 'lexical', 'hybrid (before)', 'stored + title vectors + terms (default)']) {
        expect(
          lines.find((line) => line.startsWith(`| ${method} |`)),
          method,
        ).toMatch(/^\| [^|]+ \| [01]\.\d{3} \| [01]\.\d{3} \| [01]\.\d{3} \| \d* \|$/);
      }
      expect(run.stdout).toMatch(/two-fold cross-validated [01]\.\d{3}/);
      expect(run.stdout).toMatch(new RegExp(`written ${resolve('.cache/eval/history')}/.*-similar\\.json`));
      expect(gitStatus('tests/eval')).toBe(statusBefore);
    },
    TIMEOUT_MS + 10_000,
  );
});
