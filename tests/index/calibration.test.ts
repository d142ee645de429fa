import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildIndex, IndexError, loadIndex, readManifest } from '../../src/index/index.js';
import { PROBE_LOOKUPS, PROBE_PASSAGES, PROBE_QUESTIONS } from '../../src/index/probes.js';
import { Embedder } from '../../src/model/index.js';
import { crc32 } from '../../src/storage/index.js';
import { MODELS_DIR } from '../support/seed-engine.js';

const folders: string[] = [];
const tempDir = (label: string) => {
  const dir = mkdtempSync(join(tmpdir(), `paper-search-calibration-${label}-`));
  folders.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

/** The first `count` papers of the NLP fixture library as a JSON Lines file of their own. */
function nlpPapers(dir: string, count: number): string {
  const file = join(dir, 'papers.jsonl');
  const lines = readFileSync(resolve('tests/eval/fixtures/nlp-library.jsonl'), 'utf8').trim().split('\n');
  writeFileSync(file, `${lines.slice(0, count).join('\n')}\n`);
  return file;
}

/** Writes `bytes` as the index's calibration file and lists them in its manifest with a matching checksum. */
function replaceCalibration(indexDir: string, bytes: Buffer): void {
  const manifest = readManifest(indexDir);
  const entry = manifest.files.calibration!;
  writeFileSync(join(indexDir, entry.name), bytes);
  const relisted = { ...manifest, files: { ...manifest.files, calibration: { ...entry, bytes: bytes.length, crc32: crc32(bytes) } } };
  writeFileSync(join(indexDir, 'manifest.json'), JSON.stringify(relisted));
}

let embedder: Embedder;
beforeAll(async () => {
  embedder = await Embedder.load({ modelsDir: MODELS_DIR });
});

describe('the confidence calibration a build writes', () => {
  it('is a file of the generation, checksummed in the manifest, measuring every probe and the library per query length', async () => {
    const dir = inject('seedIndexDir');
    const { files } = readManifest(dir);
    expect(files.calibration?.name).toMatch(/^calibration-[a-z0-9-]+\.json$/);
    const bytes = readFileSync(join(dir, files.calibration!.name));
    expect(files.calibration).toMatchObject({ bytes: bytes.length, crc32: crc32(bytes) });

    const { calibration } = await loadIndex(dir);
    expect(calibration?.bands.map((band) => band.name)).toEqual(['lookup', 'question', 'passage']);
    const probes = calibration!.bands.reduce((sum, band) => sum + band.probes.count, 0);
    expect(probes).toBe(PROBE_LOOKUPS.length + PROBE_QUESTIONS.length + PROBE_PASSAGES.length);
    for (const band of calibration!.bands) {
      expect(band.library.count, band.name).toBeGreaterThan(0);
      // Text the library does not cover comes nowhere near its own titles and sentences.
      expect(band.probes.mean + 3 * band.probes.deviation, band.name).toBeLessThan(band.library.median);
    }
  });

  it('is written for a library of three papers too, and again by an incremental build, which keeps the previous one until the next commit', async () => {
    const dir = tempDir('small');
    const input = nlpPapers(dir, 3);
    await buildIndex({ inputs: [input], outDir: join(dir, 'index'), embedder });
    const first = readManifest(join(dir, 'index')).files.calibration!.name;
    expect((await loadIndex(join(dir, 'index'))).calibration?.bands[1]?.library.count).toBeGreaterThan(0);

    nlpPapers(dir, 5);
    const summary = await buildIndex({ inputs: [input], outDir: join(dir, 'index'), embedder });
    expect(summary.incremental).toBe(true);
    const second = readManifest(join(dir, 'index')).files.calibration!.name;
    expect(second).not.toBe(first);
    expect(readFileSync(join(dir, 'index', first)).length).toBeGreaterThan(0);
    expect((await loadIndex(join(dir, 'index'))).calibration).toBeDefined();
  });

  it('holds the mean of the live papers\u2019 vectors, which an incremental build that adds and removes papers keeps equal to a full build\u2019s', async () => {
    const dir = tempDir('centroid');
    const input = nlpPapers(dir, 6);
    const indexDir = join(dir, 'index');
    await buildIndex({ inputs: [input], outDir: indexDir, embedder });
    const meanOf = (index: Awaited<ReturnType<typeof loadIndex>>) => {
      const ordinals = index.liveOrdinals();
      const mean = new Float64Array(384);
      for (const ordinal of ordinals) {
        const vector = index.vectorOf(ordinal);
        for (let d = 0; d < vector.length; d++) mean[d]! += vector[d]! / ordinals.length;
      }
      return [...mean];
    };
    const first = await loadIndex(indexDir);
    expect(first.calibration?.centroid).toHaveLength(384);
    const firstMean = meanOf(first);
    for (const [d, value] of first.calibration!.centroid!.entries()) expect(value).toBeCloseTo(firstMean[d]!, 6);

    // Two papers out, three in: the update's centroid is that of its live papers, as a full build's is.
    const lines = readFileSync(resolve('tests/eval/fixtures/nlp-library.jsonl'), 'utf8').trim().split('\n');
    writeFileSync(input, `${[...lines.slice(2, 6), ...lines.slice(10, 13)].join('\n')}\n`);
    expect(await buildIndex({ inputs: [input], outDir: indexDir, embedder, confirmShrink: async () => true })).toMatchObject({
      incremental: true,
    });
    const updated = await loadIndex(indexDir);
    const full = join(dir, 'full');
    await buildIndex({ inputs: [input], outDir: full, embedder });
    const clean = await loadIndex(full);
    expect(updated.size).toBe(7);
    const updatedMean = meanOf(updated);
    for (const [d, value] of updated.calibration!.centroid!.entries()) {
      expect(value).toBeCloseTo(updatedMean[d]!, 6);
      expect(value).toBeCloseTo(clean.calibration!.centroid![d]!, 6);
    }
  });

  it('is refused when damaged, with a one-line reason', async () => {
    const dir = tempDir('damaged');
    cpSync(inject('seedIndexDir'), dir, { recursive: true });
    const manifest = readManifest(dir);
    const entry = manifest.files.calibration!;
    const file = join(dir, entry.name);
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace('"count"', '"COUNT"'));
    await expect(loadIndex(dir)).rejects.toThrow(IndexError);
    await expect(loadIndex(dir)).rejects.toThrow(
      /^index in .* is damaged: calibration-.*\.json does not match its checksum in manifest\.json; rebuild it/,
    );

    // Bytes that match their checksum but are not a calibration (a manifest rewritten by hand, say).
    replaceCalibration(dir, Buffer.from('{"version": 1, "bands": "none"}\n'));
    await expect(loadIndex(dir)).rejects.toThrow(/damaged: calibration-.*\.json is not a confidence calibration; rebuild it$/);
  });

  it('is absent from an index built before calibrations, which still loads, and the next build adds it without embedding a paper', async () => {
    const dir = tempDir('before');
    const input = nlpPapers(dir, 3);
    const indexDir = join(dir, 'index');
    await buildIndex({ inputs: [input], outDir: indexDir, embedder });
    const manifest = readManifest(indexDir);
    const { calibration, ...files } = manifest.files;
    rmSync(join(indexDir, calibration!.name));
    writeFileSync(join(indexDir, 'manifest.json'), JSON.stringify({ ...manifest, files }));
    expect((await loadIndex(indexDir)).calibration).toBeUndefined();

    const summary = await buildIndex({ inputs: [input], outDir: indexDir, embedder });
    expect(summary).toMatchObject({ written: true, embedded: 0 });
    expect((await loadIndex(indexDir)).calibration).toBeDefined();
  });

  it('is rewritten by the next build when it was written before it held the library\u2019s mean vector, without embedding a paper', async () => {
    const dir = tempDir('no-centroid');
    const input = nlpPapers(dir, 3);
    const indexDir = join(dir, 'index');
    await buildIndex({ inputs: [input], outDir: indexDir, embedder });
    const { centroid, ...older } = JSON.parse(readFileSync(join(indexDir, readManifest(indexDir).files.calibration!.name), 'utf8'));
    expect(centroid).toHaveLength(384);
    replaceCalibration(indexDir, Buffer.from(`${JSON.stringify(older)}\n`));
    expect((await loadIndex(indexDir)).calibration?.centroid).toBeUndefined();

    expect(await buildIndex({ inputs: [input], outDir: indexDir, embedder })).toMatchObject({ written: true, embedded: 0 });
    expect((await loadIndex(indexDir)).calibration?.centroid).toHaveLength(384);
    // Once current, the next build has nothing to do.
    expect(await buildIndex({ inputs: [input], outDir: indexDir, embedder })).toMatchObject({ written: false });
  });
});
