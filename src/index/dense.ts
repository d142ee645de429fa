import hnswlib from 'hnswlib-node';
import type { HnswParams } from './manifest.js';

export interface Neighbour {
  /** Position of the paper in the index, 0 ≤ ordinal < the index's ordinal limit. */
  ordinal: number;
  /** Cosine similarity in [-1, 1]. */
  similarity: number;
}

const RANDOM_SEED = 100;

/** Graphs up to this many papers are searched `efSearch` wide; larger ones wider (`searchWidth`). */
const WIDENING_FROM = 100_000;

/**
 * How wide a graph of `size` papers is searched: `efSearch` (the manifest's) up to 100,000 papers, then
 * wider by twice that per tenfold growth (384 at a million for the default 128). A larger graph needs a
 * wider search for the same recall: on clusters as dense as a million-paper library's (4,200 near copies
 * of each paper), recall@10 was 0.944 at 128, 0.982 at 256 and 0.991 at 384, for 1.6, 2.2 and 2.5 ms
 * (`npm run bench:living` measures the curve at each size).
 */
export function searchWidth(efSearch: number, size: number): number {
  if (size <= WIDENING_FROM) return efSearch;
  return Math.round(efSearch * (1 + 2 * Math.log10(size / WIDENING_FROM)));
}

/** Builds the HNSW graph (cosine) over `vectors`, label = ordinal, writes it to `path` and returns it (the map reads its neighbours). */
export function writeHnsw(
  path: string,
  vectors: ReadonlyArray<readonly [number, Float32Array]>,
  dimensions: number,
  params: HnswParams,
): hnswlib.HierarchicalNSW {
  const graph = new hnswlib.HierarchicalNSW('cosine', dimensions);
  // Deleted slots may be reused by later additions, so a library that churns keeps its graph's size.
  graph.initIndex(Math.max(vectors.length, 1), params.m, params.efConstruction, RANDOM_SEED, true);
  for (const [ordinal, vector] of vectors) graph.addPoint(Array.from(vector), ordinal);
  graph.writeIndexSync(path);
  return graph;
}

/**
 * Writes the graph of the next generation without rebuilding it: the previous graph is read, the
 * removed papers are marked deleted (their slots reused by additions) and the added ones inserted,
 * so the cost follows the change (plus reading and writing the file), not the library. Returns the
 * updated graph (the map places added papers with it).
 */
export function updateHnsw(
  previousPath: string,
  path: string,
  dimensions: number,
  change: { removed: readonly number[]; added: ReadonlyArray<readonly [number, Float32Array]> },
): hnswlib.HierarchicalNSW {
  const graph = new hnswlib.HierarchicalNSW('cosine', dimensions);
  graph.readIndexSync(previousPath, true);
  for (const ordinal of change.removed) graph.markDelete(ordinal);
  const needed = graph.getCurrentCount() + change.added.length;
  if (needed > graph.getMaxElements()) graph.resizeIndex(needed);
  for (const [ordinal, vector] of change.added) graph.addPoint(Array.from(vector), ordinal, true);
  graph.writeIndexSync(path);
  return graph;
}

/** Approximate nearest neighbours by cosine similarity over a graph read from disk, or just written. */
export class DenseIndex {
  constructor(
    private readonly graph: hnswlib.HierarchicalNSW,
    private readonly efSearch: number,
    /** Papers in the graph that are not deleted. */
    readonly size: number,
  ) {}

  static async read(path: string, dimensions: number, efSearch: number, liveCount: number): Promise<DenseIndex> {
    const graph = new hnswlib.HierarchicalNSW('cosine', dimensions);
    await graph.readIndex(path, true);
    return new DenseIndex(graph, efSearch, liveCount);
  }

  /** Elements the graph holds, deleted ones included. */
  get slots(): number {
    return this.graph.getCurrentCount();
  }

  /**
   * The `k` nearest papers, best first, leaving out `exclude` (a query paper itself); with `allow`,
   * only papers it accepts (hnswlib's filtered traversal, which keeps walking past rejected ones).
   */
  nearest(vector: Float32Array, k: number, exclude?: number, allow?: (ordinal: number) => boolean): Neighbour[] {
    const count = Math.min(k + (exclude === undefined || allow ? 0 : 1), this.size);
    if (count === 0) return [];
    this.graph.setEf(Math.max(searchWidth(this.efSearch, this.size), count));
    const filter = allow ? (ordinal: number) => ordinal !== exclude && allow(ordinal) : undefined;
    const { neighbors, distances } = this.graph.searchKnn(Array.from(vector), count, filter);
    return neighbors
      .map((ordinal, i) => ({ ordinal, similarity: 1 - distances[i]! }))
      .filter((n) => n.ordinal !== exclude)
      .slice(0, k);
  }
}
