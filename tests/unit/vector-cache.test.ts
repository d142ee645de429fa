import { execFileSync, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contentKey, VectorCache } from '../../src/index/vector-cache.js';

const model = { name: 'm', precision: 'int8', checksum: '0'.repeat(64), dimensions: 4, maxTokens: 8 } as const;
/** Magic, a 32-byte key, four float32s, a crc32. */
const RECORD_BYTES = 4 + 32 + 4 * 4 + 4;

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'paper-search-vector-cache-'));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

/** A unit vector whose first component depends on `first`. */
const unit = (first: number, dimensions = 4): Float32Array => {
  const vector = Float32Array.from({ length: dimensions }, (_, i) => (i === 0 ? first : 0.5 + i / 10));
  const norm = Math.hypot(...vector);
  return vector.map((x) => x / norm);
};
const entry = (text: string, first: number): [string, Float32Array] => [contentKey(text), unit(first)];
const cacheFile = () => {
  const files = readdirSync(folder).filter((name) => name.endsWith('.vectors'));
  expect(files).toHaveLength(1);
  return join(folder, files[0]!);
};
const expectHolds = (cache: VectorCache, texts: Array<[string, number]>) => {
  expect(cache.size).toBe(texts.length);
  for (const [text, first] of texts) expect(cache.get(contentKey(text)), text).toEqual(entry(text, first)[1]);
};

describe('VectorCache', () => {
  it('gives back appended vectors after a reopen, bit for bit', () => {
    const cache = new VectorCache(folder, model);
    cache.append([entry('a', 1), entry('b', 2)]);
    cache.append([entry('c', 3)]);
    expect(cache.get(contentKey('a'))).toEqual(entry('a', 1)[1]);
    const reopened = new VectorCache(folder, model);
    expectHolds(reopened, [
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    expect(reopened.get(contentKey('never embedded'))).toBeUndefined();
    expect(statSync(cacheFile()).size).toBe(3 * RECORD_BYTES);
  });

  it('keeps the vectors of another model or precision apart', () => {
    new VectorCache(folder, model).append([entry('a', 1)]);
    expect(new VectorCache(folder, { ...model, checksum: `1${'0'.repeat(63)}` }).get(contentKey('a'))).toBeUndefined();
    expect(new VectorCache(folder, { ...model, precision: 'fp32' }).get(contentKey('a'))).toBeUndefined();
    expect(new VectorCache(folder, model).get(contentKey('a'))).toEqual(entry('a', 1)[1]);
  });

  it('ignores a file of the old format (records without magic or checksum) instead of misreading it', () => {
    writeFileSync(join(folder, `v1-m-int8-${'0'.repeat(16)}.vectors`), Buffer.alloc(10 * (32 + 16), 7));
    expect(new VectorCache(folder, model).size).toBe(0);
  });

  it('prune keeps vectors of papers no longer in the index up to its limit, dropping the oldest first', () => {
    const cache = new VectorCache(folder, model);
    cache.append([entry('a', 1), entry('b', 2), entry('c', 3), entry('d', 4)]);
    cache.prune(new Set([contentKey('d')]));
    expect(cache.size).toBe(4);
    cache.prune(new Set([contentKey('d'), contentKey('a')]), 3);
    expectHolds(cache, [
      ['a', 1],
      ['c', 3],
      ['d', 4],
    ]);
    // Vectors in use are never dropped, whatever the limit.
    cache.prune(new Set([contentKey('a'), contentKey('c')]), 1);
    expectHolds(cache, [
      ['a', 1],
      ['c', 3],
    ]);
    const reopened = new VectorCache(folder, model);
    expectHolds(reopened, [
      ['a', 1],
      ['c', 3],
    ]);
    reopened.append([entry('e', 5)]);
    expectHolds(new VectorCache(folder, model), [
      ['a', 1],
      ['c', 3],
      ['e', 5],
    ]);
    expect(statSync(cacheFile()).size).toBe(3 * RECORD_BYTES);
  });

  it('survives the last record torn at every byte: reopen, append, reopen gives every whole record', () => {
    for (let cut = 1; cut < RECORD_BYTES; cut++) {
      rmSync(folder, { recursive: true, force: true });
      mkdirSync(folder);
      new VectorCache(folder, model).append([entry('a', 1), entry('b', 2), entry('c', 3)]);
      truncateSync(cacheFile(), 3 * RECORD_BYTES - cut);
      const notes: string[] = [];
      const afterCrash = new VectorCache(folder, model, (note) => notes.push(note));
      expectHolds(afterCrash, [
        ['a', 1],
        ['b', 2],
      ]);
      expect(notes.join(' '), `cut ${cut}`).toMatch(/2 whole records, then \d+ bytes of a torn or damaged record/);
      afterCrash.append([entry('d', 4)]);
      expectHolds(new VectorCache(folder, model), [
        ['a', 1],
        ['b', 2],
        ['d', 4],
      ]);
      expect(statSync(cacheFile()).size).toBe(3 * RECORD_BYTES);
    }
  });

  it('a failed append that left a torn tail is cut off before the next append, in the same process', () => {
    const cache = new VectorCache(folder, model);
    cache.append([entry('a', 1)]);
    // Debris of an append that died half-way, which this cache never saw succeed.
    const fd = openSync(cacheFile(), 'a');
    writeSync(fd, readFileSync(cacheFile()).subarray(0, 20));
    closeSync(fd);
    cache.append([entry('b', 2)]);
    expectHolds(new VectorCache(folder, model), [
      ['a', 1],
      ['b', 2],
    ]);
  });

  it('stops at a record with a flipped byte, whichever byte, and drops it and those after it', () => {
    for (let position = 0; position < RECORD_BYTES; position++) {
      rmSync(folder, { recursive: true, force: true });
      mkdirSync(folder);
      new VectorCache(folder, model).append([entry('a', 1), entry('b', 2), entry('c', 3)]);
      const bytes = readFileSync(cacheFile());
      bytes[RECORD_BYTES + position]! ^= 0x10;
      writeFileSync(cacheFile(), bytes);
      const reopened = new VectorCache(folder, model);
      expectHolds(reopened, [['a', 1]]);
      reopened.append([entry('c', 3)]);
      expectHolds(new VectorCache(folder, model), [
        ['a', 1],
        ['c', 3],
      ]);
    }
  });

  it('refuses to store a vector that is not a finite unit vector, and drops one found on load', () => {
    const cache = new VectorCache(folder, model);
    expect(() => cache.append([[contentKey('x'), Float32Array.of(3.3e35, 0, 0, 0)]])).toThrow(
      /unusable vector .*norm is 3\.300e\+35, not 1/,
    );
    expect(() => cache.append([[contentKey('x'), Float32Array.of(Number.NaN, 0, 0, 0)]])).toThrow(/non-finite/);
    expect(() => cache.append([[contentKey('x'), Float32Array.of(1, 0, 0)]])).toThrow(/3 dimensions, not 4/);
    expect(cache.size).toBe(0);

    // A record with a valid checksum around a bad vector (written by a faulty build): dropped, the rest kept.
    cache.append([entry('a', 1), entry('b', 2)]);
    const bytes = readFileSync(cacheFile());
    const record = bytes.subarray(0, RECORD_BYTES);
    record.writeFloatLE(2, 36);
    record.writeUInt32LE(crc32(record.subarray(0, RECORD_BYTES - 4)), RECORD_BYTES - 4);
    writeFileSync(cacheFile(), bytes);
    const notes: string[] = [];
    expectHolds(new VectorCache(folder, model, (note) => notes.push(note)), [['b', 2]]);
    expect(notes.join(' ')).toMatch(/1 stored vectors are not finite unit vectors and were dropped/);
  });

  it('reopens whole after an append hits a full disk (ENOSPC on a small tmpfs)', (context) => {
    const mountPoint = join(folder, 'small-disk');
    mkdirSync(mountPoint);
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mountPoint], { stdio: 'pipe' });
    } catch (error) {
      context.skip(`cannot mount a tmpfs here (needs root and mount rights): ${(error as Error).message.split('\n')[0]}`);
    }
    try {
      const wide = { ...model, dimensions: 384 };
      const wideEntry = (text: string, first: number): [string, Float32Array] => [contentKey(text), unit(first, 384)];
      const cache = new VectorCache(mountPoint, wide);
      cache.append([wideEntry('a', 1), wideEntry('b', 2)]);
      // Fill the disk, leaving less than a page free.
      const filler = openSync(join(mountPoint, 'filler'), 'w');
      try {
        for (;;) writeSync(filler, Buffer.alloc(512));
      } catch (error) {
        expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
      } finally {
        closeSync(filler);
      }
      const more = Array.from({ length: 20 }, (_, i) => wideEntry(`more ${i}`, i + 3));
      expect(() => cache.append(more)).toThrow(/ENOSPC/);
      expect(cache.size).toBe(2);

      const reopened = new VectorCache(mountPoint, wide);
      expect(reopened.size).toBe(2);
      expect(reopened.get(contentKey('b'))).toEqual(wideEntry('b', 2)[1]);
      rmSync(join(mountPoint, 'filler'));
      reopened.append(more);
      const afterSpaceFreed = new VectorCache(mountPoint, wide);
      expect(afterSpaceFreed.size).toBe(22);
      expect(afterSpaceFreed.get(contentKey('more 19'))).toEqual(wideEntry('more 19', 22)[1]);
    } finally {
      execFileSync('umount', [mountPoint]);
    }
  });
});

describe('staging files left by a killed rewrite', () => {
  it('are removed when the cache opens and their writer is gone, and kept while it lives', () => {
    const folder = mkdtempSync(join(tmpdir(), 'paper-search-staging-'));
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
    writeFileSync(join(folder, `v2-m.vectors.tmp-${dead}`), 'torn');
    writeFileSync(join(folder, `v2-m.vectors.tmp-${process.pid}`), 'in progress');
    new VectorCache(folder, { name: 'm', precision: 'int8', checksum: '0'.repeat(64), dimensions: 4, maxTokens: 8 });
    expect(existsSync(join(folder, `v2-m.vectors.tmp-${dead}`))).toBe(false);
    expect(existsSync(join(folder, `v2-m.vectors.tmp-${process.pid}`))).toBe(true);
    rmSync(folder, { recursive: true, force: true });
  });
});
