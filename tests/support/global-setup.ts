import { execFileSync } from 'node:child_process';
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

/**
 * Compiles the CLIs that tests run as child processes (what `npm start` runs), and builds the real
 * seed index once, with the real model, for every test file to share. Every temporary folder of the
 * run (test files' and their child processes') goes under one private folder, through TMPDIR, which
 * is removed at the end: a run leaves nothing in the machine's /tmp, whatever a test forgot.
 */
export default async function setup(project: TestProject) {
  execFileSync('npm', ['run', '-s', 'build'], { stdio: 'inherit' });
  const root = mkdtempSync(join(tmpdir(), 'paper-search-tests-'));
  process.env.TMPDIR = root;
  const dir = mkdtempSync(join(root, 'paper-search-seed-index-'));
  const embedder = await Embedder.load({ modelsDir: resolve('models') });
  await buildIndex({ inputs: [resolve('seeds')], outDir: dir, embedder });
  project.provide('seedIndexDir', dir);
  return () => rmSync(root, { recursive: true, force: true });
}
