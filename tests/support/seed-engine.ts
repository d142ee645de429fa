import { resolve } from 'node:path';
import { inject } from 'vitest';
import { loadIndex, type PaperIndex } from '../../src/index/index.js';
import { Embedder } from '../../src/model/index.js';
import { SearchEngine } from '../../src/search/index.js';

export const MODELS_DIR = resolve('models');

// Loaded when a test file first imports this module, so tests can use it synchronously.
const index: PaperIndex = await loadIndex(inject('seedIndexDir'));
let engine: Promise<SearchEngine> | undefined;

/** The real seed index (built once by the global setup). */
export function seedIndex(): PaperIndex {
  return index;
}

/** The real search engine over the real seed index. */
export function seedEngine(): Promise<SearchEngine> {
  engine ??= Embedder.load({ modelsDir: MODELS_DIR }).then((embedder) => new SearchEngine(seedIndex(), embedder));
  return engine;
}
