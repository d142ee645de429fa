import { execFileSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reportFolder } from './report-folder.js';

/** Whether git ignores a path (`git check-ignore` exits 1 when it does not). */
function ignoredByGit(path: string): boolean {
  try {
    execFileSync('git', ['check-ignore', '--quiet', '--no-index', relative(process.cwd(), path)]);
    return true;
  } catch {
    return false;
  }
}

describe('where npm run bench writes its report', () => {
  const files = ['report.md', 'results.json', 'scale.svg'];

  it('an ordinary run writes into a git-ignored folder', () => {
    expect(relative(process.cwd(), reportFolder(false))).toBe(join('.cache', 'bench'));
    for (const name of files) expect(ignoredByGit(join(reportFolder(false), name)), name).toBe(true);
  });

  it('--update-report writes over the committed report', () => {
    expect(relative(process.cwd(), reportFolder(true))).toBe(join('tests', 'benchmarks'));
    for (const name of files) expect(ignoredByGit(join(reportFolder(true), name)), name).toBe(false);
  });
});
