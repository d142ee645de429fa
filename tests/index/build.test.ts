import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { buildIndex, FORMAT_VERSION, IndexError, loadIndex, readManifest } from '../../src/index/index.js';
import { Embedder } from '../../src/model/index.js';
import { readCorpus, type Paper } from '../../src/papers/index.js';
import { SearchEngine } from '../../src/search/index.js';
import { MODELS_DIR } from '../support/seed-engine.js';

const tempDir = (label: string) => mkdtempSync(join(tmpdir(), `paper-search-${label}-`));
const writeJsonl = (file: string, papers: Paper[]) => writeFileSync(file, papers.map((p) => JSON.stringify(p)).join('\n') + '\n');

let seeds: Paper[];
let embedder: Embedder;

beforeAll(async () => {
  seeds = (await readCorpus([resolve('seeds')])).papers;
  embedder = await Embedder.load({ modelsDir: MODELS_DIR });
});

describe('the seed index', () => {
  it('holds 237 papers with 384-dim vectors, described by its manifest', () => {
    const index = loadIndex(inject('seedIndexDir'));
    const { manifest } = index;
    expect(index.size).toBe(237);
    expect(index.allPapers()).toHaveLength(237);
    expect(manifest).toMatchObject({ formatVersion: FORMAT_VERSION, paperCount: 237, model: { name: 'all-MiniLM-L6-v2', dimensions: 384 }, hnsw: { space: 'cosine' } });
    expect(manifest.model.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.corpusHash).toMatch(/^[0-9a-f]{64}$/);
    expect(Date.parse(manifest.builtAt)).not.toBeNaN();
    expect(index.vectorOf(0)).toHaveLength(384);
  });

  it("finds each paper as the nearest neighbour of its own abstract", async () => {
    const index = loadIndex(inject('seedIndexDir'));
    const sample = index.allPapers().filter((_, i) => i % 12 === 0);
    const vectors = await embedder.embed(sample.map((paper) => paper.abstract));
    sample.forEach((paper, i) => {
      const [nearest] = index.nearest(vectors[i]!, 1);
      expect(index.paper(nearest!.ordinal).id, paper.title).toBe(paper.id);
    });
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
    expect(second).toMatchObject({ embedded: 0, reused: 30, written: false });
    expect(notes.join(' ')).toMatch(/up to date/);

    writeJsonl(input, seeds.slice(0, 32));
    const third = await buildIndex({ inputs: [input], outDir: out, embedder });
    expect(third).toMatchObject({ papers: 32, embedded: 2, reused: 30, written: true });
    expect(loadIndex(out).size).toBe(32);
  });

  it('never reuses vectors of another model, and says why', async () => {
    const out = tempDir('other-model');
    const input = join(out, 'papers.jsonl');
    writeJsonl(input, seeds.slice(0, 8));
    await buildIndex({ inputs: [input], outDir: join(out, 'index'), embedder });

    const fp32 = await Embedder.load({ modelsDir: MODELS_DIR, precision: 'fp32' });
    const notes: string[] = [];
    const rebuilt = await buildIndex({ inputs: [input], outDir: join(out, 'index'), embedder: fp32, progress: { onNote: (n) => notes.push(n) } });
    expect(rebuilt).toMatchObject({ embedded: 8, reused: 0 });
    expect(notes.join(' ')).toMatch(/built with all-MiniLM-L6-v2 \(int8.*not reused/);
    expect(() => new SearchEngine(loadIndex(join(out, 'index')), embedder)).toThrow(/index was built with .*fp32.*loaded model is .*int8/);
  });

  it('reports bad JSONL lines with their line numbers and indexes the rest', async () => {
    const dir = tempDir('bad-lines');
    const input = join(dir, 'papers.jsonl');
    const good = seeds.slice(0, 3).map((p) => JSON.stringify(p));
    writeFileSync(input, [good[0], '{"title": "no abstract"}', good[1], 'not json', good[2]].join('\n'));
    const skipped: number[] = [];
    const summary = await buildIndex({ inputs: [input], outDir: join(dir, 'index'), embedder, progress: { onSkip: (s) => skipped.push(s.line) } });
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
      const index = loadIndex(out);
      expect([10, 474]).toContain(index.size);
      expect(index.paper(index.size - 1).id).toBe(index.allPapers().at(-1)!.id);
      outcomes.push(index.size);
      index.close();
    }
    console.log(`kill -9 during builds: ${kills} kills survived; the index loaded afterwards held ${outcomes.join(', ')} papers (10 = previous, 474 = new)`);
    const final = await buildIndex({ inputs: [big], outDir: out, embedder });
    expect(final.embedded + final.reused).toBe(474);
    expect(loadIndex(out).size).toBe(474);
  });

  it('refuses a damaged index with a one-line reason instead of serving it', async () => {
    const damaged = tempDir('damaged');
    cpSync(inject('seedIndexDir'), damaged, { recursive: true });
    const manifest = readManifest(damaged);
    truncateSync(join(damaged, manifest.files.hnsw.name), 1000);
    expect(() => loadIndex(damaged)).toThrow(IndexError);
    expect(() => loadIndex(damaged)).toThrow(/damaged: hnsw-.*checksum/);

    writeFileSync(join(damaged, 'manifest.json'), readFileSync(join(damaged, 'manifest.json'), 'utf8').slice(0, 100));
    expect(() => loadIndex(damaged)).toThrow(/not valid JSON/);
    expect(() => loadIndex(tempDir('empty'))).toThrow(/no index in .*paper-search build/);
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
