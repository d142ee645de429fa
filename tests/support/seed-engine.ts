import { resolve } from 'node:path';
import { inject } from 'vitest';
import { loadIndex } from '../../src/index/index.js';
import { Embedder } from '../../src/model/index.js';
import { SearchEngine } from '../../src/search/index.js';

export const MODELS_DIR = resolve('models');

let engine: Promise<SearchEngine> | undefined;

/** The real search engine over the real seed index (built once by the global setup). */
export function seedEngine(): Promise<SearchEngine> {
  engine ??= Embedder.load({ modelsDir: MODELS_DIR }).then((embedder) => new SearchEngine(loadIndex(inject('seedIndexDir')), embedder));
  return engine;
}
