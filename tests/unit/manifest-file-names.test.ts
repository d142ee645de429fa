import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_HNSW, IndexError, loadIndex, writeIndex } from '../../src/index/index.js';
import { sha256 } from '../../src/storage/index.js';

const model = { name: 'm', precision: 'int8', checksum: '0'.repeat(64), dimensions: 4, maxTokens: 8 } as const;
const papers = ['alpha', 'beta', 'gamma'].map((word, i) => ({
  id: `${word}-${i}`,
  title: `The ${word} paper`,
  abstract: `All about ${word}.`,
}));
const vectors = [Float32Array.of(1, 0, 0, 0), Float32Array.of(0, 1, 0, 0), Float32Array.of(0, 0, 1, 0)];

let root: string;
let dir: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'paper-search-manifest-names-'));
  dir = join(root, 'a', 'b', 'index');
  mkdirSync(dir, { recursive: true });
  writeIndex(dir, { papers, vectors, model, hnsw: DEFAULT_HNSW, corpusHash: 'x', sources: [] });
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

type FileEntry = { name: string; bytes: number; crc32?: string; sha256?: string };
const editManifest = (edit: (manifest: { files: Record<string, FileEntry>; segments: Array<Record<string, FileEntry>> }) => void) => {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  edit(manifest);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
};

/** The one-line IndexError loading `dir` gives; fails the test if it loads. */
async function loadRefusal(): Promise<string> {
  try {
    (await loadIndex(dir)).close();
  } catch (error) {
    expect(error).toBeInstanceOf(IndexError);
    return (error as Error).message;
  }
  throw new Error('the tampered index loaded');
}

describe('data file names in a manifest', () => {
  it('are confined to the index folder: a name reaching outside is refused, though the file there matches', async () => {
    const outside = join(root, 'outside');
    mkdirSync(outside);
    editManifest((manifest) => {
      writeFileSync(join(outside, 'table.json'), readFileSync(join(dir, manifest.segments[0]!.table!.name)));
      manifest.segments[0]!.table!.name = '../../../outside/table.json';
    });
    const message = await loadRefusal();
    expect(message).toMatch(/is not a format-\d+ manifest \(segments\.0\.table\.name: not a data file name of an index folder\)/);
    expect(message).not.toContain('\n');
  });

  it('must be regular files of the recorded size: /dev/zero is refused, not read for ever', async () => {
    editManifest((manifest) => {
      manifest.files.hnsw!.name = '../../../../dev/zero';
    });
    expect(await loadRefusal()).toMatch(/files\.hnsw\.name: not a data file name/);

    // A plausible name that is a link to a device passes the name check, not the file check.
    symlinkSync('/dev/zero', join(dir, 'hnsw-zero.bin'));
    editManifest((manifest) => {
      manifest.files.hnsw!.name = 'hnsw-zero.bin';
    });
    expect(await loadRefusal()).toMatch(/damaged: hnsw-zero\.bin is not a regular file/);
  });

  it('must hold exactly the recorded bytes before they are read', async () => {
    editManifest((manifest) => {
      manifest.segments[0]!.papers!.bytes += 1;
    });
    expect(await loadRefusal()).toMatch(/damaged: papers-.*does not match its checksum/);
  });
});

describe('data file checksums', () => {
  const entriesOf = (manifest: { files: Record<string, FileEntry>; segments: Array<Record<string, FileEntry>> }) => [
    ...Object.values(manifest.files),
    ...manifest.segments.flatMap((segment) => Object.values(segment).filter((value) => typeof value === 'object')),
  ];

  it('are CRC-32 in what a build writes, and a flipped byte in the postings is refused', async () => {
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    for (const entry of entriesOf(manifest)) expect(Object.keys(entry).sort()).toEqual(['bytes', 'crc32', 'name']);
    const lexical = join(dir, manifest.segments[0].lexical.name);
    const bytes = readFileSync(lexical);
    bytes.writeUInt8(bytes.readUInt8(bytes.length >> 1) ^ 1, bytes.length >> 1);
    writeFileSync(lexical, bytes);
    expect(await loadRefusal()).toMatch(/damaged: lexical-.* does not match its checksum/);
  });

  it('may be the sha256 an index written before CRC-32 records: it loads, and damage is still caught', async () => {
    editManifest((manifest) => {
      for (const entry of entriesOf(manifest)) {
        entry.sha256 = sha256(readFileSync(join(dir, entry.name)));
        delete entry.crc32;
      }
    });
    const index = await loadIndex(dir);
    expect(index.size).toBe(3);
    index.close();
    editManifest((manifest) => {
      manifest.files.hnsw!.sha256 = '0'.repeat(64);
    });
    expect(await loadRefusal()).toMatch(/damaged: hnsw-.* does not match its checksum/);
  });

  it('are exactly one per file', async () => {
    editManifest((manifest) => {
      manifest.files.deletions!.sha256 = '0'.repeat(64);
    });
    expect(await loadRefusal()).toMatch(/not a format-\d+ manifest \(files\.deletions: a data file has one checksum, crc32 or sha256\)/);
    editManifest((manifest) => {
      delete manifest.files.deletions!.sha256;
      delete manifest.files.deletions!.crc32;
    });
    expect(await loadRefusal()).toMatch(/files\.deletions: a data file has one checksum/);
  });
});
