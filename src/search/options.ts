import { DEFAULT_CONFIDENCE, type ConfidenceOptions } from './confidence.js';
import { DEFAULT_DIGEST, type DigestOptions } from './digest.js';
import { DEFAULT_FUSION, type FusionOptions } from './fusion.js';
import type { ExpansionOptions } from './modes/expansion.js';
import { DEFAULT_RECOMMEND, type RecommendOptions } from './recommend/options.js';

export interface LexicalOptions {
  /** BM25 weight of a title match relative to an abstract match. */
  titleBoost: number;
  /** A lookup's BM25 score grows by this share in a paper that uses its words together ("world model"). */
  phraseBoost: number;
}

/** Every tunable of the engine in one object; `DEFAULT_SEARCH` documents the defaults. */
export interface SearchOptions {
  fusion: FusionOptions;
  lexical: LexicalOptions;
  /** Papers taken from each retriever before fusion. */
  candidatePool: number;
  confidence: ConfidenceOptions;
  /** Query embeddings kept for repeated queries. */
  queryCacheSize: number;
  /** Query expansion for lookups and questions (not passages). */
  feedback: ExpansionOptions;
  /**
   * A filter keeping at most this many papers is searched by exact scoring instead of the HNSW graph:
   * the crossover measured by `npm run bench:filters` (on 20,000 papers exact scoring wins below about 1,300, the graph above).
   */
  exactFilterLimit: number;
  /** What a new paper needs to be in a watch's digest. */
  digest: DigestOptions;
  /** Recommendations from liked and disliked papers. */
  recommend: RecommendOptions;
}

export const DEFAULT_SEARCH: SearchOptions = {
  fusion: DEFAULT_FUSION,
  lexical: { titleBoost: 0.7, phraseBoost: 0.5 },
  candidatePool: 100,
  confidence: DEFAULT_CONFIDENCE,
  queryCacheSize: 1000,
  feedback: { documents: 3, weight: 1 },
  exactFilterLimit: 1300,
  digest: DEFAULT_DIGEST,
  recommend: DEFAULT_RECOMMEND,
};
