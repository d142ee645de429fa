import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import {
  buildIndex,
  FORMAT_VERSION,
  IndexError,
  loadIndex,
  readManifest,
  ShrinkRefusedError,
  type LibraryChange,
} from '../../src/index/index.js';
import { Embedder } from '../../src/model/index.js';
import { readCorpus, type Paper } from '../../src/papers/index.js';
import { SearchEngine } from '../../src/search/index.js';
import { MODELS_DIR } from '../support/seed-engine.js';

const tempDir = (label: string) => mkdtempSync(join(tmpdir(), `paper-search-${label}-`));
const writeJsonl = (file: string, papers: Paper[]) => writeFileSync(file, `${papers.map((p) => JSON.stringify(p)).join('\n')}\n`);

let seeds: Paper[];
let embedder: Embedder;

beforeAll(async () => {
  seeds = (await readCorpus([resolve('seeds')])).papers;
  embedder = await Embedder.load({ modelsDir: MODELS_DIR });
});

describe('the seed index', () => {
  it('holds 237 papers with 384-dim vectors, described by its manifest', async () => {
    const index = await loadIndex(inject('seedIndexDir'));
    const { manifest } = index;
    expect(index.size).toBe(237);
    expect(index.allPapers()).toHaveLength(237);
    expect(manifest).toMatchObject({
      formatVersion: FORMAT_VERSION,
      paperCount: 237,
      model: { name: 'all-MiniLM-L6-v2', dimensions: 384 },
      hnsw: { space: 'cosine' },
    });
    expect(manifest.model.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.corpusHash).toMatch(/^[0-9a-f]{64}$/);
    expect(Date.parse(manifest.builtAt)).not.toBeNaN();
    expect(index.vectorOf(0)).toHaveLength(384);
  });

  it('finds each paper as the nearest neighbour of its own abstract', async () => {
    const index = await loadIndex(inject('seedIndexDir'));
    const sample = index.allPapers().filter((_, i) => i % 12 === 0);
    const vectors = await embedder.embed(sample.map((paper) => paper.abstract));
    sample.forEach((paper, i) => {
      const [nearest] = index.nearest(vectors[i]!, 1);
      expect(index.paper(nearest!.ordinal).id, paper.title).toBe(paper.id);
    });
  });
});

describe('the library an index remembers', () => {
  it('adds new inputs to the remembered ones, re-reads remembered files, and counts what changed', async () => {
    const dir = tempDir('library');
    const out = join(dir, 'index');
    const first = join(dir, 'first.jsonl');
    const second = join(dir, 'second.jsonl');
    writeJsonl(first, seeds.slice(0, 30));
    writeJsonl(second, seeds.slice(30, 35));
    await buildIndex({ inputs: [first], outDir: out, embedder });

    const added = await buildIndex({ inputs: [second], outDir: out, embedder });
    expect(added.change).toEqual({ added: 5, removed: 0, updated: 0, before: 30, after: 35 });
    expect(readManifest(out).inputs).toEqual(['../first.jsonl', '../second.jsonl']);
    expect(readFileSync(join(out, '.gitignore'), 'utf8')).toMatch(/^\*$/m);

    // Nothing given: every remembered file is read again, so an edit and a deletion in one are picked up.
    writeJsonl(first, [{ ...seeds[0]!, abstract: `${seeds[0]!.abstract} Revised.` }, ...seeds.slice(1, 29)]);
    const reread = await buildIndex({ inputs: [], outDir: out, embedder });
    expect(reread.change).toEqual({ added: 0, removed: 1, updated: 1, before: 35, after: 34 });
    expect((await loadIndex(out)).size).toBe(34);

    const replaced = await buildIndex({ inputs: [first], replace: true, outDir: out, embedder });
    expect(replaced.change).toMatchObject({ removed: 5, after: 29 });
    expect(readManifest(out).inputs).toEqual(['../first.jsonl']);
  });

  it('refuses to empty an index or drop most of it unless confirmed, and leaves it whole', async () => {
    const dir = tempDir('shrink');
    const out = join(dir, 'index');
    const library = join(dir, 'library.jsonl');
    writeJsonl(library, seeds.slice(0, 20));
    await buildIndex({ inputs: [library], outDir: out, embedder });
    const before = readFileSync(join(out, 'manifest.json'), 'utf8');

    writeJsonl(library, seeds.slice(0, 5));
    await expect(buildIndex({ inputs: [], outDir: out, embedder })).rejects.toThrow(ShrinkRefusedError);
    await expect(buildIndex({ inputs: [], outDir: out, embedder, confirmShrink: async () => false })).rejects.toThrow(
      /would drop 15 of its 20 papers.*--allow-shrink/,
    );
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toBe(before);
    const asked: LibraryChange[] = [];
    const confirmed = await buildIndex({ inputs: [], outDir: out, embedder, confirmShrink: async (change) => asked.push(change) > 0 });
    expect(asked).toEqual([{ added: 0, removed: 15, updated: 0, before: 20, after: 5 }]);
    expect(confirmed).toMatchObject({ papers: 5, written: true });

    // A file whose every line is bad, as a new index: nothing is written at all.
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"title": "x"}\nnot json\n');
    await expect(buildIndex({ inputs: [bad], outDir: join(dir, 'empty'), embedder })).rejects.toThrow(/its inputs hold no paper/);
    expect(() => readManifest(join(dir, 'empty'))).toThrow(/no index/);
  });

  it('says which remembered input went missing instead of silently dropping its papers', async () => {
    const dir = tempDir('moved');
    const out = join(dir, 'index');
    const library = join(dir, 'library.jsonl');
    writeJsonl(library, seeds.slice(0, 3));
    await buildIndex({ inputs: [library], outDir: out, embedder });
    rmSync(library);
    await expect(buildIndex({ inputs: [], outDir: out, embedder })).rejects.toThrow(
      /library\.jsonl \(an input the index in .* remembers\) is missing/,
    );
  });
});

describe('incremental builds', () => {
  it('embeds only new papers, and reports an unchanged corpus as up to date', async () => {
    const dir = tempDir('incremental');
    const input = join(dir, 'papers.jsonl');
    const out = join(dir, 'index');
    writeJsonl(input, seeds.slice(0, 30));

    const first = await buildIndex({ inputs: [input], outDir: out, embedder });
    expect(first).toMatchObject({ papers: 30, embedded: 30, reused: 0, written: true });

    const notes: string[] = [];
    const second = await buildIndex({ inputs: [input], outDir: out, embedder, progress: { onNote: (n) => notes.push(n) } });
    expect(second).toMatchObject({ embedded: 0, reused: 0, written: false });
    expect(notes.join(' ')).toMatch(/up to date/);

    writeJsonl(input, seeds.slice(0, 32));
    const third = await buildIndex({ inputs: [input], outDir: out, embedder });
    expect(third).toMatchObject({ papers: 32, embedded: 2, reused: 0, written: true, incremental: true });
    expect((await loadIndex(out)).size).toBe(32);
  });

  it('never reuses vectors of another model, and says why', async () => {
    const out = tempDir('other-model');
    const input = join(out, 'papers.jsonl');
    writeJsonl(input, seeds.slice(0, 8));
    await buildIndex({ inputs: [input], outDir: join(out, 'index'), embedder });

    const fp32 = await Embedder.load({ modelsDir: MODELS_DIR, precision: 'fp32' });
    const notes: string[] = [];
    const rebuilt = await buildIndex({
      inputs: [input],
      outDir: join(out, 'index'),
      embedder: fp32,
      progress: { onNote: (n) => notes.push(n) },
    });
    expect(rebuilt).toMatchObject({ embedded: 8, reused: 0 });
    expect(notes.join(' ')).toMatch(/Switching the index from all-MiniLM-L6-v2 \(int8.* to all-MiniLM-L6-v2 \(fp32/);
    const reloaded = await loadIndex(join(out, 'index'));
    expect(() => new SearchEngine(reloaded, embedder)).toThrow(/index was built with .*fp32.*loaded model is .*int8/);
  });

  it('reports bad JSONL lines with their line numbers and indexes the rest', async () => {
    const dir = tempDir('bad-lines');
    const input = join(dir, 'papers.jsonl');
    const good = seeds.slice(0, 3).map((p) => JSON.stringify(p));
    writeFileSync(input, [good[0], '{"title": "no abstract"}', good[1], 'not json', good[2]].join('\n'));
    const skipped: number[] = [];
    const summary = await buildIndex({
      inputs: [input],
      outDir: join(dir, 'index'),
      embedder,
      progress: { onSkip: (s) => skipped.push(s.line) },
    });
    expect(skipped).toEqual([2, 4]);
    expect(summary).toMatchObject({ papers: 3, skipped: 2 });
  });
});

describe('crash safety', () => {
  it('leaves the previous index loadable when the build is killed at any moment', async () => {
    const dir = tempDir('killed');
    const out = join(dir, 'index');
    const small = join(dir, 'small.jsonl');
    writeJsonl(small, seeds.slice(0, 10));
    await buildIndex({ inputs: [small], outDir: out, embedder });
    const big = join(dir, 'big.jsonl');
    // Two variants of every seed paper: enough embedding work to be killed in the middle of it.
    writeJsonl(big, [...seeds, ...seeds.map((p) => ({ ...p, id: `${p.id}-v2`, abstract: `${p.abstract} (revised)` }))]);

    // 5 kills in a quick run, 20 with PAPER_SEARCH_LONG_TESTS=1 (CI), at random moments of a build
    // that takes ~18 s from scratch; as each killed run leaves its vectors in the cache, later runs
    // get further, into the final write, or finish.
    const kills = process.env.PAPER_SEARCH_LONG_TESTS === '1' ? 20 : 5;
    const outcomes: number[] = [];
    for (let i = 0; i < kills; i++) {
      await runAndKill(['--input', big, '--out', out], 200 + Math.random() * 12_000);
      const index = await loadIndex(out);
      expect([10, 474]).toContain(index.size);
      expect(index.paper(index.size - 1).id).toBe(index.allPapers().at(-1)!.id);
      outcomes.push(index.size);
      index.close();
    }
    console.log(
      `kill -9 during builds: ${kills} kills survived; the index loaded afterwards held ${outcomes.join(', ')} papers (10 = previous, 474 = new)`,
    );
    const final = await buildIndex({ inputs: [big], outDir: out, embedder });
    expect(final.papers).toBe(474);
    expect((await loadIndex(out)).size).toBe(474);
  });

  it('leaves the previous generation or the new one, whole, when an incremental build is killed at any moment', async () => {
    const dir = tempDir('killed-incremental');
    const out = join(dir, 'index');
    const library = join(dir, 'library.jsonl');
    // Two versions of a library, a day's change apart (37 papers new or gone, 30 revised, 10 back):
    // each run turns the index into the other one, so every run has work to be killed in.
    const revised = seeds.slice(0, 30).map((p) => ({ ...p, abstract: `${p.abstract} (revised)` }));
    const versions = [seeds.slice(0, 200), [...revised, ...seeds.slice(40, 237)]];
    writeJsonl(library, versions[0]!);
    await buildIndex({ inputs: [library], outDir: out, embedder });

    const kills = process.env.PAPER_SEARCH_LONG_TESTS === '1' ? 20 : 6;
    let committed = { generation: 1, size: 200 };
    const outcomes: string[] = [];
    for (let i = 1; i <= kills; i++) {
      const target = versions[i % 2]!;
      writeJsonl(library, target);
      await runAndKill(['--out', out], 100 + Math.random() * 8_000);
      const index = await loadIndex(out);
      const advanced = index.generation === committed.generation + 1;
      expect(advanced || index.generation === committed.generation).toBe(true);
      expect(index.size).toBe(advanced ? target.length : committed.size);
      // Whole: the records, the postings and the graph agree on the papers of that generation.
      expect(index.allPapers()).toHaveLength(index.size);
      expect(index.lexical.documentCount).toBe(index.size);
      expect(index.nearest(index.vectorOf(index.liveOrdinals()[0]!), 300)).toHaveLength(index.size);
      outcomes.push(advanced ? 'new' : 'previous');
      committed = { generation: index.generation, size: index.size };
      index.close();
    }
    console.log(`kill -9 during incremental builds: ${kills} kills survived; the index afterwards held: ${outcomes.join(', ')}`);
    writeJsonl(library, versions[1]!);
    const final = await buildIndex({ inputs: [], outDir: out, embedder });
    expect(final.manifest.paperCount).toBe(227);
  });

  it('refuses a damaged index with a one-line reason instead of serving it', async () => {
    const damaged = tempDir('damaged');
    cpSync(inject('seedIndexDir'), damaged, { recursive: true });
    const manifest = readManifest(damaged);
    truncateSync(join(damaged, manifest.files.hnsw.name), 1000);
    await expect(loadIndex(damaged)).rejects.toThrow(IndexError);
    await expect(loadIndex(damaged)).rejects.toThrow(/damaged: hnsw-.*checksum/);

    writeFileSync(join(damaged, 'manifest.json'), readFileSync(join(damaged, 'manifest.json'), 'utf8').slice(0, 100));
    await expect(loadIndex(damaged)).rejects.toThrow(/not valid JSON/);
    await expect(loadIndex(tempDir('empty'))).rejects.toThrow(/no index in .*paper-search build/);
  });
});

function runAndKill(args: string[], delayMs: number): Promise<void> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['.build/cli/paper-search.js', 'build', ...args], { stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    child.on('exit', () => {
      clearTimeout(timer);
      done();
    });
  });
}
