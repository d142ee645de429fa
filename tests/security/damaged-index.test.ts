import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { readManifest } from '../../src/index/index.js';
import { readCorpus } from '../../src/papers/index.js';

/** Starts the real server on an index; it must refuse with exit code 1 and exactly one `error:` line. */
function serveRefuses(indexDir: string, env: Record<string, string> = {}): string {
  const run = spawnSync(process.execPath, ['.build/cli/paper-search.js', 'serve'], {
    env: { ...process.env, INDEX_DIR: indexDir, PORT: '0', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(run.status).toBe(1);
  const lines = run.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  return lines[0]!;
}

const copyOfSeedIndex = () => {
  const dir = mkdtempSync(join(tmpdir(), 'paper-search-damaged-'));
  cpSync(inject('seedIndexDir'), dir, { recursive: true });
  return dir;
};

describe('the server refuses a damaged or foreign index, in one line', () => {
  it('a truncated HNSW file', () => {
    const dir = copyOfSeedIndex();
    truncateSync(join(dir, readManifest(dir).files.hnsw.name), 4096);
    expect(serveRefuses(dir)).toMatch(/damaged: hnsw-.* does not match its checksum/);
  });

  it('a corrupted manifest', () => {
    const dir = copyOfSeedIndex();
    writeFileSync(
      join(dir, 'manifest.json'),
      readFileSync(join(dir, 'manifest.json'), 'utf8').replace('"paperCount": 237', '"paperCount": "many"'),
    );
    expect(serveRefuses(dir)).toMatch(/not a format-\d+ manifest \(paperCount/);
  });

  it('vectors from another model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paper-search-foreign-'));
    const input = join(dir, 'papers.jsonl');
    writeFileSync(
      input,
      (await readCorpus([resolve('seeds')])).papers
        .slice(0, 3)
        .map((p) => JSON.stringify(p))
        .join('\n'),
    );
    const build = spawnSync(
      process.execPath,
      ['.build/cli/paper-search.js', 'build', '--input', input, '--out', join(dir, 'index'), '--precision', 'fp32'],
      { encoding: 'utf8', timeout: 120_000 },
    );
    expect(build.status).toBe(0);
    // Asked for another precision than the index was built with: no silent rebuild, the command that rebuilds.
    expect(serveRefuses(join(dir, 'index'), { PRECISION: 'int8' })).toMatch(
      /built with all-MiniLM-L6-v2 \(fp32.*you asked for all-MiniLM-L6-v2 \(int8.*paper-search build --out .* --precision int8/,
    );
  });
});
