import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildIndex, loadIndex } from '../../src/index/index.js';
import { Embedder } from '../../src/model/index.js';
import { writePapers } from '../support/papers-file.js';
import { MODELS_DIR } from '../support/seed-engine.js';

let embedder: Embedder;
beforeAll(async () => {
  embedder = await Embedder.load({ modelsDir: MODELS_DIR });
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'paper-search-retention-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the vector cache across a smaller build', () => {
  it('keeps the vectors of papers a build dropped, so restoring them re-embeds nothing', async () => {
    const library = join(dir, 'papers.jsonl');
    const out = join(dir, 'index');
    writePapers(library, 30);
    expect(await buildIndex({ inputs: [library], outDir: out, embedder })).toMatchObject({ papers: 30, embedded: 30 });

    // A mistake (a typo in an input, a truncated export) leaves 10 papers, and the user confirms it.
    writePapers(library, 10);
    expect(await buildIndex({ inputs: [library], outDir: out, embedder, confirmShrink: async () => true })).toMatchObject({
      papers: 10,
      embedded: 0,
    });

    writePapers(library, 30);
    const restored = await buildIndex({ inputs: [library], outDir: out, embedder });
    expect(restored).toMatchObject({ papers: 30, embedded: 0, reused: 30, written: true });
    expect((await loadIndex(out)).size).toBe(30);
  });
});
