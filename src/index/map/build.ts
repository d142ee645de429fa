import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type hnswlib from 'hnswlib-node';
import type { Paper } from '../../papers/index.js';
import type { Deletions } from '../deletions.js';
import { Postings } from '../lexical/postings.js';
import type { Segment } from '../manifest.js';
import { readTable } from '../segment.js';
import { clusterCount, clusterLayout, nearestCentroid } from './clusters.js';
import type { LibraryMap, MapCluster } from './file.js';
import { classTfIdf, clusterTermCounts, displayable, SurfaceForms, TERMS_IN_LABEL, TERMS_PER_CLUSTER } from './labels.js';
import { LAYOUT_SEED, normaliseLayout, pcaLayout, type Rows, UMAP_NEIGHBOURS, umapEpochs } from './layout.js';
import { type NeighbourLists, umapLayout } from './umap.js';
import { placeBeside } from './place.js';

/** Past this share of papers placed beside neighbours since the last full layout, the next build lays the map out afresh. */
export const RELAYOUT_SHARE = 0.3;
/** Placed neighbours a new paper (or a query) is put among. */
export const PLACEMENT_NEIGHBOURS = 10;
/** The graph's search breadth for the layout's neighbours: enough for 15 good ones, cheaper than a query's. */
const LAYOUT_EF = 32;

/** The live papers of a generation as the map needs them: ordinals, vectors, postings, and how title words are written. */
export interface MapInputs {
  ordinals: Uint32Array;
  ordinalLimit: number;
  vectors: Rows;
  postings: Postings[];
  surfaceForms: SurfaceForms;
}

/** Reads what the map needs from a generation's segment files (the ones just written). */
export function readMapInputs(dir: string, segments: readonly Segment[], deletions: Deletions, dimensions: number): MapInputs {
  const ordinals: number[] = [];
  const rows: Float32Array[] = [];
  const postings: Postings[] = [];
  const surfaceForms = new SurfaceForms();
  for (const segment of segments) {
    const table = readTable(dir, segment);
    const records = readFileSync(join(dir, segment.papers.name));
    const bytes = readFileSync(join(dir, segment.vectors.name));
    const vectors = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4).slice();
    for (let i = 0; i < segment.count; i++) {
      if (deletions.has(segment.base + i) || !table.hasPaper(i)) continue;
      ordinals.push(segment.base + i);
      rows.push(vectors.subarray(i * dimensions, (i + 1) * dimensions));
      surfaceForms.add(JSON.parse(records.toString('utf8', table.lineStarts[i]!, table.lineStarts[i + 1]! - 1)) as Paper);
    }
    postings.push(Postings.deserialize(readFileSync(join(dir, segment.lexical.name))));
  }
  return {
    ordinals: Uint32Array.from(ordinals),
    ordinalLimit: deletions.ordinalLimit,
    vectors: { count: rows.length, dimensions, row: (i) => rows[i]! },
    postings,
    surfaceForms,
  };
}

/** How long each step of a full layout took, for the build's note and the bench. */
export interface LayoutTimings {
  neighboursSeconds: number;
  layoutSeconds: number;
  labelSeconds: number;
}

/**
 * Lays the whole library out: the graph's neighbours of every paper, UMAP over them from the PCA
 * plane (PCA alone below UMAP's minimum size), normalised into [0, 1]², clustered into regions,
 * each named by its most distinctive words.
 */
export function layOutMap(inputs: MapInputs, graph: hnswlib.HierarchicalNSW): { map: LibraryMap; timings: LayoutTimings } {
  const started = performance.now();
  const n = inputs.ordinals.length;
  const start = pcaLayout(inputs.vectors);
  const useUmap = n > UMAP_NEIGHBOURS + 1;
  const neighbours = useUmap ? graphNeighbours(graph, inputs, UMAP_NEIGHBOURS) : undefined;
  const neighboursDone = performance.now();
  const layout = normaliseLayout(neighbours ? umapLayout(neighbours, start, LAYOUT_SEED, umapEpochs(n)) : start);
  const layoutDone = performance.now();

  const { assignment, centroids } = clusterLayout(layout, clusterCount(n), LAYOUT_SEED);
  const map: LibraryMap = {
    x: new Float32Array(inputs.ordinalLimit).fill(Number.NaN),
    y: new Float32Array(inputs.ordinalLimit).fill(Number.NaN),
    cluster: new Uint16Array(inputs.ordinalLimit),
    clusters: [],
    method: useUmap ? 'umap' : 'pca',
    laidOut: n,
    placed: 0,
  };
  inputs.ordinals.forEach((ordinal, i) => {
    map.x[ordinal] = layout[2 * i]!;
    map.y[ordinal] = layout[2 * i + 1]!;
    map.cluster[ordinal] = assignment[i]!;
  });
  map.clusters = nameClusters(inputs, centroids, (ordinal) => (Number.isNaN(map.x[ordinal]!) ? -1 : map.cluster[ordinal]!));
  return {
    map,
    timings: {
      neighboursSeconds: (neighboursDone - started) / 1000,
      layoutSeconds: (layoutDone - neighboursDone) / 1000,
      labelSeconds: (performance.now() - layoutDone) / 1000,
    },
  };
}

/**
 * Each point's `k` nearest live neighbours (itself first) from the index's graph, as row positions and
 * cosine distances ascending: the graph the index already has stands in for UMAP's own neighbour search.
 */
export function graphNeighbours(
  graph: hnswlib.HierarchicalNSW,
  inputs: Pick<MapInputs, 'ordinals' | 'vectors'>,
  k: number,
): NeighbourLists {
  const rowOf = new Map(Array.from(inputs.ordinals, (ordinal, i) => [ordinal, i]));
  graph.setEf(Math.max(LAYOUT_EF, k));
  const n = inputs.ordinals.length;
  const indices = new Int32Array(n * k).fill(-1);
  const distances = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    const found = graph.searchKnn(Array.from(inputs.vectors.row(i)), Math.min(k + 1, n));
    indices[i * k] = i;
    let filled = 1;
    found.neighbors.forEach((ordinal, j) => {
      const other = rowOf.get(ordinal);
      if (other === undefined || other === i || filled === k) return;
      indices[i * k + filled] = other;
      distances[i * k + filled++] = Math.max(0, found.distances[j]!);
    });
  }
  return { k, indices, distances };
}

/** The clusters' names (c-TF-IDF over the BM25 postings, in their written form) and label positions. */
function nameClusters(inputs: MapInputs, centroids: Float64Array, clusterOf: (ordinal: number) => number): MapCluster[] {
  const count = centroids.length / 2;
  const { terms, counts } = clusterTermCounts(inputs.postings, count, clusterOf);
  const best = classTfIdf(counts, TERMS_PER_CLUSTER, (t) => displayable(terms[t]!) && inputs.surfaceForms.has(terms[t]!));
  return best.map((numbers, c) => {
    const words = numbers.map((t) => inputs.surfaceForms.of(terms[t]!));
    return { label: words.slice(0, TERMS_IN_LABEL).join(' · '), terms: words, x: centroids[2 * c]!, y: centroids[2 * c + 1]! };
  });
}

/**
 * The previous map with removed papers taken off and added ones placed beside their nearest already
 * placed neighbours in the (updated) graph; nothing already placed moves. Clusters keep their names;
 * an added paper joins the region whose centroid is nearest to where it lands.
 */
export function extendMap(
  previous: LibraryMap,
  ordinalLimit: number,
  removed: readonly number[],
  added: ReadonlyArray<readonly [number, Float32Array]>,
  graph: hnswlib.HierarchicalNSW,
): LibraryMap {
  const grow = <T extends Float32Array | Uint16Array>(array: T, make: (length: number) => T): T => {
    const next = make(ordinalLimit);
    next.set(array);
    return next;
  };
  const map: LibraryMap = {
    ...previous,
    x: grow(previous.x, (length) => new Float32Array(length).fill(Number.NaN)),
    y: grow(previous.y, (length) => new Float32Array(length).fill(Number.NaN)),
    cluster: grow(previous.cluster, (length) => new Uint16Array(length)),
    placed: previous.placed + added.length,
  };
  for (const ordinal of removed) {
    map.x[ordinal] = Number.NaN;
    map.y[ordinal] = Number.NaN;
  }
  const isPlaced = (ordinal: number) => ordinal < map.x.length && !Number.isNaN(map.x[ordinal]!) && ordinal < previous.x.length;
  const centroids = Float64Array.from(map.clusters.flatMap((cluster) => [cluster.x, cluster.y]));
  // Placed against the previous papers only, so the order additions come in does not matter.
  for (const [ordinal, vector] of added) {
    const position = placeAmong(map, graph, vector, isPlaced);
    map.x[ordinal] = position.x;
    map.y[ordinal] = position.y;
    map.cluster[ordinal] = nearestCentroid(centroids, position.x, position.y);
  }
  return map;
}

/** Where `vector` lands on `map`: beside its nearest neighbours in the graph among those `placed` accepts. */
export function placeAmong(
  map: Pick<LibraryMap, 'x' | 'y'>,
  graph: Pick<hnswlib.HierarchicalNSW, 'searchKnn' | 'getCurrentCount'>,
  vector: Float32Array,
  placed: (ordinal: number) => boolean,
): { x: number; y: number } {
  const k = Math.min(PLACEMENT_NEIGHBOURS, graph.getCurrentCount());
  if (k === 0) return placeBeside([]);
  const found = graph.searchKnn(Array.from(vector), k, placed);
  return placeBeside(found.neighbors.map((ordinal, i) => ({ x: map.x[ordinal]!, y: map.y[ordinal]!, distance: found.distances[i]! })));
}
