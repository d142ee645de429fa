import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex, loadIndex } from '../../src/index/index.js';
import { Embedder } from '../../src/model/index.js';
import { SearchEngine } from '../../src/search/index.js';
import { loadLibrarySet, type LibrarySet } from '../eval/confidence.js';
import { MODELS_DIR } from '../support/seed-engine.js';

// Small libraries a new user might index (tests/eval/fixtures/): real papers, answerable queries with
// the paper expected first, and off-topic ones. The confidence bar comes from each index's own
// calibration, so these pass or fail on what the build measured, not on bars fitted to the seed corpus.

const folder = mkdtempSync(join(tmpdir(), 'paper-search-confidence-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

let embedder: Embedder;
beforeAll(async () => {
  embedder = await Embedder.load({ modelsDir: MODELS_DIR });
});

async function libraryEngine(set: LibrarySet): Promise<SearchEngine> {
  const outDir = join(folder, set.library);
  await buildIndex({ inputs: [resolve(set.papersFile)], outDir, embedder });
  return new SearchEngine(await loadIndex(outDir), embedder);
}

describe.each(['nlp-library', 'bio-library'])('confidence on the small library %s', (name) => {
  const set = loadLibrarySet(`tests/eval/fixtures/${name}.json`);
  let engine: SearchEngine;
  beforeAll(async () => {
    engine = await libraryEngine(set);
  });

  it.each(set.answerable.map((query) => [query.text.slice(0, 70), query] as const))(
    '"%s" is answered with high confidence',
    async (_, query) => {
      const answer = await engine.search(query.text, { k: 10 });
      expect(answer.confidence).toBe('high');
    },
  );

  it.each(set.offTopic.map((text) => [text.slice(0, 70), text] as const))('off-topic "%s" is low', async (_, text) => {
    expect((await engine.search(text, { k: 10 })).confidence).toBe('low');
  });
});

describe('the two queries of the trial on a small NLP library', () => {
  let engine: SearchEngine;
  beforeAll(async () => {
    engine = await libraryEngine(loadLibrarySet('tests/eval/fixtures/nlp-library.json'));
  });

  it('"RLHF alternatives": DPO first, high', async () => {
    const answer = await engine.search('RLHF alternatives', { k: 5 });
    expect(answer.hits[0]?.paper.title).toMatch(/^Direct Preference Optimization/);
    expect(answer.confidence).toBe('high');
  });

  it('"making LLM inference faster": a decoding speed-up first (speculative decoding or its heads), high', async () => {
    const answer = await engine.search('making LLM inference faster', { k: 5 });
    expect(answer.hits[0]?.paper.title).toMatch(/Speculative|Medusa/);
    expect(answer.confidence).toBe('high');
  });
});
