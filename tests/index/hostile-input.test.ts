import { mkdtempSync, writeFileSync, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildIndex, loadIndex } from '../../src/index/index.js';
import { Embedder } from '../../src/model/index.js';
import { readCorpus, type Paper, type SkippedLine } from '../../src/papers/index.js';
import { MODELS_DIR } from '../support/seed-engine.js';

let embedder: Embedder;
let seeds: Paper[];

beforeAll(async () => {
  embedder = await Embedder.load({ modelsDir: MODELS_DIR });
  seeds = (await readCorpus([resolve('seeds')])).papers;
});

describe('the index builder fed hostile JSON Lines', () => {
  it('reports what it skipped, indexes the rest, and never damages the current index', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paper-search-hostile-'));
    const out = join(dir, 'index');
    const good = join(dir, 'good.jsonl');
    writeFileSync(
      good,
      seeds
        .slice(0, 5)
        .map((p) => JSON.stringify(p))
        .join('\n'),
    );
    await buildIndex({ inputs: [good], outDir: out, embedder });

    const hostile = join(dir, 'hostile.jsonl');
    const file = createWriteStream(hostile);
    const write = async (chunk: string | Buffer) => {
      if (!file.write(chunk)) await once(file, 'drain');
    };
    await write(`${JSON.stringify(seeds[10])}\n`); // line 1: good
    await write(Buffer.concat([Buffer.from('{"title": "Bad '), Buffer.from([0xff, 0xfe]), Buffer.from('bytes", "abstract": "x"}\n')])); // 2: invalid UTF-8
    await write(`{"title": "Huge", "abstract": "${'a'.repeat(50 * 2 ** 20)}"}\n`); // 3: a 50 MB line
    await write('{"title": "No abstract"}\n'); // 4: missing field
    await write(`${JSON.stringify({ ...seeds[11], id: 'dup-1' })}\n`); // 5: good
    await write(`${JSON.stringify({ ...seeds[12], id: 'dup-1' })}\n`); // 6: another paper with line 5's id
    await write('{"title": "Truncated", "abstr\n'); // 7: truncated JSON
    await write('\n'.repeat(1_000_000)); // a million empty lines
    await write(`${JSON.stringify(seeds[13])}\n`); // good, after them
    file.end();
    await once(file, 'finish');

    const skipped: SkippedLine[] = [];
    const summary = await buildIndex({ inputs: [hostile], outDir: out, embedder, progress: { onSkip: (s) => skipped.push(s) } });
    console.log(
      `hostile JSONL: ${summary.recordsRead} records read, ${summary.skipped} lines skipped, ${summary.duplicatesMerged} duplicates merged, ${summary.idCollisions} id collisions, ${summary.papers} papers indexed`,
    );

    expect(skipped.map((s) => [s.line, s.reason])).toEqual([
      [2, 'line is not valid UTF-8'],
      [3, expect.stringMatching(/abstract is longer than 100000 characters/)],
      [4, 'abstract is required'],
      [7, expect.stringMatching(/^invalid JSON/)],
    ]);
    // The hostile file joins the library: the five good papers stay, four more come in; the paper
    // whose id was taken by a different one is kept under a suffixed id, not dropped.
    expect(summary).toMatchObject({
      papers: 9,
      duplicatesMerged: 0,
      idCollisions: 1,
      skipped: 4,
      change: { added: 4, removed: 0, after: 9 },
    });
    expect((await loadIndex(out)).allPapers().map((p) => p.title)).toEqual(
      [...seeds.slice(0, 5), seeds[10]!, seeds[11]!, seeds[12]!, seeds[13]!].map((p) => p.title),
    );
    expect(
      (await loadIndex(out))
        .allPapers()
        .map((p) => p.id)
        .slice(6, 8),
    ).toEqual(['dup-1', 'dup-1-2']);
  });

  it('fails cleanly on unreadable input and leaves the previous index as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'paper-search-missing-'));
    const good = join(dir, 'good.jsonl');
    writeFileSync(
      good,
      seeds
        .slice(0, 3)
        .map((p) => JSON.stringify(p))
        .join('\n'),
    );
    await buildIndex({ inputs: [good], outDir: join(dir, 'index'), embedder });
    const before = (await loadIndex(join(dir, 'index'))).manifest;

    await expect(buildIndex({ inputs: [join(dir, 'nope.jsonl')], outDir: join(dir, 'index'), embedder })).rejects.toThrow(
      /not found: .*nope\.jsonl/,
    );
    await expect(buildIndex({ inputs: [join(dir, 'papers.csv')], outDir: join(dir, 'index'), embedder })).rejects.toThrow();
    expect((await loadIndex(join(dir, 'index'))).manifest).toEqual(before);
  });
});
