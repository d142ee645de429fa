import { beforeAll, describe, expect, inject, it } from 'vitest';
import { loadIndex } from '../../src/index/index.js';
import { Embedder } from '../../src/model/index.js';
import { DEFAULT_SEARCH, SearchEngine } from '../../src/search/index.js';
import { loadLabelledSet } from '../eval/collections.js';
import { crossValidateVariants, cvQueries, embeddingOnce, type VariantResult } from '../eval/cross-validate.js';
import { evaluateCollection, type CollectionReport } from '../eval/evaluate.js';
import { QUESTION_AXES } from '../eval/variants.js';
import { MODELS_DIR, seedEngine } from '../support/seed-engine.js';

// Quality pinned with a margin below the figures `npm run eval` measures (README), so that a
// regression fails CI while run-to-run noise does not. These are scores, not timings.
const MARGIN = 0.03;

describe('retrieval quality on the labelled seed set (tests/eval/seed-dev.json)', () => {
  let report: CollectionReport;

  beforeAll(async () => {
    // The baselines read the index and the model directly, beside the engine under test.
    const index = await loadIndex(inject('seedIndexDir'));
    const embedder = await Embedder.load({ modelsDir: MODELS_DIR });
    report = await evaluateCollection(
      { engine: new SearchEngine(index, embedder), index, embedder },
      loadLabelledSet('tests/eval/seed-dev.json', 'seed dev', index.allPapers()),
    );
  });

  it('hybrid keeps its measured nDCG@10 (0.837), questions theirs (0.737), pasted abstracts theirs (0.798)', () => {
    expect(report.overall.hybrid['ndcg@10']).toBeGreaterThanOrEqual(0.837 - MARGIN);
    expect(report.byKind.question!.hybrid['ndcg@10']).toBeGreaterThanOrEqual(0.737 - MARGIN);
    expect(report.byKind.abstract!.hybrid['ndcg@10']).toBeGreaterThanOrEqual(0.798 - MARGIN);
  });

  it('hybrid beats every single method and naive fusion overall', () => {
    const hybrid = report.overall.hybrid['ndcg@10'];
    for (const method of ['bm25 (MiniSearch defaults)', 'dense (exact)', 'lexical', 'dense'] as const) {
      expect(hybrid, method).toBeGreaterThan(report.overall[method]['ndcg@10'] + 0.05);
    }
    expect(hybrid).toBeGreaterThan(report.overall['rrf (k=60)']['ndcg@10']);
  });

  it('hybrid is never worse than its parts on any kind of query', () => {
    for (const [kind, rows] of Object.entries(report.byKind)) {
      const best = Math.max(rows!.lexical['ndcg@10'], rows!.dense['ndcg@10']);
      expect(rows!.hybrid['ndcg@10'], kind).toBeGreaterThanOrEqual(best - 0.005);
    }
  });

  it('says "low" for off-topic queries and "high" for answerable ones (measured 53/53 and 24/24; the small libraries are in confidence.test.ts)', () => {
    const { answerableHigh, answerable, offTopicLow, offTopic } = report.confidence;
    expect(answerableHigh / answerable).toBeGreaterThanOrEqual(0.95);
    expect(offTopicLow / offTopic).toBeGreaterThanOrEqual(0.95);
  });
});

describe('held-out quality over seed dev + holdout (5-fold cross-validation of the question settings)', () => {
  let defaults: VariantResult;
  let unstripped: VariantResult;

  beforeAll(async () => {
    const index = await loadIndex(inject('seedIndexDir'));
    const encoder = embeddingOnce(await Embedder.load({ modelsDir: MODELS_DIR }));
    const queries = ['seed-dev', 'seed-holdout'].flatMap((name) =>
      cvQueries('seeds', loadLabelledSet(`tests/eval/${name}.json`, name, index.allPapers()), index, encoder),
    );
    [defaults, unstripped] = (await crossValidateVariants(queries, [
      { name: 'defaults', options: DEFAULT_SEARCH, axes: QUESTION_AXES },
      { name: 'question openings kept', options: { ...DEFAULT_SEARCH, stripQuestionWords: false }, axes: QUESTION_AXES },
    ])) as [VariantResult, VariantResult];
  });

  it('hybrid keeps its held-out nDCG@10 (0.833), questions theirs (0.750), pasted abstracts theirs (0.810)', () => {
    expect(defaults.rows.seeds!.crossValidated).toBeGreaterThanOrEqual(0.833 - MARGIN);
    expect(defaults.rows['seeds, questions']!.crossValidated).toBeGreaterThanOrEqual(0.75 - MARGIN);
    expect(defaults.rows['seeds, abstracts']!.crossValidated).toBeGreaterThanOrEqual(0.81 - MARGIN);
  });

  it('stripping question openings, the default, does not lose on held-out questions', () => {
    expect(defaults.rows['seeds, questions']!.crossValidated).toBeGreaterThanOrEqual(unstripped.rows['seeds, questions']!.crossValidated);
  });
});

describe('exact names and acronyms', () => {
  it.each([
    ['DiffClone', /^DiffClone/],
    ['TOTO benchmark', /^DiffClone/],
    ['Unitree G1', /^ASAP/],
    ['MimicGen', /^MimicGen/],
    ['CALVIN benchmark', /^(Predictive Inverse Dynamics|Efficient Diffusion Transformer Policies)/],
  ])('"%s" is found first by lexical and hybrid search', async (query, title) => {
    const engine = await seedEngine();
    for (const mode of ['lexical', 'hybrid'] as const) {
      const [first] = (await engine.search(query, { k: 3, mode })).hits;
      expect(first?.paper.title, mode).toMatch(title);
    }
  });
});
