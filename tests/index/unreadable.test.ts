import { cpSync, mkdtempSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { IndexUnreadableError, loadIndex } from '../../src/index/index.js';
import { Embedder } from '../../src/model/index.js';
import { SearchEngine } from '../../src/search/index.js';
import { MODELS_DIR } from '../support/seed-engine.js';

/** A loaded copy of the seed index, whose files the test may then damage under it. */
function loadedCopy() {
  const dir = mkdtempSync(join(tmpdir(), 'paper-search-unreadable-'));
  cpSync(inject('seedIndexDir'), dir, { recursive: true });
  const index = loadIndex(dir);
  return { dir, index, truncate: (name: string, bytes: number) => truncateSync(join(dir, name), bytes) };
}

const unreadable = (dir: string, name: string) => new IndexUnreadableError(dir, name).message;

describe('an index damaged after loading is reported, never served', () => {
  it('a truncated papers file: paper() and a search throw IndexUnreadableError in one line', async () => {
    const { dir, index, truncate } = loadedCopy();
    const name = index.manifest.files.papers.name;
    truncate(name, 1000);
    expect(() => index.paper(index.size - 1)).toThrow(IndexUnreadableError);
    expect(() => index.paper(index.size - 1)).toThrow(
      `index in ${dir} became unreadable: ${name} is shorter than its manifest says; rebuild or restart`,
    );
    expect(unreadable(dir, name)).not.toContain('\n');

    const engine = new SearchEngine(index, await Embedder.load({ modelsDir: MODELS_DIR }));
    await expect(engine.search('robot learning from demonstrations', { mode: 'lexical', k: 100 })).rejects.toThrow(IndexUnreadableError);
    index.close();
  });

  it('a truncated vectors file: vectorOf() and a search that compares stored vectors throw, no zero scores', async () => {
    const { dir, index, truncate } = loadedCopy();
    const name = index.manifest.files.vectors.name;
    truncate(name, 0);
    expect(() => index.vectorOf(0)).toThrow(unreadable(dir, name));

    const engine = new SearchEngine(index, await Embedder.load({ modelsDir: MODELS_DIR }));
    await expect(engine.similarToPaper(index.paper(0).id)).rejects.toThrow(IndexUnreadableError);
    await expect(engine.search('robot learning from demonstrations', { mode: 'hybrid' })).rejects.toThrow(unreadable(dir, name));
    index.close();
  });
});
