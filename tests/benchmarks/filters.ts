/**
 * Where exact scoring of a filter's allowed papers stops beating the HNSW graph's filtered traversal:
 * `npm run bench:filters [-- --papers N]`. A synthetic index (the seed papers' vectors with noise, as
 * the scale points, and a year spread evenly over a century) is searched in dense mode with year
 * filters keeping from 1% to 50% of it, once with every filter scored exactly and once with every
 * filter through the graph; the engine's `exactFilterLimit` comes from the crossover.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildIndex, DEFAULT_HNSW, loadIndex, writeIndex } from '../../src/index/index.js';
import { Embedder, normalize } from '../../src/model/index.js';
import type { Paper } from '../../src/papers/index.js';
import { DEFAULT_SEARCH, SearchEngine } from '../../src/search/index.js';
import { median, round } from './stats.js';

const QUERIES = [
  'robots learning from human video demonstrations',
  'sim-to-real transfer for legged locomotion',
  'diffusion policies for manipulation',
  'tactile sensing for dexterous grasping',
  'language models as robot planners',
  'offline reinforcement learning from mixed-quality data',
];
/** Years of the century a filter keeps: the percentage of the papers it keeps. */
const PERCENTS = [1, 2, 3, 5, 7, 10, 25, 50];

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { papers: { type: 'string' } } });
  const size = Number(values.papers ?? 20_000);
  const folder = mkdtempSync(join(tmpdir(), 'paper-search-filters-'));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  try {
    const embedder = await Embedder.load({ modelsDir: resolve('models') });
    log('building the seed index for its vectors ...');
    await buildIndex({ inputs: [resolve('seeds')], outDir: join(folder, 'seeds'), embedder });
    const seeds = await loadIndex(join(folder, 'seeds'));
    let seed = 11;
    const random = () => {
      seed = (seed * 1664525 + 1013904223) >>> 0;
      return seed / 2 ** 32;
    };
    const gaussian = () => Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
    const papers: Paper[] = [];
    const vectors: Float32Array[] = [];
    for (let i = 0; i < size; i++) {
      const base = seeds.paper(i % seeds.size);
      papers.push({ ...base, id: `synthetic-${i}`, year: 1900 + (i % 100) });
      vectors.push(normalize(seeds.vectorOf(i % seeds.size).map((value) => value + 0.03 * gaussian())));
    }
    log(`writing a ${size.toLocaleString('en')}-paper index ...`);
    mkdirSync(join(folder, 'index'));
    writeIndex(join(folder, 'index'), {
      papers,
      vectors,
      model: embedder.info,
      hnsw: DEFAULT_HNSW,
      corpusHash: 'filters-bench',
      sources: [],
    });
    const index = await loadIndex(join(folder, 'index'));
    const exact = new SearchEngine(index, embedder, { exactFilterLimit: Number.POSITIVE_INFINITY });
    const graph = new SearchEngine(index, embedder, { exactFilterLimit: 0 });
    for (const query of QUERIES) await exact.search(query, { mode: 'dense', k: 10 }); // embed once: both engines then time the search alone

    const rows: string[] = [];
    for (const years of PERCENTS) {
      const filter = { yearMin: 1900, yearMax: 1900 + years - 1 };
      const allowed = Math.round((size * years) / 100);
      const time = async (engine: SearchEngine) => {
        const times: number[] = [];
        for (let round = 0; round < 5; round++) {
          for (const query of QUERIES) {
            await engine.encoder.embedLong(query);
            times.push((await engine.search(query, { mode: 'dense', k: 10, filter })).elapsedMs);
          }
        }
        return median(times);
      };
      // Each engine embeds through the same encoder; its own query-vector cache is warmed by the first round.
      for (const query of QUERIES) await graph.search(query, { mode: 'dense', k: 10 });
      const exactMs = await time(exact);
      const graphMs = await time(graph);
      log(`${years}% (${allowed} papers): exact ${round(exactMs, 2)} ms, HNSW ${round(graphMs, 2)} ms`);
      rows.push(`| ${years}% | ${allowed.toLocaleString('en')} | ${round(exactMs, 2)} | ${round(graphMs, 2)} |`);
    }
    process.stdout.write(
      [
        `# Filtered dense search, ${size.toLocaleString('en')} papers (p50 of ${QUERIES.length * 5} searches; \`npm run bench:filters\`)`,
        '',
        `The engine scores a filter's papers exactly up to \`exactFilterLimit\` = ${DEFAULT_SEARCH.exactFilterLimit} papers and walks the HNSW graph above it.`,
        '',
        '| filter keeps | papers | exact scoring ms | HNSW filtered ms |',
        '| --- | --- | --- | --- |',
        ...rows,
        '',
      ].join('\n'),
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

await main();
