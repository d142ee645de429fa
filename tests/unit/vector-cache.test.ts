import { mkdtempSync, readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contentKey, VectorCache } from '../../src/index/vector-cache.js';

const model = { name: 'm', precision: 'int8', checksum: '0'.repeat(64), dimensions: 4, maxTokens: 8 } as const;
/** A 32-byte key and four float32s. */
const RECORD_BYTES = 32 + 4 * 4;

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'paper-search-vector-cache-'));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

const entry = (text: string, first: number): [string, Float32Array] => [contentKey(text), Float32Array.of(first, 0.5, -0.25, 1e-3)];
const cacheFile = () => {
  const files = readdirSync(folder);
  expect(files).toHaveLength(1);
  return join(folder, files[0]!);
};

describe('VectorCache', () => {
  it('gives back appended vectors after a reopen, bit for bit', () => {
    const cache = new VectorCache(folder, model);
    cache.append([entry('a', 1), entry('b', 2)]);
    cache.append([entry('c', 3)]);
    expect(cache.get(contentKey('a'))).toEqual(entry('a', 1)[1]);
    const reopened = new VectorCache(folder, model);
    expect(reopened.size).toBe(3);
    for (const [text, first] of [['a', 1], ['b', 2], ['c', 3]] as const) expect(reopened.get(contentKey(text))).toEqual(entry(text, first)[1]);
    expect(reopened.get(contentKey('never embedded'))).toBeUndefined();
    expect(statSync(cacheFile()).size).toBe(3 * RECORD_BYTES);
  });

  it('keeps the vectors of another model or precision apart', () => {
    new VectorCache(folder, model).append([entry('a', 1)]);
    expect(new VectorCache(folder, { ...model, checksum: `1${'0'.repeat(63)}` }).get(contentKey('a'))).toBeUndefined();
    expect(new VectorCache(folder, { ...model, precision: 'fp32' }).get(contentKey('a'))).toBeUndefined();
    expect(new VectorCache(folder, model).get(contentKey('a'))).toEqual(entry('a', 1)[1]);
  });

  it('retainOnly drops every other vector, in memory and on disk', () => {
    const cache = new VectorCache(folder, model);
    cache.append([entry('a', 1), entry('b', 2), entry('c', 3)]);
    cache.retainOnly(new Set([contentKey('a'), contentKey('c'), contentKey('not cached')]));
    expect(cache.size).toBe(2);
    expect(cache.get(contentKey('b'))).toBeUndefined();
    const reopened = new VectorCache(folder, model);
    expect(reopened.size).toBe(2);
    expect(reopened.get(contentKey('b'))).toBeUndefined();
    expect(reopened.get(contentKey('c'))).toEqual(entry('c', 3)[1]);
    // The rewrite went through a sibling file that is gone now.
    expect(statSync(cacheFile()).size).toBe(2 * RECORD_BYTES);
  });

  it('ignores a torn final record and cuts it off, so the next append is readable after another reopen', () => {
    new VectorCache(folder, model).append([entry('a', 1), entry('b', 2), entry('c', 3)]);
    // A kill in the middle of appending "c": only part of its record reached the disk.
    truncateSync(cacheFile(), 3 * RECORD_BYTES - 5);
    const afterCrash = new VectorCache(folder, model);
    expect(afterCrash.size).toBe(2);
    expect(afterCrash.get(contentKey('a'))).toEqual(entry('a', 1)[1]);
    expect(afterCrash.get(contentKey('b'))).toEqual(entry('b', 2)[1]);
    expect(afterCrash.get(contentKey('c'))).toBeUndefined();
    afterCrash.append([entry('d', 4)]);
    const resumed = new VectorCache(folder, model);
    expect(resumed.size).toBe(3);
    expect(resumed.get(contentKey('b'))).toEqual(entry('b', 2)[1]);
    expect(resumed.get(contentKey('d'))).toEqual(entry('d', 4)[1]);
    expect(statSync(cacheFile()).size).toBe(3 * RECORD_BYTES);
  });
});
