/**
 * The product's fixed vocabulary and limits, defined once. Plain values with no imports, so every part
 * reads them: the engine, the zod schemas (and through them the OpenAPI document), the CLI and the
 * page's bundled script.
 */

/** Retrieval modes, in the order front ends offer them; the first is the default. */
export const MODES = ['hybrid', 'dense', 'lexical'] as const;
export type Mode = (typeof MODES)[number];
export const DEFAULT_MODE: Mode = 'hybrid';

/** What each mode's score means, for people reading an answer. */
export const MODE_HINTS: Record<Mode, { label: string; hint: string; score: string }> = {
  hybrid: {
    label: 'Hybrid',
    hint: 'meaning and exact words together (best for most queries)',
    score: 'fused score: how far the paper stands out on meaning and words (higher is better)',
  },
  dense: { label: 'Dense', hint: 'meaning only (sentence embeddings)', score: 'cosine similarity of meaning, from -1 to 1' },
  lexical: { label: 'Lexical', hint: 'exact words only (BM25)', score: 'BM25 word-match score (higher is better)' },
};

/** Number of results: 1 to `max`, `default` when not given. */
export const RESULT_COUNT = { min: 1, max: 100, default: 10 } as const;

/** Model precisions the converter produces; int8 is the default (same retrieval quality, about 2x faster). */
export const PRECISIONS = ['fp32', 'int8'] as const;
export type Precision = (typeof PRECISIONS)[number];
export const DEFAULT_PRECISION: Precision = 'int8';

export const CONFIDENCE_LEVELS = ['high', 'low'] as const;
export type Confidence = (typeof CONFIDENCE_LEVELS)[number];

/** Input limits, documented in the README and enforced by the API and the CLI. */
export const LIMITS = {
  queryChars: 1000,
  passageChars: 20_000,
  bodyBytes: 64 * 1024,
  /** Watches kept beside one index: each is a search when the digest runs. */
  watches: 100,
} as const;

/** Formats a list of papers can be exported in, besides the JSON answer itself. */
export const EXPORT_FORMATS = ['bibtex', 'csl-json', 'ris'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Paging of the paper list (GET /api/papers). */
export const PAGE_SIZE = { max: 1000, default: 50 } as const;

/**
 * Recommendation methods (POST /api/recommend), the first the default: chosen by nDCG@10 on every
 * labelled set (`npm run eval -- --recommend`, table in the README).
 */
export const RECOMMEND_MODES = ['hybrid', 'centroid', 'best-score', 'classifier'] as const;
export type RecommendMode = (typeof RECOMMEND_MODES)[number];
export const DEFAULT_RECOMMEND_MODE: RecommendMode = RECOMMEND_MODES[0];

/** What each recommendation method does, for the API document and the CLI's help. */
export const RECOMMEND_MODE_HINTS: Record<RecommendMode, string> = {
  hybrid: "meaning and words: the classifier's score fused with the liked papers' own words (BM25)",
  centroid: 'the papers nearest to the mean of the liked papers (Rocchio), away from the disliked ones',
  'best-score': "each paper by its best similarity to any liked paper (Qdrant's best score)",
  classifier: 'a linear classifier trained on the liked papers against the disliked ones and a random sample',
};

/** Liked and disliked papers one recommendation request may name, each. */
export const MARKED_PAPERS = { max: 100 } as const;

/** What a recommendation's score means, for people reading one. */
export const RECOMMEND_SCORE_HINT = 'how strongly the method recommends the paper, comparable within one list (higher is better)';
