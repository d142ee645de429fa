import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildIndex } from '../../src/index/index.js';
import { Embedder } from '../../src/model/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    seedIndexDir: string;
  }
}

/** Builds the real seed index once, with the real model, for every test file to share. */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'paper-search-seed-index-'));
  const embedder = await Embedder.load({ modelsDir: resolve('models') });
  await buildIndex({ inputs: [resolve('seeds')], outDir: dir, embedder });
  project.provide('seedIndexDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
