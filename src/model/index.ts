export { Embedder, normalize, type EmbedderOptions, type ModelInfo } from './embedder.js';
export { DEFAULT_MODEL, prepareDefaultModel } from './prepare.js';
export { BusyError } from './batch-queue.js';
