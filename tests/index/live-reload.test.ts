import { mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex, loadIndex, readManifest, watchGenerations, type GenerationWatch, type Manifest } from '../../src/index/index.js';
import { Embedder } from '../../src/model/index.js';
import { readCorpus, type Paper } from '../../src/papers/index.js';
import { SearchEngine } from '../../src/search/index.js';
import { MODELS_DIR } from '../support/seed-engine.js';

const tempDir = (label: string) => mkdtempSync(join(tmpdir(), `paper-search-${label}-`));
const writeJsonl = (file: string, papers: Paper[]) => writeFileSync(file, `${papers.map((p) => JSON.stringify(p)).join('\n')}\n`);

let seeds: Paper[];
let embedder: Embedder;
beforeAll(async () => {
  seeds = (await readCorpus([resolve('seeds')])).papers;
  embedder = await Embedder.load({ modelsDir: MODELS_DIR });
});

let watch: GenerationWatch | undefined;
afterEach(() => watch?.close());

/** Resolves once `condition` holds, checking every 20 ms; fails after `seconds`. */
async function until(condition: () => boolean, seconds = 20): Promise<void> {
  for (const deadline = Date.now() + seconds * 1000; !condition(); ) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((wake) => setTimeout(wake, 20));
  }
}

/** Commits a manifest by hand (as a build does: a temporary file renamed over the old one). */
function commitManifest(dir: string, manifest: Manifest): void {
  writeFileSync(join(dir, 'manifest.json.tmp-test'), JSON.stringify(manifest));
  renameSync(join(dir, 'manifest.json.tmp-test'), join(dir, 'manifest.json'));
}

async function builtLibrary(label: string, papers: Paper[]) {
  const dir = tempDir(label);
  const library = join(dir, 'library.jsonl');
  writeJsonl(library, papers);
  const out = join(dir, 'index');
  await buildIndex({ inputs: [library], outDir: out, embedder });
  return { library, out };
}

describe('swapping generations in a running engine', () => {
  it('finishes requests in flight on the generation they started on, then closes it; new requests see the new one', async () => {
    const { library, out } = await builtLibrary('swap', seeds.slice(0, 60));
    const first = await loadIndex(out);
    const engine = new SearchEngine(first, embedder);
    writeJsonl(library, seeds.slice(0, 80));
    await buildIndex({ inputs: [], outDir: out, embedder });

    const inFlight = engine.search('learning dexterous manipulation from human videos', { k: 100, mode: 'lexical' });
    engine.replaceIndex(await loadIndex(out));
    const fresh = await engine.search('learning dexterous manipulation from human videos', { k: 100, mode: 'lexical' });
    const old = await inFlight;

    const firstIds = new Set(seeds.slice(0, 60).map((paper) => paper.id));
    expect(old.generation).toBe(1);
    expect(old.hits.every((hit) => firstIds.has(hit.paper.id))).toBe(true);
    expect(fresh.generation).toBe(2);
    expect(
      fresh.hits.some((hit) => !firstIds.has(hit.paper.id)),
      'the new papers are found',
    ).toBe(true);
    expect(engine.describe()).toMatchObject({ generation: 2, papers: 80 });
    // Its last request done, the old generation was closed: its record files can no longer be read.
    expect(() => first.paper(0)).toThrow();
  });
});

describe('watching an index folder for new generations', () => {
  it('loads each committed generation, refuses a damaged one or one of another model in one line, and keeps serving', async () => {
    const { library, out } = await builtLibrary('watch', seeds.slice(0, 40));
    const engine = new SearchEngine(await loadIndex(out), embedder);
    const refusals: string[] = [];
    watch = watchGenerations(out, {
      current: engine.index.manifest,
      onGeneration: (index) => engine.replaceIndex(index),
      onRefused: (message) => refusals.push(message),
      pollMs: 100,
    });

    writeJsonl(library, seeds.slice(0, 50));
    await buildIndex({ inputs: [], outDir: out, embedder });
    await until(() => engine.describe().generation === 2);
    expect(engine.describe().papers).toBe(50);

    // A generation whose graph does not match its checksum.
    const good = readManifest(out);
    commitManifest(out, { ...good, generation: 3, files: { ...good.files, hnsw: { ...good.files.hnsw, crc32: '00000000' } } });
    await until(() => refusals.length === 1);
    expect(refusals[0]).toMatch(
      /^not switching to generation 3 of .*: index in .* is damaged: hnsw-.* does not match its checksum .*; still serving generation 2$/,
    );
    expect(refusals[0]).not.toContain('\n');

    // A generation built with another model.
    commitManifest(out, { ...good, generation: 4, model: { ...good.model, checksum: 'f'.repeat(64) } });
    await until(() => refusals.length === 2);
    expect(refusals[1]).toMatch(
      /^not switching to generation 4 .*built with all-MiniLM-L6-v2 .* but the loaded model is .*; still serving generation 2$/,
    );
    expect(engine.describe().generation).toBe(2);
    expect((await engine.search('humanoid robot', { k: 3 })).hits).toHaveLength(3);

    // The next good build is taken (a full one: the manifest on disk names another model).
    await buildIndex({ inputs: [], outDir: out, embedder });
    await until(() => engine.describe().generation === 5);
    expect(refusals).toHaveLength(2);
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).generation).toBe(5);
  });
});
