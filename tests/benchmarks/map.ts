/**
 * The map of the library at scale: `npm run bench:map [-- --sizes 1000,10000,100000] [--update-report]`.
 *
 * First the real seed library (237 papers): neighbourhood preservation of its UMAP map against the PCA
 * plane. Then for each size a synthetic library as `bench:living` makes them (vectors scattered around
 * the seed papers' real ones, text of real sentences): a full build (`writeIndex`, which lays the map
 * out), then the map alone again from the written generation, timed by step (the graph's neighbours,
 * UMAP, clustering and names) with the process's peak memory; neighbourhood preservation (each sampled
 * paper's 10 nearest in 384-d, exact, against its 10 nearest on the map) of UMAP and of PCA; and, up
 * to 10,000 papers, umap-js's whole fit with its own neighbour search (NN-descent) and with the graph's. Writes
 * map.md and map.json to .cache/bench/ (tests/benchmarks/ with --update-report).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import hnswlib from 'hnswlib-node';
import { UMAP } from 'umap-js';
import {
  buildIndex,
  clusterCount,
  clusterLayout,
  DEFAULT_HNSW,
  Deletions,
  graphNeighbours,
  layOutMap,
  loadIndex,
  type MapInputs,
  neighbourhoodPreservation,
  pcaLayout,
  readManifest,
  readMapInputs,
  writeIndex,
} from '../../src/index/index.js';
import { Embedder } from '../../src/model/index.js';
import { splitSentences } from '../../src/text/index.js';
import { exactTopK } from '../eval/exact-top-k.js';
import { stderrProgress } from './progress.js';
import { reportFolder } from './report-folder.js';
import { syntheticVectors } from './scale.js';
import { round } from './stats.js';
import { seededRandom } from '../../src/index/map/layout.js';
import { peakRssMegabytes, resetPeakRss, syntheticPapers } from './synthetic.js';

/** Papers whose neighbourhoods are compared (every paper of a smaller library). */
const SAMPLE = 300;
/** Past this size umap-js is not timed: it takes minutes (its fuzzy graph is built in nested maps). */
const UMAP_JS_UP_TO = 10_000;

interface Preservation {
  umap: number;
  pca: number;
}

interface Seconds {
  wall: number;
  cpu: number;
}

interface MapPoint {
  n: number;
  buildSeconds: number;
  mapSeconds: number;
  /** CPU time of the layout: on cores shared with other jobs, what it would take alone. */
  mapCpuSeconds: number;
  /** The machine's 1-minute load average when the layout ended (2 cores). */
  loadAverage: number;
  neighboursSeconds: number;
  layoutSeconds: number;
  labelSeconds: number;
  mapPeakRssMegabytes: number;
  regions: number;
  preservation: Preservation;
  /** umap-js's whole fit, with its own neighbour search and with the graph's neighbours. */
  umapJs?: { own: Seconds; given: Seconds };
}

/** How well regions hold together: on the map (contiguity) and in the embedding (cohesion). */
interface RegionQuality {
  /** Share of each paper's 10 nearest on the map that are in its region. */
  contiguity: number;
  /** Share of each paper's 10 nearest in 384-d that are in its region. */
  cohesion: number;
}

interface Results {
  seed: Preservation & { n: number; regions?: { onMap: RegionQuality; onVectors: RegionQuality } };
  points: MapPoint[];
}

/** The layout of `inputs`' papers (row order) from a map indexed by ordinal. */
function rowsLayout(inputs: MapInputs, x: Float32Array, y: Float32Array): Float32Array {
  const layout = new Float32Array(2 * inputs.ordinals.length);
  inputs.ordinals.forEach((ordinal, i) => {
    layout[2 * i] = x[ordinal]!;
    layout[2 * i + 1] = y[ordinal]!;
  });
  return layout;
}

/** UMAP's map against the PCA plane, on `sample` papers' exact 10 nearest in the embedding. */
function preservation(inputs: MapInputs, umap: Float32Array, sampleSize: number): Preservation {
  const rows = Array.from({ length: inputs.vectors.count }, (_, i) => inputs.vectors.row(i));
  const step = Math.max(1, Math.floor(rows.length / sampleSize));
  const sample = Array.from({ length: Math.min(sampleSize, rows.length) }, (_, s) => s * step);
  const truth = sample.map((i) =>
    exactTopK(rows, rows[i]!, 11)
      .filter((j) => j !== i)
      .slice(0, 10),
  );
  return {
    umap: round(neighbourhoodPreservation(umap, sample, truth), 3),
    pca: round(neighbourhoodPreservation(pcaLayout(inputs.vectors), sample, truth), 3),
  };
}

/** Cosine k-means on unit vectors (k-means++ start, seeded), the alternative to clustering the map. */
function vectorKMeans(rows: Float32Array[], k: number): Uint16Array {
  const next = seededRandom(5);
  const dot = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, d) => sum + value * b[d]!, 0);
  const centroids = [rows[Math.floor(next() * rows.length)]!];
  while (centroids.length < k) {
    const far = rows.map((row) => Math.max(0, 1 - Math.max(...centroids.map((c) => dot(row, c)))) ** 2);
    let target = next() * far.reduce((a, b) => a + b, 0);
    let chosen = 0;
    for (; chosen < rows.length - 1; chosen++) {
      target -= far[chosen]!;
      if (target <= 0) break;
    }
    centroids.push(rows[chosen]!);
  }
  const assignment = new Uint16Array(rows.length);
  for (let round = 0; round < 30; round++) {
    rows.forEach((row, i) => {
      const scores = centroids.map((c) => dot(row, c));
      assignment[i] = scores.indexOf(Math.max(...scores));
    });
    centroids.forEach((_, c) => {
      const sum = new Float32Array(rows[0]!.length);
      rows.forEach((row, i) => {
        if (assignment[i] !== c) return;
        for (let d = 0; d < row.length; d++) sum[d]! += row[d]!;
      });
      const norm = Math.hypot(...sum) || 1;
      centroids[c] = sum.map((value) => value / norm);
    });
  }
  return assignment;
}

/** Regions from k-means on the map (what the build does) against k-means on the vectors, same k. */
function regionsCompared(inputs: MapInputs, layout: Float32Array): { onMap: RegionQuality; onVectors: RegionQuality } {
  const rows = Array.from({ length: inputs.vectors.count }, (_, i) => inputs.vectors.row(i));
  const k = clusterCount(rows.length);
  const all = rows.map((_, i) => i);
  const inEmbedding = all.map((i) =>
    exactTopK(rows, rows[i]!, 11)
      .filter((j) => j !== i)
      .slice(0, 10),
  );
  const onMapNeighbours = all.map((i) =>
    all
      .filter((j) => j !== i)
      .sort(
        (a, b) =>
          Math.hypot(layout[2 * a]! - layout[2 * i]!, layout[2 * a + 1]! - layout[2 * i + 1]!) -
          Math.hypot(layout[2 * b]! - layout[2 * i]!, layout[2 * b + 1]! - layout[2 * i + 1]!),
      )
      .slice(0, 10),
  );
  const quality = (assignment: Uint16Array): RegionQuality => {
    const share = (lists: number[][]) =>
      round(
        lists.reduce((sum, list, i) => sum + list.filter((j) => assignment[j] === assignment[i]).length / list.length, 0) / lists.length,
        3,
      );
    return { contiguity: share(onMapNeighbours), cohesion: share(inEmbedding) };
  };
  return { onMap: quality(clusterLayout(layout, k, 42).assignment), onVectors: quality(vectorKMeans(rows, k)) };
}

function readGraph(dir: string): { graph: hnswlib.HierarchicalNSW; inputs: MapInputs } {
  const manifest = readManifest(dir);
  const graph = new hnswlib.HierarchicalNSW('cosine', manifest.model.dimensions);
  graph.readIndexSync(join(dir, manifest.files.hnsw.name), true);
  const deletions = Deletions.of(manifest.ordinalLimit, []);
  return { graph, inputs: readMapInputs(dir, manifest.segments, deletions, manifest.model.dimensions) };
}

/** Wall-clock and CPU seconds of `work`: on shared cores the CPU time is what it would take alone. */
function timed(work: () => void): Seconds {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  work();
  const cpu = process.cpuUsage(cpuBefore);
  return { wall: round((performance.now() - started) / 1000, 1), cpu: round((cpu.user + cpu.system) / 1e6, 1) };
}

/**
 * umap-js's whole fit (its default epochs for the size) with its own neighbour search (NN-descent) and
 * with the graph's neighbours given: what the index's graph saves, and what umap-js costs against ours.
 */
function umapJsSeconds(inputs: MapInputs, graph: hnswlib.HierarchicalNSW): { own: Seconds; given: Seconds } {
  const rows: number[][] = Array.from({ length: inputs.vectors.count }, (_, i) => Array.from(inputs.vectors.row(i)));
  const fitWhole = (umap: UMAP) => {
    const epochs = umap.initializeFit(rows);
    for (let epoch = 0; epoch < epochs; epoch++) umap.step();
  };
  const own = timed(() => fitWhole(new UMAP({ nNeighbors: 15, random: seededRandom(1) })));
  const given = timed(() => {
    const umap = new UMAP({ nNeighbors: 15, random: seededRandom(1) });
    const { k, indices, distances } = graphNeighbours(graph, inputs, 15);
    const rowsOf = <T extends Int32Array | Float32Array>(flat: T) => rows.map((_, i) => Array.from(flat.subarray(i * k, (i + 1) * k)));
    umap.setPrecomputedKNN(rowsOf(indices), rowsOf(distances));
    fitWhole(umap);
  });
  return { own, given };
}

async function measurePoint(n: number, sentences: string[], real: Float32Array[], embedder: Embedder, progress: (line: string) => void) {
  progress(`N = ${n.toLocaleString('en')}: generating the library`);
  const papers = syntheticPapers(sentences, n, 'paper', n);
  const vectors = syntheticVectors(real, n);
  const dir = mkdtempSync(join(tmpdir(), `paper-search-map-${n}-`));
  try {
    progress('full build (graph, segments, map)');
    const buildStarted = performance.now();
    writeIndex(
      dir,
      { model: embedder.info, hnsw: DEFAULT_HNSW, corpusHash: `synthetic-${n}`, sources: ['synthetic'], papers, vectors },
      progress,
    );
    const buildSeconds = round((performance.now() - buildStarted) / 1000, 1);

    const { graph, inputs } = readGraph(dir);
    progress('the map alone, again');
    resetPeakRss();
    const mapStarted = performance.now();
    const cpuBefore = process.cpuUsage();
    const { map, timings } = layOutMap(inputs, graph);
    const mapSeconds = round((performance.now() - mapStarted) / 1000, 1);
    const cpu = process.cpuUsage(cpuBefore);
    const mapCpuSeconds = round((cpu.user + cpu.system) / 1e6, 1);
    const mapPeakRssMegabytes = round(peakRssMegabytes(), 0);

    progress(`neighbourhood preservation (${Math.min(SAMPLE, n)} papers, exact neighbours)`);
    const point: MapPoint = {
      n,
      buildSeconds,
      mapSeconds,
      mapCpuSeconds,
      loadAverage: round(loadavg()[0]!, 1),
      neighboursSeconds: round(timings.neighboursSeconds, 1),
      layoutSeconds: round(timings.layoutSeconds, 1),
      labelSeconds: round(timings.labelSeconds, 1),
      mapPeakRssMegabytes,
      regions: map.clusters.length,
      preservation: preservation(inputs, rowsLayout(inputs, map.x, map.y), SAMPLE),
    };
    if (n <= UMAP_JS_UP_TO) {
      progress("umap-js, with its own neighbour search and with the graph's");
      point.umapJs = umapJsSeconds(inputs, graph);
    }
    return point;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function report({ seed, points }: Results): string {
  const lines = [
    '# The map of the library at scale (`npm run bench:map`)',
    '',
    `Real seed library (${seed.n} papers): neighbourhood preservation (share of each paper's 10 nearest in 384-d among its 10 nearest on the map) **UMAP ${seed.umap}**, PCA ${seed.pca}.`,
    ...(seed.regions
      ? [
          '',
          `Its regions, k-means on the map (what the build does) against k-means on the vectors (same k): share of each paper's 10 nearest on the map in its region ${seed.regions.onMap.contiguity} against ${seed.regions.onVectors.contiguity}; of its 10 nearest in 384-d ${seed.regions.onMap.cohesion} against ${seed.regions.onVectors.cohesion}.`,
        ]
      : []),
    '',
    `Synthetic libraries as in \`bench:living\` (vectors scattered around the seed papers' real ones, text of real sentences). Map time is the layout alone, from a written generation (the full build includes it), wall-clock with its CPU time and the load average of the two shared cores; preservation over ${SAMPLE} sampled papers against their exact neighbours.`,
    '',
    '| papers | full build s | map s (CPU s, load) | graph neighbours s | UMAP s | regions + names s | peak RSS MB (map) | regions | preservation UMAP | preservation PCA | umap-js s: own neighbours / the graph’s |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const p of points)
    lines.push(
      `| ${p.n.toLocaleString('en')} | ${p.buildSeconds} | ${p.mapSeconds} (${p.mapCpuSeconds}, ${p.loadAverage}) | ${p.neighboursSeconds} | ${p.layoutSeconds} | ${p.labelSeconds} | ${p.mapPeakRssMegabytes.toLocaleString('en')} | ${p.regions} | ${p.preservation.umap} | ${p.preservation.pca} | ${p.umapJs ? `${p.umapJs.own.wall} (CPU ${p.umapJs.own.cpu}) / ${p.umapJs.given.wall} (CPU ${p.umapJs.given.cpu})` : 'not run'} |`,
    );
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { sizes: { type: 'string' }, 'update-report': { type: 'boolean' } } });
  // --sizes '' measures the seed library alone.
  const sizes = (values.sizes ?? '1000,10000,100000').split(',').filter(Boolean).map(Number);
  const progress = stderrProgress();
  const embedder = await Embedder.load({ modelsDir: resolve('models') });
  const folder = mkdtempSync(join(tmpdir(), 'paper-search-map-seeds-'));
  try {
    progress('building the seed index for real vectors and abstracts');
    await buildIndex({ inputs: [resolve('seeds')], outDir: folder, embedder });
    const seeds = await loadIndex(folder);
    const sentences = seeds
      .allPapers()
      .flatMap((paper) => splitSentences(paper.abstract))
      .filter((sentence) => sentence.length > 20);
    const real = Array.from(seeds.liveOrdinals(), (ordinal) => seeds.vectorOf(ordinal));
    const { inputs } = readGraph(folder);
    const seedLayout = rowsLayout(inputs, seeds.map.x, seeds.map.y);
    const seed = { n: seeds.size, ...preservation(inputs, seedLayout, seeds.size), regions: regionsCompared(inputs, seedLayout) };
    seeds.close();
    progress(JSON.stringify(seed));

    const points: MapPoint[] = [];
    for (const n of sizes) {
      points.push(await measurePoint(n, sentences, real, embedder, progress));
      progress(JSON.stringify(points.at(-1)));
    }
    const out = reportFolder(values['update-report'] ?? false);
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, 'map.json'), `${JSON.stringify({ seed, points }, null, 2)}\n`);
    writeFileSync(join(out, 'map.md'), report({ seed, points }));
    process.stderr.write(`written ${join(out, 'map.md')}, map.json\n`);
    process.stdout.write(report({ seed, points }));
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

await main();
