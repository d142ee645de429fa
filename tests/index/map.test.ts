import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { buildIndex, IndexError, loadIndex, readManifest, type PaperIndex } from '../../src/index/index.js';
import { Embedder } from '../../src/model/index.js';
import { readCorpus, type Paper } from '../../src/papers/index.js';
import { crc32 } from '../../src/storage/index.js';
import { MODELS_DIR } from '../support/seed-engine.js';

const tempDir = (label: string) => mkdtempSync(join(tmpdir(), `paper-search-${label}-`));
const writeJsonl = (file: string, papers: Paper[]) => writeFileSync(file, `${papers.map((p) => JSON.stringify(p)).join('\n')}\n`);

let seeds: Paper[];
let embedder: Embedder;

beforeAll(async () => {
  seeds = (await readCorpus([resolve('seeds')])).papers;
  embedder = await Embedder.load({ modelsDir: MODELS_DIR });
});

/** Every paper's position by id. */
function positions(index: PaperIndex): Map<string, { x: number; y: number }> {
  return new Map(
    Array.from(index.liveOrdinals(), (ordinal) => [index.idOf(ordinal), { x: index.map.x[ordinal]!, y: index.map.y[ordinal]! }]),
  );
}

describe('the map in the index', () => {
  it('is written by a build, listed in the manifest with its checksum, and places every paper', async () => {
    const dir = inject('seedIndexDir');
    const manifest = readManifest(dir);
    expect(manifest.files.map.name).toMatch(/^map-[a-z0-9-]+\.bin$/);
    const bytes = readFileSync(join(dir, manifest.files.map.name));
    expect({ bytes: bytes.length, crc32: crc32(bytes) }).toEqual({ bytes: manifest.files.map.bytes, crc32: manifest.files.map.crc32 });
    const index = await loadIndex(dir);
    expect(index.map.method).toBe('umap');
    for (const ordinal of index.liveOrdinals()) {
      expect(Number.isFinite(index.map.x[ordinal]!)).toBe(true);
      expect(index.map.cluster[ordinal]!).toBeLessThan(index.map.clusters.length);
    }
    index.close();
  });

  it('a damaged map file is refused like any other damaged file, in one line', async () => {
    const dir = tempDir('map-damaged');
    cpSync(inject('seedIndexDir'), dir, { recursive: true });
    const { files } = readManifest(dir);
    const path = join(dir, files.map.name);
    const bytes = readFileSync(path);
    bytes[bytes.length - 1]! ^= 0xff;
    writeFileSync(path, bytes);
    await expect(loadIndex(dir)).rejects.toThrow(IndexError);
    await expect(loadIndex(dir)).rejects.toThrow(
      `index in ${dir} is damaged: ${files.map.name} does not match its checksum in manifest.json; rebuild it with "npx paper-search build --out ${dir}"`,
    );
  });

  it('an incremental build keeps every placed paper where it was and puts new ones beside their neighbours; past 30% new, the map is laid out afresh and the build says so', async () => {
    const dir = tempDir('map-incremental');
    const out = join(dir, 'index');
    const library = join(dir, 'library.jsonl');
    const notes: string[] = [];
    const build = async (count: number) => {
      writeJsonl(library, seeds.slice(0, count));
      notes.length = 0;
      const summary = await buildIndex({ inputs: [library], outDir: out, embedder, progress: { onNote: (note) => notes.push(note) } });
      return { summary, index: await loadIndex(out) };
    };

    const first = await build(150);
    const before = positions(first.index);
    const second = await build(190);
    expect(second.summary.incremental).toBe(true);
    expect(notes.join('\n')).not.toContain('afresh');
    const after = positions(second.index);
    for (const [id, position] of before) expect(after.get(id)).toEqual(position);
    expect(second.index.map.placed).toBe(40);

    // A new paper lands about as near its nearest paper (in the embedding) as the layout put old papers
    // to theirs, and far nearer than papers of the map typically are to each other.
    const index = second.index;
    const gapToNearest = (paper: Paper) => {
      const ordinal = index.ordinalOf(paper.id)!;
      const [nearest] = index.nearest(index.vectorOf(ordinal), 1, ordinal, (other) => before.has(index.idOf(other)));
      const a = after.get(paper.id)!;
      const b = after.get(index.idOf(nearest!.ordinal))!;
      return Math.hypot(a.x - b.x, a.y - b.y);
    };
    const placedGap = median(seeds.slice(150, 190).map(gapToNearest));
    const laidOutGap = median(seeds.slice(0, 150).map(gapToNearest));
    const typical = median(
      [...before.values()].flatMap((a, i, all) => (i % 7 === 0 ? all.map((b) => Math.hypot(a.x - b.x, a.y - b.y)) : [])),
    );
    expect(placedGap).toBeLessThan(2 * laidOutGap);
    expect(placedGap).toBeLessThan(typical / 3);
    first.index.close();

    // 40 + 47 placed of 237 is past 30%: laid out afresh.
    const third = await build(237);
    expect(third.summary.incremental).toBe(true);
    expect(notes.join('\n')).toMatch(/Laying the map out afresh: 87 of its 237 papers were placed/);
    expect(third.index.map.placed).toBe(0);
    expect(third.index.map.laidOut).toBe(237);
    for (const ordinal of third.index.liveOrdinals()) expect(Number.isFinite(third.index.map.x[ordinal]!)).toBe(true);
    expect(existsSync(join(out, readManifest(out).files.map.name))).toBe(true);
    second.index.close();
    third.index.close();
  });
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
