import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { crc32, hashFile, replaceFileAtomically, replaceFolder, sha256, writeFileDurably } from '../../src/storage/files.js';

let folder: string;
beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'paper-search-files-'));
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

const LARGE_BYTES = 2.5 * 2 ** 20;

/** 2.5 MiB in 300 kB pieces (the last shorter), so writing crosses the 1 MiB flush size and hashing the 1 MiB read size. */
function largePieces(): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  for (let written = 0; written < LARGE_BYTES; written += 300_000) {
    pieces.push(new Uint8Array(Math.min(300_000, LARGE_BYTES - written)).fill(pieces.length + 1));
  }
  return pieces;
}

describe('writeFileDurably', () => {
  it('writes text and byte pieces in order and returns the size and CRC-32 of what it wrote', () => {
    const path = join(folder, 'small');
    const digest = writeFileDurably(path, ['héllo ', new TextEncoder().encode('wörld'), '']);
    const written = readFileSync(path);
    expect(written.toString('utf8')).toBe('héllo wörld');
    expect(digest).toEqual({ bytes: written.length, crc32: crc32(written) });
    expect(hashFile(path, 'crc32')).toEqual({ bytes: digest.bytes, digest: digest.crc32 });
    expect(hashFile(path, 'sha256')).toEqual({ bytes: digest.bytes, digest: sha256(written) });
  });

  it('agrees with hashFile on a file larger than its buffers, and reports each chunk with its position', () => {
    const path = join(folder, 'large');
    const digest = writeFileDurably(path, largePieces());
    expect(digest.bytes).toBe(LARGE_BYTES);
    expect(digest.crc32).toBe(crc32(readFileSync(path)));
    const chunks: Array<[number, number]> = [];
    expect(hashFile(path, 'crc32', (chunk, position) => chunks.push([position, chunk.length]))).toEqual({
      bytes: digest.bytes,
      digest: digest.crc32,
    });
    expect(chunks).toEqual([
      [0, 2 ** 20],
      [2 ** 20, 2 ** 20],
      [2 * 2 ** 20, 2 ** 19],
    ]);
  });

  it('writes an empty file for no pieces', () => {
    const path = join(folder, 'empty');
    expect(writeFileDurably(path, [])).toEqual({ bytes: 0, crc32: '00000000' });
    expect(readFileSync(path)).toHaveLength(0);
  });
});

describe('replaceFileAtomically', () => {
  it('replaces the content and leaves no staging file behind', () => {
    const path = join(folder, 'manifest.json');
    writeFileSync(path, 'old');
    const digest = replaceFileAtomically(path, ['new ', 'content']);
    expect(readFileSync(path, 'utf8')).toBe('new content');
    expect({ bytes: digest.bytes, digest: digest.crc32 }).toEqual(hashFile(path, 'crc32'));
    expect(readdirSync(folder)).toEqual(['manifest.json']);
  });

  it('keeps the old file whole and removes the staging file when writing fails midway', () => {
    const path = join(folder, 'manifest.json');
    writeFileSync(path, 'old');
    function* failing() {
      yield 'half of the new';
      throw new Error('disk full');
    }
    expect(() => replaceFileAtomically(path, failing())).toThrow('disk full');
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(folder)).toEqual(['manifest.json']);
  });
});

describe('replaceFolder', () => {
  it('puts the staging folder in place of the target and removes the old target', () => {
    const staging = join(folder, 'index.staging');
    const target = join(folder, 'index');
    mkdirSync(target);
    writeFileSync(join(target, 'old-only'), 'old');
    mkdirSync(staging);
    writeFileSync(join(staging, 'papers'), 'new');
    replaceFolder(staging, target);
    expect(readdirSync(target)).toEqual(['papers']);
    expect(readFileSync(join(target, 'papers'), 'utf8')).toBe('new');
    expect(readdirSync(folder)).toEqual(['index']);
  });

  it('creates the target when there was none', () => {
    const staging = join(folder, 'index.staging');
    mkdirSync(staging);
    writeFileSync(join(staging, 'papers'), 'first');
    replaceFolder(staging, join(folder, 'index'));
    expect(existsSync(staging)).toBe(false);
    expect(readFileSync(join(folder, 'index', 'papers'), 'utf8')).toBe('first');
  });
});
