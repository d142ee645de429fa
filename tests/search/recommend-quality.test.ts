import { describe, expect, it } from 'vitest';
import { Embedder } from '../../src/model/index.js';
import type { RecommendMode } from '../../src/contract/values.js';
import { DEFAULT_SEARCH, SearchEngine } from '../../src/search/index.js';
import { loadLabelledSet } from '../eval/collections.js';
import { ndcgAt } from '../eval/metrics.js';
import { recommendCases } from '../eval/recommend.js';
import { MODELS_DIR, seedIndex } from '../support/seed-engine.js';

const dev = loadLabelledSet('tests/eval/seed-dev.json', 'seed-dev', seedIndex().allPapers());
/** `npm run eval -- --recommend`, seed dev, 2 liked papers (README, "Recommendations"); the pins allow 0.03. */
const MEASURED: Partial<Record<RecommendMode, number>> = { hybrid: 0.472, classifier: 0.435 };
const MARGIN = 0.03;

async function meanNdcg(engine: SearchEngine, mode: RecommendMode): Promise<number> {
  const cases = recommendCases(dev);
  let total = 0;
  for (const { liked, judgments } of cases) {
    const answer = await engine.recommend({ liked, k: 10, mode });
    total += ndcgAt(
      answer.hits.map((hit) => hit.paper.id),
      judgments,
      10,
    );
  }
  return total / cases.length;
}

describe('recommendation quality on the labelled seed set', () => {
  it('learns the taste from papers with the library mean taken out, and that beats the stored vectors as they are', async () => {
    const embedder = await Embedder.load({ modelsDir: MODELS_DIR });
    const centred = new SearchEngine(seedIndex(), embedder);
    const plain = new SearchEngine(seedIndex(), embedder, { ...DEFAULT_SEARCH, paperSimilarity: 'cosine' });
    expect(seedIndex().calibration?.centroid).toHaveLength(384);
    for (const mode of ['hybrid', 'classifier'] as const) {
      const withCentring = await meanNdcg(centred, mode);
      expect(withCentring, mode).toBeGreaterThanOrEqual(MEASURED[mode]! - MARGIN);
      expect(withCentring, mode).toBeGreaterThan(await meanNdcg(plain, mode));
    }
  });
});
