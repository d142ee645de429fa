import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MODES } from '../../src/contract/values.js';
import { buildIndex, loadIndex, readManifest, type PaperIndex } from '../../src/index/index.js';
import { Embedder } from '../../src/model/index.js';
import { readCorpus, type Paper } from '../../src/papers/index.js';
import { SearchEngine } from '../../src/search/index.js';
import { MODELS_DIR } from '../support/seed-engine.js';

const tempDir = (label: string) => mkdtempSync(join(tmpdir(), `paper-search-${label}-`));
const writeJsonl = (file: string, papers: Paper[]) => writeFileSync(file, `${papers.map((p) => JSON.stringify(p)).join('\n')}\n`);
const queries: string[] = (
  JSON.parse(readFileSync('tests/eval/seed-dev.json', 'utf8')) as { queries: Array<{ text: string }> }
).queries.map((query) => query.text);

let seeds: Paper[];
let embedder: Embedder;

beforeAll(async () => {
  seeds = (await readCorpus([resolve('seeds')])).papers;
  embedder = await Embedder.load({ modelsDir: MODELS_DIR });
});

/** What a reader of the index sees for every labelled query in every mode: ids in rank order, scores. */
async function answers(index: PaperIndex): Promise<Array<{ ids: string[]; scores: number[]; confidence: string }>> {
  const engine = new SearchEngine(index, embedder);
  const seen = [];
  for (const mode of MODES)
    for (const query of queries) {
      const answer = await engine.search(query, { k: 10, mode });
      seen.push({
        ids: answer.hits.map((hit) => hit.paper.id),
        scores: answer.hits.map((hit) => hit.score),
        confidence: answer.confidence,
      });
    }
  return seen;
}

/** `after` equals `before` to float precision (summation order may differ in the last bits). */
function expectSameAnswers(after: Awaited<ReturnType<typeof answers>>, before: Awaited<ReturnType<typeof answers>>): void {
  expect(after.map((answer) => answer.ids)).toEqual(before.map((answer) => answer.ids));
  expect(after.map((answer) => answer.confidence)).toEqual(before.map((answer) => answer.confidence));
  after.forEach((answer, q) => {
    answer.scores.forEach((score, r) => {
      expect(score).toBeCloseTo(before[q]!.scores[r]!, 5);
    });
  });
}

describe('an incremental build', () => {
  it('adds, changes and removes papers in place, and serves what a clean full build of the same library serves', async () => {
    const dir = tempDir('incremental');
    const out = join(dir, 'index');
    const library = join(dir, 'library.jsonl');
    writeJsonl(library, seeds.slice(0, 150));
    const first = await buildIndex({ inputs: [library], outDir: out, embedder });
    expect(first.incremental).toBe(false);
    expect(first.manifest.generation).toBe(1);

    // A day's change: 40 new papers, 20 gone, 10 with a revised abstract.
    const revised = seeds.slice(20, 30).map((paper) => ({ ...paper, abstract: `${paper.abstract} Revised with new experiments.` }));
    writeJsonl(library, [...seeds.slice(0, 10), ...revised, ...seeds.slice(50, 150), ...seeds.slice(150, 190)]);
    const second = await buildIndex({ inputs: [], outDir: out, embedder });
    expect(second.incremental).toBe(true);
    expect(second.change).toEqual({ added: 40, removed: 30, updated: 10, before: 150, after: 160 });
    expect(second.embedded, 'only new and revised papers are embedded').toBe(50);
    expect(second.manifest.generation).toBe(2);

    const clean = join(dir, 'clean');
    const full = await buildIndex({ inputs: [library], outDir: clean, embedder });
    expect(full.incremental).toBe(false);

    const updated = await loadIndex(out);
    const rebuilt = await loadIndex(clean);
    expect(new Set(updated.allPapers().map((paper) => paper.id))).toEqual(new Set(rebuilt.allPapers().map((paper) => paper.id)));
    expect(updated.size).toBe(160);
    expect(updated.manifest.corpusHash).toBe(rebuilt.manifest.corpusHash);
    expectSameAnswers(await answers(updated), await answers(rebuilt));

    // When each paper entered the library: kept across generations, also for a revised record.
    const addedIn = (index: PaperIndex, id: string) => index.added(index.ordinalOf(id)!).generation;
    expect(addedIn(updated, seeds[0]!.id)).toBe(1);
    expect(addedIn(updated, revised[0]!.id)).toBe(1);
    expect(addedIn(updated, seeds[160]!.id)).toBe(2);
    expect(updated.added(updated.ordinalOf(seeds[160]!.id)!).at).toBeGreaterThan(updated.added(updated.ordinalOf(seeds[0]!.id)!).at);
    expect(updated.ordinalOf(seeds[40]!.id), 'a removed paper is gone').toBeUndefined();
    updated.close();
    rebuilt.close();
  });

  it('keeps a few segments as small additions pile up, and stays equal to a full build after each', async () => {
    const dir = tempDir('segments');
    const out = join(dir, 'index');
    const files: string[] = [];
    const clean = join(dir, 'clean');
    for (let day = 0; day < 6; day++) {
      const file = join(dir, `day-${day}.jsonl`);
      writeJsonl(file, day === 0 ? seeds.slice(0, 120) : seeds.slice(100 + day * 15, 115 + day * 15));
      files.push(file);
      const summary = await buildIndex({ inputs: [file], outDir: out, embedder });
      expect(summary.incremental).toBe(day > 0);
    }
    const manifest = readManifest(out);
    expect(manifest.generation).toBe(6);
    expect(manifest.segments.length, 'small segments were merged').toBeLessThanOrEqual(3);
    // Only the files of this generation and the one before it are left in the folder.
    const names = new Set(readdirSync(out).filter((name) => /^(hnsw|deletions|papers|table|lexical)-/.test(name)));
    expect(names.size).toBeLessThanOrEqual(2 * (2 + 3 * 3));

    await buildIndex({ inputs: files, outDir: clean, embedder });
    const updated = await loadIndex(out);
    const rebuilt = await loadIndex(clean);
    expect(updated.size).toBe(rebuilt.size);
    expectSameAnswers(await answers(updated), await answers(rebuilt));
    updated.close();
    rebuilt.close();
  });

  it('rebuilds everything when most of the library changed, or when asked with full', async () => {
    const dir = tempDir('full-when-cheaper');
    const out = join(dir, 'index');
    const library = join(dir, 'library.jsonl');
    writeJsonl(library, seeds.slice(0, 40));
    await buildIndex({ inputs: [library], outDir: out, embedder });
    const notes: string[] = [];
    writeJsonl(library, seeds.slice(30, 80));
    const most = await buildIndex({
      inputs: [],
      outDir: out,
      embedder,
      confirmShrink: async () => true,
      progress: { onNote: (note) => notes.push(note) },
    });
    expect(most.incremental).toBe(false);
    expect(notes.join('\n')).toMatch(/Rebuilding the whole index: 40 of its 50 papers are new or changed/);

    writeJsonl(library, seeds.slice(30, 81));
    const asked = await buildIndex({ inputs: [], outDir: out, embedder, full: true });
    expect(asked.incremental).toBe(false);
    expect(asked.manifest.segments).toHaveLength(1);
    expect(asked.manifest.ordinalLimit).toBe(51);
  });
});
