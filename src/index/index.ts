export { buildIndex, corpusHash, currentCorpusHash, embeddingText, type BuildOptions, type BuildProgress, type BuildSummary } from './build.js';
export { DEFAULT_HNSW, FORMAT_VERSION, type HnswParams, type Manifest } from './manifest.js';
export { IndexError, loadIndex, readManifest, PaperIndex, writeIndex, type Neighbour } from './store.js';
export { analyze } from './analyzer.js';
export { LexicalIndex, type LexicalHit } from './lexical.js';
