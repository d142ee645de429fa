import { DEFAULT_CONFIDENCE, type ConfidenceOptions } from './confidence.js';
import { DEFAULT_DIGEST, type DigestOptions } from './digest.js';
import { DEFAULT_FUSION, DEFAULT_SMOOTHING, type FusionOptions, type SmoothingOptions } from './fusion.js';
import type { ExpansionOptions } from './modes/expansion.js';
import { DEFAULT_RECOMMEND, type RecommendOptions } from './recommend/options.js';
import { DEFAULT_SIMILAR, type SimilarOptions } from './similar/options.js';

export interface LexicalOptions {
  /** BM25 weight of a title match relative to an abstract match. */
  titleBoost: number;
  /** A lookup's BM25 score grows by this share in a paper that uses its words together ("world model"). */
  phraseBoost: number;
  /**
   * A longer query (a pasted abstract) is matched by BM25 on its this many most distinctive terms
   * (occurrences × idf), as similar-to-paper is; 0 matches every term. The generic words dropped are the
   * ones whose postings are longest, so this is also what keeps a pasted abstract fast in a large library.
   */
  queryTerms: number;
}

/** Every tunable of the engine in one object; `DEFAULT_SEARCH` documents the defaults. */
export interface SearchOptions {
  fusion: FusionOptions;
  lexical: LexicalOptions;
  /** Papers taken from each retriever before fusion. */
  candidatePool: number;
  confidence: ConfidenceOptions;
  /** Query embeddings kept for repeated queries (and as many papers' passage vectors, for similar papers). */
  queryCacheSize: number;
  /** Query expansion for lookups and questions (not passages). */
  feedback: ExpansionOptions;
  /** Hybrid's last step: the best candidates' scores smoothed over their near neighbours among them (`smooth`). */
  smoothing: SmoothingOptions;
  /** Question openings ("how can", "is there any work on") left out of the query before it is embedded and matched. */
  stripQuestionWords: boolean;
  /**
   * A filter keeping at most this many papers is searched by exact scoring instead of the HNSW graph:
   * the crossover measured by `npm run bench:filters` (on 20,000 papers exact scoring wins below about 1,300, the graph above).
   */
  exactFilterLimit: number;
  /** What a new paper needs to be in a watch's digest. */
  digest: DigestOptions;
  /** Recommendations from liked and disliked papers. */
  recommend: RecommendOptions;
  /** Papers similar to one of the index. */
  similar: SimilarOptions;
  /**
   * How a pasted passage and a paper of the library are compared with papers: `centered` takes the
   * library's mean vector out of both first (`paperSimilarity`), `cosine` compares the stored vectors
   * as they are. The recommendations' classifier learns from the same vectors (centred, or as stored).
   * Lookups and questions are always compared by the plain cosine.
   */
  paperSimilarity: 'centered' | 'cosine';
}

export const DEFAULT_SEARCH: SearchOptions = {
  fusion: DEFAULT_FUSION,
  lexical: { titleBoost: 0.7, phraseBoost: 0.5, queryTerms: 50 },
  candidatePool: 100,
  confidence: DEFAULT_CONFIDENCE,
  queryCacheSize: 1000,
  feedback: { documents: 3, weight: 1 },
  smoothing: DEFAULT_SMOOTHING,
  stripQuestionWords: true,
  exactFilterLimit: 1300,
  digest: DEFAULT_DIGEST,
  recommend: DEFAULT_RECOMMEND,
  similar: DEFAULT_SIMILAR,
  paperSimilarity: 'centered',
};
