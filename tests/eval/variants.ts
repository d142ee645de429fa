import { DEFAULT_SEARCH, type SearchOptions } from '../../src/search/index.js';
import { HYBRID_AXES, type Axis, type Variant } from './cross-validate.js';

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
  ...[50, 30].map((candidatePool) => ({
    name: `${candidatePool} papers from each retriever`,
    options: { ...DEFAULT_SEARCH, candidatePool },
    axes: QUESTION_AXES,
  })),
];
