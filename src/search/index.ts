export { DEFAULT_SEARCH, MODES, PaperNotFoundError, SearchEngine, type LexicalOptions, type Mode, type SearchAnswer, type SearchOptions, type SearchRequest, type SearchResult } from './engine.js';
export { DEFAULT_FUSION, type FusionOptions } from './fusion.js';
export { DEFAULT_CONFIDENCE, type ConfidenceOptions } from './confidence.js';
