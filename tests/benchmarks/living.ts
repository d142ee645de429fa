/**
 * The living index at scale: `npm run bench:living [-- --sizes 1000,10000,100000,1000000] [--update-report]`.
 *
 * For each size, a synthetic library: vectors scattered around the seed papers' real ones (as the
 * scale points of `npm run bench`), titles and abstracts made of sentences sampled from the real
 * seed abstracts (so BM25 sees real vocabulary and real term statistics). Measured per size: a full
 * build (time, peak memory, disk), HNSW recall@10 at the default ef against exact search, the search
 * stage of hybrid questions and of lexical pasted abstracts (query vectors cached, so the model is
 * not timed), the server's start-up time and memory, and adding then removing 10,000 papers (1% of
 * a small library) as incremental builds, against the full build. Then live reload: a real server
 * under 16 concurrent clients while 20 builds commit. Writes living.md, living.json and living.svg
 * to .cache/bench/ (tests/benchmarks/ with --update-report); `--combine a.json b.json` writes one
 * report from the results of several runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import hnswlib from 'hnswlib-node';
import {
  buildIndex,
  DEFAULT_HNSW,
  loadIndex,
  readManifest,
  updateIndex,
  writeIndex,
  type Manifest,
  type PaperToAdd,
} from '../../src/index/index.js';
import { Embedder, normalize } from '../../src/model/index.js';
import { SearchEngine } from '../../src/search/index.js';
import { splitSentences, tokenize } from '../../src/text/index.js';
import { exactTopK } from '../eval/exact-top-k.js';
import { stderrProgress } from './progress.js';
import { reportFolder } from './report-folder.js';
import { syntheticVectors } from './scale.js';
import { seededRandom } from '../../src/index/map/layout.js';
import { peakRssMegabytes, resetPeakRss, syntheticPapers } from './synthetic.js';
import { percentile, round } from './stats.js';
import { lineChart } from './svg.js';

interface LivingPoint {
  n: number;
  buildSeconds: number;
  buildPeakRssMegabytes: number;
  diskMegabytes: number;
  /** The graph and the postings on disk: what the server holds in memory besides the model. */
  hnswMegabytes: number;
  lexicalMegabytes: number;
  recallAt10: number;
  /** HNSW recall@10 and search p50 at other search widths (the graph alone, k = 10): what a wider search buys. */
  efCurve?: Array<{ ef: number; recallAt10: number; p50Ms: number }>;
  hybridP50Ms: number;
  hybridP99Ms: number;
  lexicalAbstractP50Ms: number;
  lexicalAbstractP99Ms: number;
  startupSeconds: number;
  serverRssMegabytes: number;
  change: number;
  addSeconds: number;
  removeSeconds: number;
}

interface ReloadResult {
  n: number;
  clients: number;
  reloads: number;
  requests: number;
  failed: number;
  steadyP50Ms: number;
  steadyP99Ms: number;
  swapP99Ms: number;
  requestsDuringSwaps: number;
}

const CHANGE = 10_000;
const QUERY_ROUNDS = 5;

const megabytes = (bytes: number) => round(bytes / 2 ** 20, 1);

function folderBytes(dir: string, matching = /./): number {
  return readdirSync(dir)
    .filter((name) => name !== 'cache' && matching.test(name))
    .reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}

function startServer(
  indexDir: string,
  modelsDir: string,
): Promise<{ child: ChildProcess; url: string; seconds: number; rssMegabytes: number }> {
  return new Promise((resolveStart, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [resolve('.build/cli/paper-search.js'), 'serve', '--index', indexDir, '--port', '0'], {
      env: { ...process.env, MODELS_DIR: modelsDir },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const port = /listening on http:\/\/[^:]+:(\d+)/.exec(stderr)?.[1];
      if (!port) return;
      const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]) / 1024;
      resolveStart({
        child,
        url: `http://127.0.0.1:${port}`,
        seconds: round((performance.now() - started) / 1000),
        rssMegabytes: round(rss, 0),
      });
    });
    child.on('exit', (code) =>
      reject(new Error(`server did not start on ${indexDir} (exit ${code}): ${stderr.trim().split('\n').at(-1)}`)),
    );
  });
}

function stopServer(child: ChildProcess): Promise<void> {
  return new Promise((stopped) => {
    child.removeAllListeners('exit');
    child.once('exit', () => stopped());
    child.kill('SIGTERM');
  });
}

async function timed(runs: number, fn: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  return times;
}

interface Workload {
  sentences: string[];
  real: Float32Array[];
  questions: string[];
  pastedAbstracts: string[];
  embedder: Embedder;
  modelsDir: string;
  progress: (line: string) => void;
}

async function measurePoint(n: number, work: Workload): Promise<LivingPoint> {
  const { progress, embedder } = work;
  const model = embedder.info;
  progress(`N = ${n.toLocaleString('en')}: generating the library`);
  const papers = syntheticPapers(work.sentences, n, 'paper', n);
  const vectors = syntheticVectors(work.real, n);
  const dir = mkdtempSync(join(tmpdir(), `paper-search-living-${n}-`));
  const meta = { model, hnsw: DEFAULT_HNSW, corpusHash: `synthetic-${n}`, sources: ['synthetic'] };
  try {
    progress('full build');
    resetPeakRss();
    const buildStarted = performance.now();
    writeIndex(dir, { ...meta, papers, vectors });
    const buildSeconds = (performance.now() - buildStarted) / 1000;
    const buildPeakRssMegabytes = round(peakRssMegabytes(), 0);

    const index = await loadIndex(dir);
    progress('recall@10 against exact search (100 queries)');
    const queryVectors = syntheticVectors(work.real.slice().reverse(), 100);
    const truths = queryVectors.map((query) => new Set(exactTopK(vectors, query, 10)));
    let recalled = 0;
    queryVectors.forEach((query, q) => {
      recalled += index.nearest(query, 10).filter((hit) => truths[q]!.has(hit.ordinal)).length / 10;
    });
    progress('recall@10 and search time by search width (ef)');
    const efCurve = await measureEfCurve(join(dir, readManifest(dir).files.hnsw.name), model.dimensions, queryVectors, truths);
    const engine = new SearchEngine(index, embedder);
    progress('search stage: hybrid questions, lexical pasted abstracts');
    for (const question of work.questions) await engine.search(question, { mode: 'hybrid', k: 10 });
    let q = 0;
    const hybrid = await timed(work.questions.length * QUERY_ROUNDS, () =>
      engine.search(work.questions[q++ % work.questions.length]!, { mode: 'hybrid', k: 10 }),
    );
    const lexical = await timed(work.pastedAbstracts.length * QUERY_ROUNDS, () =>
      engine.search(work.pastedAbstracts[q++ % work.pastedAbstracts.length]!, { mode: 'lexical', k: 10 }),
    );
    index.close();

    progress('server start-up');
    const server = await startServer(dir, work.modelsDir);
    await stopServer(server.child);
    const hnswMegabytes = megabytes(folderBytes(dir, /^hnsw-/));
    const lexicalMegabytes = megabytes(folderBytes(dir, /^lexical-/));
    const diskMegabytes = megabytes(folderBytes(dir));

    const change = Math.min(CHANGE, Math.round(n / 100));
    progress(`adding ${change.toLocaleString('en')} papers (an incremental build)`);
    const addedVectors = syntheticVectors(work.real, change);
    const added: PaperToAdd[] = syntheticPapers(work.sentences, change, 'added', n + 1).map((paper, i) => ({
      paper,
      vector: addedVectors[i]!,
    }));
    let manifest: Manifest = readManifest(dir);
    const addStarted = performance.now();
    manifest = updateIndex(dir, manifest, meta, { added, removed: [] });
    const addSeconds = (performance.now() - addStarted) / 1000;
    progress(`removing ${change.toLocaleString('en')} papers (an incremental build)`);
    const next = seededRandom(n + 2);
    const removed = new Set<number>();
    while (removed.size < change) removed.add(Math.floor(next() * n));
    const removeStarted = performance.now();
    updateIndex(dir, manifest, meta, { added: [], removed: [...removed] });
    const removeSeconds = (performance.now() - removeStarted) / 1000;

    return {
      n,
      buildSeconds: round(buildSeconds, 1),
      buildPeakRssMegabytes,
      diskMegabytes,
      hnswMegabytes,
      lexicalMegabytes,
      recallAt10: round(recalled / queryVectors.length, 4),
      efCurve,
      hybridP50Ms: round(percentile(hybrid, 50), 2),
      hybridP99Ms: round(percentile(hybrid, 99), 2),
      lexicalAbstractP50Ms: round(percentile(lexical, 50), 2),
      lexicalAbstractP99Ms: round(percentile(lexical, 99), 2),
      startupSeconds: server.seconds,
      serverRssMegabytes: server.rssMegabytes,
      change,
      addSeconds: round(addSeconds, 2),
      removeSeconds: round(removeSeconds, 2),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const EF_CURVE = [64, 128, 256, 384, 512];

/** Recall@10 against exact search (`truths`, per query) and the median search time of the graph at each width of `EF_CURVE`. */
async function measureEfCurve(
  graphPath: string,
  dimensions: number,
  queries: readonly Float32Array[],
  truths: ReadonlyArray<Set<number>>,
): Promise<LivingPoint['efCurve']> {
  const graph = new hnswlib.HierarchicalNSW('cosine', dimensions);
  await graph.readIndex(graphPath, true);
  const curve = EF_CURVE.map((ef) => {
    graph.setEf(ef);
    let recalled = 0;
    const times: number[] = [];
    queries.forEach((query, q) => {
      const started = performance.now();
      const { neighbors } = graph.searchKnn(Array.from(query), 10);
      times.push(performance.now() - started);
      recalled += neighbors.filter((ordinal) => truths[q]!.has(ordinal)).length / 10;
    });
    return { ef, recallAt10: round(recalled / queries.length, 4), p50Ms: round(percentile(times, 50), 3) };
  });
  return curve;
}

/**
 * A real server under `clients` concurrent clients while `reloads` builds commit (each adds 50
 * papers, in a child process, so the builds' CPU does not stall the clients' own timing): failed
 * requests, and the p99 of requests that overlapped a swap (commit until /health shows the new
 * generation, plus 100 ms) against the p99 of the others.
 */
async function measureReload(n: number, work: Workload, clients = 16, reloads = 20): Promise<ReloadResult> {
  const { progress } = work;
  const dir = mkdtempSync(join(tmpdir(), 'paper-search-reload-'));
  try {
    progress(`live reload: a ${n.toLocaleString('en')}-paper index, ${clients} clients, ${reloads} reloads`);
    writeIndex(dir, {
      model: work.embedder.info,
      hnsw: DEFAULT_HNSW,
      corpusHash: 'reload',
      sources: [],
      papers: syntheticPapers(work.sentences, n, 'paper', 7),
      vectors: syntheticVectors(work.real, n),
    });
    const server = await startServer(dir, work.modelsDir);
    const requests: Array<{ start: number; end: number; ok: boolean }> = [];
    let running = true;
    const client = async (c: number) => {
      for (let i = c; running; i += clients) {
        const start = performance.now();
        let ok = false;
        try {
          const response = await fetch(`${server.url}/api/search?q=${encodeURIComponent(work.questions[i % work.questions.length]!)}&k=10`);
          ok = response.status === 200;
          await response.arrayBuffer();
        } catch {
          ok = false;
        }
        requests.push({ start, end: performance.now(), ok });
      }
    };
    const runningClients = Array.from({ length: clients }, (_, c) => client(c));
    const health = async () => ((await (await fetch(`${server.url}/health`)).json()) as { generation: number }).generation;
    await new Promise((wake) => setTimeout(wake, 5000));
    const windows: Array<[number, number]> = [];
    for (let r = 0; r < reloads; r++) {
      const target = (await health()) + 1;
      await runChild(['--add-to', dir, '--count', '50', '--seed', String(r)]);
      const committed = performance.now();
      while ((await health()) !== target) await new Promise((wake) => setTimeout(wake, 10));
      windows.push([committed, performance.now() + 100]);
      await new Promise((wake) => setTimeout(wake, 500));
    }
    running = false;
    await Promise.all(runningClients);
    await stopServer(server.child);
    // Requests of the first second warm caches; they count for neither.
    const measured = requests.filter((request) => request.start > requests[0]!.start + 1000);
    const duringSwap = (request: { start: number; end: number }) => windows.some(([from, to]) => request.end > from && request.start < to);
    const swapping = measured.filter(duringSwap).map((request) => request.end - request.start);
    const steady = measured.filter((request) => !duringSwap(request)).map((request) => request.end - request.start);
    return {
      n,
      clients,
      reloads,
      requests: requests.length,
      failed: requests.filter((request) => !request.ok).length,
      steadyP50Ms: round(percentile(steady, 50), 2),
      steadyP99Ms: round(percentile(steady, 99), 2),
      swapP99Ms: round(percentile(swapping, 99), 2),
      requestsDuringSwaps: swapping.length,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function runChild(args: string[]): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [process.argv[1]!, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`${args.join(' ')} exited with ${code}`))));
  });
}

/** The child's side of `measureReload`: one incremental build adding `count` papers. */
function addPapers(dir: string, count: number, seed: number): void {
  const manifest = readManifest(dir);
  const next = seededRandom(seed + 1000);
  const gaussian = () => Math.sqrt(-2 * Math.log(next() || 1e-12)) * Math.cos(2 * Math.PI * next());
  const added = Array.from({ length: count }, (_, i) => ({
    paper: { id: `reload-${seed}-${i}`, title: `Reload paper ${seed} ${i}`, abstract: `Added by reload ${seed}.` },
    vector: normalize(Float32Array.from({ length: manifest.model.dimensions }, gaussian)),
  }));
  updateIndex(
    dir,
    manifest,
    { model: manifest.model, hnsw: manifest.hnsw, corpusHash: `reload-${seed}`, sources: [] },
    { added, removed: [] },
  );
}

function report(points: LivingPoint[], reload: ReloadResult | undefined): string {
  const rows = points.map(
    (p) =>
      `| ${p.n.toLocaleString('en')} | ${p.buildSeconds} | ${p.buildPeakRssMegabytes.toLocaleString('en')} | ${p.diskMegabytes.toLocaleString('en')} | ${p.recallAt10} | ${p.hybridP50Ms} / ${p.hybridP99Ms} | ${p.lexicalAbstractP50Ms} / ${p.lexicalAbstractP99Ms} | ${p.startupSeconds} | ${p.serverRssMegabytes.toLocaleString('en')} (graph ${p.hnswMegabytes.toLocaleString('en')}, postings ${p.lexicalMegabytes.toLocaleString('en')}) | +${p.change.toLocaleString('en')}: ${p.addSeconds} s (${round((100 * p.addSeconds) / p.buildSeconds, 1)}%) | −${p.change.toLocaleString('en')}: ${p.removeSeconds} s (${round((100 * p.removeSeconds) / p.buildSeconds, 1)}%) |`,
  );
  return [
    '# The living index at scale (`npm run bench:living`)',
    '',
    'Synthetic libraries: vectors scattered around the seed papers\u2019 real ones, text made of sentences sampled from the real seed abstracts. Search-stage times have the query vectors cached (the model is timed in `npm run bench`). Server memory is its resident set when listening; the graph (which holds every vector) and the postings are loaded whole, so their file sizes say how it splits; the rest is the model and Node.',
    '',
    '| papers | full build s | build peak RSS MB | disk MB | HNSW recall@10 | hybrid p50 / p99 ms | lexical, pasted abstract p50 / p99 ms | server start s | server RSS MB | add (vs full build) | remove (vs full build) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    ...efCurveTable(points),
    ...(reload
      ? [
          `Live reload: a ${reload.n.toLocaleString('en')}-paper index served to ${reload.clients} concurrent clients (hybrid questions) while ${reload.reloads} builds committed and the server switched to each: ${reload.requests.toLocaleString('en')} requests, ${reload.failed} failed; p99 ${reload.steadyP99Ms} ms steady (p50 ${reload.steadyP50Ms}), ${reload.swapP99Ms} ms for the ${reload.requestsDuringSwaps} requests that overlapped a swap (${round(reload.swapP99Ms / reload.steadyP99Ms, 2)}×).`,
          '',
        ]
      : []),
    '![build time and search latency against library size](living.svg)',
    '',
  ].join('\n');
}

/** HNSW recall@10 (and the graph's search p50) by search width, per size that measured it. */
function efCurveTable(points: readonly LivingPoint[]): string[] {
  const measured = points.filter((p) => p.efCurve);
  if (measured.length === 0) return [];
  const widths = measured[0]!.efCurve!.map((point) => point.ef);
  return [
    'HNSW recall@10 against exact search by search width ef (the graph alone, k = 10; median search time in brackets):',
    '',
    `| papers | ${widths.map((ef) => `ef ${ef}`).join(' | ')} |`,
    `| --- | ${widths.map(() => '---').join(' | ')} |`,
    ...measured.map(
      (p) => `| ${p.n.toLocaleString('en')} | ${p.efCurve!.map((point) => `${point.recallAt10} (${point.p50Ms} ms)`).join(' | ')} |`,
    ),
    '',
  ];
}

interface Results {
  points: LivingPoint[];
  reload?: ReloadResult;
}

/** Results of several runs as one (say, the small sizes and live reload, then the million on its own): points by size, the last reload. */
function combined(files: readonly string[]): Results {
  const runs = files.map((file) => JSON.parse(readFileSync(file, 'utf8')) as Results);
  const bySize = new Map(runs.flatMap((run) => run.points.map((point) => [point.n, point] as const)));
  return { points: [...bySize.values()].sort((a, b) => a.n - b.n), reload: [...runs].reverse().find((run) => run.reload)?.reload };
}

function writeReport({ points, reload }: Results, updateReport: boolean): void {
  const out = reportFolder(updateReport);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'living.json'), `${JSON.stringify({ points, reload }, null, 2)}\n`);
  writeFileSync(join(out, 'living.md'), report(points, reload));
  writeFileSync(
    join(out, 'living.svg'),
    lineChart('Full build and search vs library size', 'papers', 'seconds / milliseconds', [
      { name: 'full build (s)', points: points.map((p) => [p.n, p.buildSeconds]) },
      { name: 'add 1% (s)', points: points.map((p) => [p.n, p.addSeconds]) },
      { name: 'hybrid p50 (ms)', points: points.map((p) => [p.n, p.hybridP50Ms]) },
      { name: 'abstract p50 (ms)', points: points.map((p) => [p.n, p.lexicalAbstractP50Ms]) },
      { name: 'server RSS (GB)', points: points.map((p) => [p.n, p.serverRssMegabytes / 1024]) },
    ]),
  );
  process.stderr.write(`written ${join(out, 'living.md')}, living.json, living.svg\n`);
  process.stdout.write(report(points, reload));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string' },
      'update-report': { type: 'boolean' },
      'skip-reload': { type: 'boolean' },
      'reload-papers': { type: 'string' },
      'add-to': { type: 'string' },
      count: { type: 'string' },
      seed: { type: 'string' },
      combine: { type: 'string', multiple: true },
    },
  });
  if (values['add-to']) return addPapers(values['add-to'], Number(values.count), Number(values.seed));
  if (values.combine) return writeReport(combined(values.combine), values['update-report'] ?? false);
  const sizes = (values.sizes ?? '1000,10000,100000').split(',').map(Number);
  const progress = stderrProgress();
  const modelsDir = resolve('models');
  const embedder = await Embedder.load({ modelsDir });
  const folder = mkdtempSync(join(tmpdir(), 'paper-search-living-seeds-'));
  try {
    progress('building the seed index for real vectors and abstracts');
    await buildIndex({ inputs: [resolve('seeds')], outDir: folder, embedder });
    const seeds = await loadIndex(folder);
    const seedPapers = seeds.allPapers();
    const real = Array.from(seeds.liveOrdinals(), (ordinal) => seeds.vectorOf(ordinal));
    seeds.close();
    const dev = JSON.parse(readFileSync('tests/eval/seed-dev.json', 'utf8')) as { queries: Array<{ kind: string; text: string }> };
    const work: Workload = {
      sentences: seedPapers.flatMap((paper) => splitSentences(paper.abstract)).filter((sentence) => sentence.length > 20),
      real,
      questions: dev.queries.filter((query) => query.kind === 'question').map((query) => query.text),
      pastedAbstracts: dev.queries
        .filter((query) => query.kind === 'abstract' && tokenize(query.text).length >= 150)
        .map((query) => query.text),
      embedder,
      modelsDir,
      progress,
    };
    progress(`${work.questions.length} questions, ${work.pastedAbstracts.length} pasted abstracts of 150+ terms`);
    const points: LivingPoint[] = [];
    for (const n of sizes) {
      points.push(await measurePoint(n, work));
      progress(JSON.stringify(points.at(-1)));
    }
    const reload = values['skip-reload'] ? undefined : await measureReload(Number(values['reload-papers'] ?? 10_000), work);
    if (reload) progress(JSON.stringify(reload));

    writeReport({ points, reload }, values['update-report'] ?? false);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

await main();
