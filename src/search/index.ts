export {
  ModelMismatchError,
  PaperNotFoundError,
  RecommendRequestError,
  resolveMarks,
  SearchEngine,
  type Answer,
  type Description,
  type Hit,
  type RecommendRequest,
  type SearchRequest,
} from './engine.js';
export { DEFAULT_SEARCH, type LexicalOptions, type SearchOptions } from './options.js';
export type { SimilarOptions } from './similar/options.js';
export {
  type ConfidenceOptions,
  DEFAULT_CONFIDENCE,
  type Evidence,
  isConfident,
  placeBar,
  similarityBar,
  termShare,
} from './confidence.js';
export type { DenseRetriever, Encoder, LexicalRetriever, PaperStore, SearchableIndex } from './ports.js';
export { foldForMatch, type PaperFilter } from './filter.js';
export {
  DEFAULT_DIGEST,
  type Digest,
  type DigestEntry,
  type DigestHit,
  type DigestOptions,
  type Since,
  type Watched,
  type WatchedLikes,
  type WatchedQuery,
} from './digest.js';
export { answerToWire, digestToWire, filterFromWire, paperToWire, sinceLabel, digestWatches, watchLabel } from './wire.js';
export { mapToWire } from './map.js';
