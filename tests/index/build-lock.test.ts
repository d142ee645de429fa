import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildIndex, loadIndex } from '../../src/index/index.js';
import { acquireLock, LockHeldError } from '../../src/storage/index.js';
import { Embedder } from '../../src/model/index.js';
import { writePapers } from '../support/papers-file.js';
import { MODELS_DIR } from '../support/seed-engine.js';

let embedder: Embedder;
beforeAll(async () => {
  embedder = await Embedder.load({ modelsDir: MODELS_DIR });
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'paper-search-lock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The pid of a process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('acquireLock', () => {
  it('lets one writer in, refuses a second at once naming the holder, and frees the folder on release', () => {
    const lock = acquireLock(dir, 'index');
    expect(() => acquireLock(dir, 'index')).toThrow(LockHeldError);
    expect(() => acquireLock(dir, 'index')).toThrow(
      new RegExp(`^index in ${dir} is being written by pid ${process.pid} since \\d{4}-\\d\\d-\\d\\dT[^ ]+; wait for it or stop it$`),
    );
    lock.release();
    expect(existsSync(join(dir, '.lock'))).toBe(false);
    acquireLock(dir, 'index').release();
  });

  it('recovers a lock left by a process that is gone', () => {
    writeFileSync(join(dir, '.lock'), JSON.stringify({ pid: deadPid(), host: hostname(), started: '2020-01-01T00:00:00.000Z' }));
    const lock = acquireLock(dir, 'index');
    expect(() => acquireLock(dir, 'index')).toThrow(`pid ${process.pid}`);
    lock.release();
  });

  it('recovers an unreadable lock file only once it is old debris', () => {
    const path = join(dir, '.lock');
    writeFileSync(path, '');
    expect(() => acquireLock(dir, 'index')).toThrow(/being written by another process/);
    utimesSync(path, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    acquireLock(dir, 'index').release();
  });
});

describe('one build per index folder', () => {
  it('refuses a second concurrent build into the same folder; the first completes and the index loads', async () => {
    const library = join(dir, 'papers.jsonl');
    writePapers(library, 12);
    const out = join(dir, 'index');
    const first = buildIndex({ inputs: [library], outDir: out, embedder });
    const second = buildIndex({ inputs: [library], outDir: out, embedder });
    await expect(second).rejects.toThrow(/^index in .* is being written by pid \d+ since .*; wait for it or stop it$/);
    await expect(first).resolves.toMatchObject({ papers: 12, written: true });
    expect((await loadIndex(out)).size).toBe(12);
    expect(existsSync(join(out, '.lock'))).toBe(false);
  });

  it('recovers the stale lock of a killed build', async () => {
    const library = join(dir, 'papers.jsonl');
    writePapers(library, 5);
    const out = join(dir, 'index');
    mkdirSync(out);
    writeFileSync(join(out, '.lock'), JSON.stringify({ pid: deadPid(), host: hostname(), started: '2020-01-01T00:00:00.000Z' }));
    await expect(buildIndex({ inputs: [library], outDir: out, embedder })).resolves.toMatchObject({ papers: 5, written: true });
    expect(existsSync(join(out, '.lock'))).toBe(false);
  });
});
