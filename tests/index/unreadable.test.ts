import { cpSync, mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { IndexUnreadableError, loadIndex } from '../../src/index/index.js';
import { Embedder } from '../../src/model/index.js';
import { SearchEngine } from '../../src/search/index.js';
import { MODELS_DIR } from '../support/seed-engine.js';

/** A loaded copy of the seed index, whose papers file the test may then damage under it. */
async function loadedCopy() {
  const dir = mkdtempSync(join(tmpdir(), 'paper-search-unreadable-'));
  cpSync(inject('seedIndexDir'), dir, { recursive: true });
  const index = await loadIndex(dir);
  const papersFile = join(dir, index.manifest.segments[0]!.papers.name);
  return { dir, index, name: index.manifest.segments[0]!.papers.name, papersFile };
}

describe('an index damaged after loading is reported, never served', () => {
  it('a truncated papers file: paper() and a search throw IndexUnreadableError in one line', async () => {
    const { dir, index, name, papersFile } = await loadedCopy();
    truncateSync(papersFile, 1000);
    expect(() => index.paper(index.size - 1)).toThrow(IndexUnreadableError);
    expect(() => index.paper(index.size - 1)).toThrow(
      `index in ${dir} became unreadable: ${name} no longer holds what its manifest says; rebuild or restart`,
    );
    expect(new IndexUnreadableError(dir, name).message).not.toContain('\n');

    const engine = new SearchEngine(index, await Embedder.load({ modelsDir: MODELS_DIR }));
    await expect(engine.search('robot learning from demonstrations', { mode: 'lexical', k: 100 })).rejects.toThrow(IndexUnreadableError);
    index.close();
  });

  it('a papers file rewritten in place (same size, records moved): reading a record throws rather than serve another paper', async () => {
    const { index, papersFile } = await loadedCopy();
    const lines = readFileSync(papersFile, 'utf8').split('\n');
    // Swap the first two records: every byte still there, but each at the other's offset.
    const swapped = [`${lines[1]}\n${lines[0]}`, ...lines.slice(2)].join('\n');
    expect(swapped.length).toBe(lines.join('\n').length);
    writeFileSync(papersFile, swapped);
    expect(() => index.paper(0)).toThrow(IndexUnreadableError);

    const engine = new SearchEngine(index, await Embedder.load({ modelsDir: MODELS_DIR }));
    await expect(engine.similarToPaper(index.paper(5).id, { k: 300 })).rejects.toThrow(IndexUnreadableError);
    index.close();
  });
});
