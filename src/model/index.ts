export { DEFAULT_PRECISION, Embedder, normalize, type EmbedderOptions, type ModelInfo, type Precision } from './embedder.js';
export { DEFAULT_MODEL, prepareDefaultModel } from './prepare.js';
export { BusyError } from './batch-queue.js';
