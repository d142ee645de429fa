import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/contract/values.js';
import {
  buildIndex,
  WATCHES_FILE,
  WatchesUnreadableError,
  WatchLimitError,
  WatchNotFoundError,
  WatchStore,
} from '../../src/index/index.js';
import { Embedder } from '../../src/model/index.js';
import { acquireLock } from '../../src/storage/index.js';
import { writePapers } from '../support/papers-file.js';
import { MODELS_DIR } from '../support/seed-engine.js';

let dir: string;
let store: WatchStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'paper-search-watches-'));
  store = new WatchStore(dir);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The compiled store, as another process (the CLI, a server) runs it. */
const COMPILED_STORE = resolve('.build/index/watch-store.js');

/** Runs `script` in a new node process with `WatchStore` and `dir` in scope; resolves with its exit. */
function inChild(script: string): { exited: Promise<{ code: number | null; signal: string | null; stderr: string }>; kill(): void } {
  const source = `import { WatchStore } from ${JSON.stringify(COMPILED_STORE)};\nconst dir = ${JSON.stringify(dir)};\n${script}`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', source], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return {
    exited: new Promise((done) => child.on('exit', (code, signal) => done({ code, signal, stderr }))),
    kill: () => child.kill('SIGKILL'),
  };
}

describe('WatchStore', () => {
  it('adds, lists and removes watches, kept in watches.json with short stable ids', async () => {
    expect(store.list()).toEqual([]);
    const { watch, created } = await store.add({ query: 'diffusion policies for manipulation' }, new Date('2025-01-02T03:04:05.000Z'));
    expect(created).toBe(true);
    expect(watch).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}$/),
      query: 'diffusion policies for manipulation',
      created_at: '2025-01-02T03:04:05.000Z',
    });
    const filtered = (await store.add({ query: 'tactile grasping', year_min: 2023, tag: 'cs.RO' })).watch;
    expect(filtered).toMatchObject({ query: 'tactile grasping', year_min: 2023, tag: 'cs.RO' });
    expect(Object.keys(filtered)).not.toContain('author');
    expect(store.list()).toEqual([watch, filtered]);
    expect(JSON.parse(readFileSync(join(dir, WATCHES_FILE), 'utf8'))).toEqual({ version: 1, watches: [watch, filtered] });

    expect(await store.remove(watch.id)).toEqual(watch);
    expect(store.list()).toEqual([filtered]);
    await expect(store.remove(watch.id)).rejects.toThrow(new WatchNotFoundError(watch.id));
    // Added again, the same query gets the same id back.
    expect((await store.add({ query: 'diffusion policies for manipulation' })).watch.id).toBe(watch.id);
  });

  it('watches a query once: the same query and filters (case and spacing aside) find the existing watch', async () => {
    const first = await store.add({ query: 'Sim-to-real transfer', author: 'Ada' });
    const again = await store.add({ query: '  sim-to-real   TRANSFER ', author: 'ada' });
    expect(again).toEqual({ watch: first.watch, created: false });
    const otherFilter = await store.add({ query: 'Sim-to-real transfer', author: 'Alan' });
    expect(otherFilter.created).toBe(true);
    expect(otherFilter.watch.id).not.toBe(first.watch.id);
    expect(store.list()).toHaveLength(2);
  });

  it('keeps liked sets beside saved queries: the same liked and disliked ids in any order (name aside) are one watch', async () => {
    const query = (await store.add({ query: 'legged locomotion' })).watch;
    const { watch, created } = await store.add({ liked: ['b', 'a'], disliked: ['c'], name: 'my set', year_min: 2020 });
    expect(created).toBe(true);
    expect(watch).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}$/),
      liked: ['b', 'a'],
      disliked: ['c'],
      name: 'my set',
      created_at: expect.any(String),
      year_min: 2020,
    });
    expect(await store.add({ liked: ['a', 'b', 'a'], disliked: ['c'], name: 'another name', year_min: 2020 })).toEqual({
      watch,
      created: false,
    });
    for (const other of [
      { liked: ['a', 'b'], disliked: ['c'] },
      { liked: ['a', 'b'], year_min: 2020 },
      { liked: ['a'], disliked: ['c'], year_min: 2020 },
    ])
      expect((await store.add(other)).created, JSON.stringify(other)).toBe(true);
    expect(store.list()).toHaveLength(5);
    expect(store.list().slice(0, 2)).toEqual([query, watch]);
    expect(JSON.parse(readFileSync(join(dir, WATCHES_FILE), 'utf8')).version).toBe(1);
  });

  it('reads a watches file written before liked sets unchanged, finds its watches, and writes them back as they were', async () => {
    const path = join(dir, WATCHES_FILE);
    const old = { id: '3f9a1c2e', query: 'Tactile sensing', created_at: '2026-11-30T23:14:09.208Z', year_min: 2024 };
    writeFileSync(path, `${JSON.stringify({ version: 1, watches: [old] }, null, 2)}\n`);
    expect(store.list()).toEqual([old]);
    expect(await store.add({ query: 'tactile  sensing', year_min: 2024 })).toEqual({ watch: old, created: false });
    await store.add({ liked: ['a'] });
    const written = JSON.parse(readFileSync(path, 'utf8'));
    expect(written.version).toBe(1);
    expect(JSON.stringify(written.watches[0])).toBe(JSON.stringify(old));
    // A query watch's id is what it was before liked sets: the same query and filters hash as they did.
    expect((await store.add({ query: 'diffusion policies for manipulation' })).watch.id).toBe('d10727ba');
  });

  it(`keeps at most ${LIMITS.watches} watches and says so`, async () => {
    for (let i = 0; i < LIMITS.watches; i++) await store.add({ query: `topic ${i}` });
    await expect(store.add({ query: 'one more' })).rejects.toThrow(WatchLimitError);
    await expect(store.add({ query: 'one more' })).rejects.toThrow(`${join(dir, WATCHES_FILE)} already holds ${LIMITS.watches} watches`);
    expect(store.list()).toHaveLength(LIMITS.watches);
  });

  it('refuses a corrupt watches.json with one line naming it, and never overwrites it', async () => {
    const path = join(dir, WATCHES_FILE);
    for (const [content, why] of [
      ['{"version": 1, "watches": [', 'not valid JSON'],
      ['', 'not valid JSON'],
      [
        '{"version": 1, "watches": [{"id": "zz", "query": "q", "created_at": "2025-01-01T00:00:00Z"}]}',
        'watches.0.id: a watch id is 8 or more',
      ],
      ['{"version": 2, "watches": []}', 'version'],
      [
        '{"version": 1, "watches": [{"id": "0000000a", "query": "q", "liked": ["x"], "created_at": "2025-01-01T00:00:00Z"}]}',
        'watches.0.query: query and liked cannot both be given',
      ],
      [
        '{"version": 1, "watches": [{"id": "0000000a", "created_at": "2025-01-01T00:00:00Z"}]}',
        'watches.0.query: query or liked is required',
      ],
      ['[]', 'root'],
    ]) {
      writeFileSync(path, content!);
      expect(() => store.list()).toThrow(WatchesUnreadableError);
      expect(() => store.list()).toThrow(
        new RegExp(
          `^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a watches file \\(${why}.*\\); fix it or move it aside: it is left as it is$`,
        ),
      );
      await expect(store.add({ query: 'anything' })).rejects.toThrow(WatchesUnreadableError);
      await expect(store.remove('00000000')).rejects.toThrow(WatchesUnreadableError);
      expect(readFileSync(path, 'utf8')).toBe(content);
    }
    expect(existsSync(join(dir, '.watches.lock'))).toBe(false);
  });

  it('never writes a watch its own reader would refuse', async () => {
    await store.add({ query: 'kept' });
    const before = readFileSync(join(dir, WATCHES_FILE), 'utf8');
    await expect(store.add({ query: 'x'.repeat(LIMITS.passageChars + 1) })).rejects.toThrow(
      `not a valid watch: query must be at most ${LIMITS.passageChars} characters`,
    );
    await expect(store.add({ query: '' })).rejects.toThrow('not a valid watch: query must not be empty');
    expect(readFileSync(join(dir, WATCHES_FILE), 'utf8')).toBe(before);
  });

  it('writes while a build holds the index lock: the watches have a lock of their own', async () => {
    const build = acquireLock(dir, 'index');
    try {
      await store.add({ query: 'legged locomotion' });
    } finally {
      build.release();
    }
    expect(store.list().map((watch) => watch.query)).toEqual(['legged locomotion']);
  });

  it('keeps every watch two processes add at the same time', async () => {
    const perProcess = 25;
    const writers = ['a', 'b'].map((name) =>
      inChild(
        `const store = new WatchStore(dir);\nfor (let i = 0; i < ${perProcess}; i++) await store.add({ query: '${name} topic ' + i });`,
      ),
    );
    const exits = await Promise.all(writers.map((writer) => writer.exited));
    for (const exit of exits) expect(exit, exit.stderr).toMatchObject({ code: 0 });
    const queries = store.list().map((watch) => watch.query);
    expect(queries).toHaveLength(2 * perProcess);
    for (const name of ['a', 'b']) {
      // Each writer's own watches stay in the order it added them.
      expect(queries.filter((query) => query?.startsWith(name))).toEqual(
        Array.from({ length: perProcess }, (_, i) => `${name} topic ${i}`),
      );
    }
  });

  it('survives a writer killed with SIGKILL mid-change: the file is whole, the next change goes through', async () => {
    await store.add({ query: 'kept before the kill' });
    const writer = inChild(
      "const store = new WatchStore(dir);\nfor (let i = 0; ; i++) {\n  const { watch } = await store.add({ query: 'churn ' + i });\n  if (i % 2) await store.remove(watch.id);\n}",
    );
    // Let it write for a while (until the file has grown), then kill it wherever it is.
    while (store.list().length < 10) await new Promise((wait) => setTimeout(wait, 5));
    writer.kill();
    expect((await writer.exited).signal).toBe('SIGKILL');

    const survivors = store.list();
    expect(survivors[0]!.query).toBe('kept before the kill');
    await store.add({ query: 'added after the kill' });
    expect(store.list()).toEqual([...survivors, expect.objectContaining({ query: 'added after the kill' })]);
    expect(readdirSync(dir).filter((name) => name !== WATCHES_FILE)).toEqual([]);
  });

  it("recovers a killed writer's lock and staging file", async () => {
    const deadPid = 2 ** 22 + 17; // above the largest pid Linux hands out by default
    writeFileSync(join(dir, '.watches.lock'), JSON.stringify({ pid: deadPid, host: hostname(), started: '2020-01-01T00:00:00.000Z' }));
    writeFileSync(join(dir, `${WATCHES_FILE}.tmp-${deadPid}`), '{"version": 1, "wat');
    await store.add({ query: 'after a crash' });
    expect(store.list().map((watch) => watch.query)).toEqual(['after a crash']);
    expect(readdirSync(dir)).toEqual([WATCHES_FILE]);
  });
});

describe('watches beside an index', () => {
  it('are never touched by a build, first or later', async () => {
    const embedder = await Embedder.load({ modelsDir: MODELS_DIR });
    const library = join(dir, 'library.jsonl');
    const index = join(dir, 'index');
    writePapers(library, 4);
    await buildIndex({ inputs: [library], outDir: index, embedder });
    const watches = new WatchStore(index);
    await watches.add({ query: 'paper number' });
    const before = readFileSync(join(index, WATCHES_FILE), 'utf8');
    writePapers(library, 9);
    await buildIndex({ inputs: [], outDir: index, embedder });
    writePapers(library, 6);
    await buildIndex({ inputs: [library], replace: true, outDir: index, embedder });
    expect(readFileSync(join(index, WATCHES_FILE), 'utf8')).toBe(before);
  });
});
