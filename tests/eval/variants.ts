import { DEFAULT_SEARCH, type SearchOptions } from '../../src/search/index.js';
import { HYBRID_AXES, type Axis, type Variant } from './cross-validate.js';
import { type Bm25Variant, lexicalVariant, PRODUCT_BM25 } from './lexical-variants.js';

/** Variants are compared on the settings questions depend on; the product's defaults get the full grid. */
export const QUESTION_AXES: readonly Axis[] = HYBRID_AXES.filter((axis) =>
  ['question lexical weight', 'expansion papers'].includes(axis.name),
);

/** Passage variants are compared on the one setting passages depend on. */
export const PASSAGE_AXES: readonly Axis[] = HYBRID_AXES.filter((axis) => axis.name === 'passage lexical weight');

const passageTerms = (queryTerms: number): Variant => ({
  name: queryTerms ? `passages matched by BM25 on their ${queryTerms} most distinctive terms` : 'passages matched by BM25 on every term',
  options: { ...DEFAULT_SEARCH, lexical: { ...DEFAULT_SEARCH.lexical, queryTerms } },
  axes: PASSAGE_AXES,
});

/** BM25 scored another way than the product's (`lexical-variants.ts`), the rest of the engine as shipped. */
const bm25 = (name: string, change: Partial<Bm25Variant>): Variant => ({
  name,
  options: DEFAULT_SEARCH,
  axes: QUESTION_AXES,
  index: lexicalVariant({ ...PRODUCT_BM25, ...change }),
});

const base: SearchOptions = { ...DEFAULT_SEARCH, stripQuestionWords: false };
const stripped: SearchOptions = { ...base, stripQuestionWords: true };

/** The product's defaults first (what `npm run eval` cross-validates), then each idea tried for questions (`--variants`). */
export const QUESTION_VARIANTS: readonly Variant[] = [
  { name: 'product defaults', options: DEFAULT_SEARCH },
  { name: 'before round two', options: base, axes: QUESTION_AXES },
  { name: 'question openings stripped', options: stripped, axes: QUESTION_AXES },
  {
    name: 'scores not smoothed over neighbours',
    options: { ...DEFAULT_SEARCH, smoothing: { ...DEFAULT_SEARCH.smoothing, weight: 0 } },
    axes: QUESTION_AXES,
  },
  ...[0, 70, 50, 30].map(passageTerms),
  {
    name: 'passages compared with papers by the plain cosine (the library mean left in)',
    options: { ...DEFAULT_SEARCH, paperSimilarity: 'cosine' },
    axes: PASSAGE_AXES,
  },
  bm25('BM25 saturation k1 0.9 (product 1.2)', { k1: 0.9 }),
  bm25('BM25 saturation k1 2', { k1: 2 }),
  bm25('BM25 length normalisation b 0.5 (product 0.7)', { b: 0.5 }),
  bm25('BM25 length normalisation b 0.85', { b: 0.85 }),
  bm25("BM25F: fields' frequencies mixed before saturation", { fields: 'mixed' }),
  bm25('BM25F, no factor for the number of query terms matched', { fields: 'mixed', matchedFactor: 'none' }),
  bm25("matched query terms counted by their idf (a rare term's match counts for more)", { matchedFactor: 'idf' }),
  ...[50, 30].map((candidatePool) => ({
    name: `${candidatePool} papers from each retriever`,
    options: { ...DEFAULT_SEARCH, candidatePool },
    axes: QUESTION_AXES,
  })),
];
