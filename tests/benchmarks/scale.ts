import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { create, insertMultiple, search as oramaSearch } from '@orama/orama';
import hnswlib from 'hnswlib-node';
import { DEFAULT_HNSW, loadIndex, readManifest, writeIndex, type Manifest } from '../../src/index/index.js';
import { normalize } from '../../src/model/index.js';
import type { Paper } from '../../src/papers/index.js';
import { exactTopK } from '../eval/exact-top-k.js';
import type { Progress } from './progress.js';
import { percentile, round, timeEach } from './stats.js';

export interface ScalePoint {
  n: number;
  buildSeconds: number;
  indexMegabytes: number;
  hnswRecallAt10: number;
  hnswP50Ms: number;
  hnswP99Ms: number;
  exactP50Ms: number;
  startupSeconds: number;
  serverRssMegabytes: number;
  orama?: { insertSeconds: number; recallAt10: number; p50Ms: number; p99Ms: number };
  /** The same graph searched at several breadths: the curve the default efSearch is chosen from. */
  efCurve: Array<{ ef: number; recallAt10: number; p50Ms: number; p99Ms: number }>;
}

const EF_SWEEP = [10, 20, 40, 80, 128, 256];

/** Gaussian noise by Box–Muller. */
function gaussian(): number {
  return Math.sqrt(-2 * Math.log(1 - Math.random())) * Math.cos(2 * Math.PI * Math.random());
}

/**
 * `n` unit vectors scattered around real paper embeddings: each is a real vector plus isotropic noise
 * (per-dimension σ = 0.03, cosine ≈ 0.87 to its source), so clusters and density look like a larger
 * corpus on the same topics rather than uniform noise, which HNSW finds unrealistically easy or hard.
 */
export function syntheticVectors(real: Float32Array[], n: number): Float32Array[] {
  return Array.from({ length: n }, (_, i) => {
    const base = real[i % real.length]!;
    return normalize(Float32Array.from(base, (v) => v + 0.03 * gaussian()));
  });
}

const recall = (found: number[][], truth: number[][]) =>
  found.reduce((sum, ids, q) => sum + ids.filter((id) => truth[q]!.includes(id)).length / truth[q]!.length, 0) / found.length;

function folderBytes(dir: string): number {
  return readdirSync(dir)
    .filter((name) => name !== 'cache')
    .reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}

/** The compiled command and arguments `npm start` runs; `npm run bench` builds it before measuring. */
const SERVE = [resolve('.build/cli/paper-search.js'), 'serve'];

/** Starts the real server on the index and reports seconds to "listening" and its resident memory then. */
function serverStartup(indexDir: string, modelsDir: string): Promise<{ seconds: number; rssMegabytes: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, SERVE, {
      env: { ...process.env, INDEX_DIR: indexDir, MODELS_DIR: modelsDir, PORT: '0' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (!stderr.includes('listening on')) return;
      const seconds = (performance.now() - started) / 1000;
      const status = readStatus(child.pid!);
      child.kill('SIGTERM');
      resolve({ seconds: round(seconds), rssMegabytes: round(status / 1024, 0) });
    });
    child.on('exit', (code) => {
      if (stderr.includes('listening on')) return;
      // A one-line refusal starts with "error:"; a crash prints a stack whose message line names the error.
      const reason = stderr.split('\n').find((line) => /error/i.test(line)) ?? stderr.trim().split('\n').at(-1);
      reject(new Error(`server did not start on ${indexDir} (exit ${code}): ${reason}`));
    });
  });
}

function readStatus(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
}

export async function measureScalePoint(options: {
  n: number;
  real: Float32Array[];
  abstracts: Paper[];
  model: Manifest['model'];
  modelsDir: string;
  queries?: number;
  withOrama: boolean;
  progress: Progress;
}): Promise<ScalePoint> {
  const { n, real, abstracts, model, progress } = options;
  const vectors = syntheticVectors(real, n);
  const queryVectors = syntheticVectors(real.slice().reverse(), options.queries ?? 200);
  progress(`exact top 10 of ${queryVectors.length} queries (the ground truth)`);
  const truth = queryVectors.map((q) => exactTopK(vectors, q, 10));
  const papers: Paper[] = vectors.map((_, i) => ({ ...abstracts[i % abstracts.length]!, id: `synthetic-${i}` }));

  const dir = mkdtempSync(join(tmpdir(), `paper-search-scale-${n}-`));
  try {
    progress('writing the index');
    const buildStarted = performance.now();
    writeIndex(dir, { papers, vectors, model, hnsw: DEFAULT_HNSW, corpusHash: `synthetic-${n}`, sources: ['synthetic'] });
    const buildSeconds = (performance.now() - buildStarted) / 1000;
    const index = await loadIndex(dir);
    progress('HNSW search');
    const found: number[][] = [];
    const hnswTimes = await timeEach(queryVectors.length, (i) => found.push(index.nearest(queryVectors[i]!, 10).map((hit) => hit.ordinal)));
    index.close();
    progress('exact search');
    const exactTimes = await timeEach(Math.min(queryVectors.length, 50), (i) => exactTopK(vectors, queryVectors[i]!, 10));
    progress(`HNSW recall and latency at ef = ${EF_SWEEP.join(', ')}`);
    const efCurve = await measureEfCurve(join(dir, readManifest(dir).files.hnsw.name), model.dimensions, queryVectors, truth);
    progress('server start-up');
    const startup = await serverStartup(dir, options.modelsDir);

    const point: ScalePoint = {
      n,
      buildSeconds: round(buildSeconds),
      indexMegabytes: round(folderBytes(dir) / 2 ** 20, 1),
      hnswRecallAt10: round(recall(found, truth), 4),
      hnswP50Ms: round(percentile(hnswTimes, 50), 3),
      hnswP99Ms: round(percentile(hnswTimes, 99), 3),
      exactP50Ms: round(percentile(exactTimes, 50), 3),
      startupSeconds: startup.seconds,
      serverRssMegabytes: startup.rssMegabytes,
      efCurve,
    };
    if (options.withOrama) {
      progress('Orama vector search');
      point.orama = await measureOrama(vectors, queryVectors, truth);
    }
    return point;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** hnswlib itself on the saved graph, at each ef of `EF_SWEEP`. */
async function measureEfCurve(
  hnswFile: string,
  dimensions: number,
  queries: Float32Array[],
  truth: number[][],
): Promise<ScalePoint['efCurve']> {
  const graph = new hnswlib.HierarchicalNSW('cosine', dimensions);
  graph.readIndexSync(hnswFile);
  const curve: ScalePoint['efCurve'] = [];
  for (const ef of EF_SWEEP) {
    graph.setEf(ef);
    const found: number[][] = [];
    const times = await timeEach(queries.length, (i) => found.push(graph.searchKnn(Array.from(queries[i]!), 10).neighbors));
    curve.push({
      ef,
      recallAt10: round(recall(found, truth), 4),
      p50Ms: round(percentile(times, 50), 3),
      p99Ms: round(percentile(times, 99), 3),
    });
  }
  return curve;
}

/** Orama's own vector search over the same vectors (similarity threshold 0 so it may return any top 10). */
async function measureOrama(vectors: Float32Array[], queries: Float32Array[], truth: number[][]) {
  const db = create({ schema: { ordinal: 'number', embedding: `vector[${vectors[0]!.length}]` } as const });
  const insertStarted = performance.now();
  await insertMultiple(
    db,
    vectors.map((v, ordinal) => ({ ordinal, embedding: Array.from(v) })),
  );
  const insertSeconds = (performance.now() - insertStarted) / 1000;
  const found: number[][] = [];
  const times = await timeEach(queries.length, async (i) => {
    const result = await oramaSearch(db, {
      mode: 'vector',
      vector: { value: Array.from(queries[i]!), property: 'embedding' },
      similarity: 0,
      limit: 10,
    });
    found.push(result.hits.map((hit) => hit.document.ordinal as number));
  });
  return {
    insertSeconds: round(insertSeconds),
    recallAt10: round(recall(found, truth), 4),
    p50Ms: round(percentile(times, 50), 3),
    p99Ms: round(percentile(times, 99), 3),
  };
}
