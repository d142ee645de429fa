import hnswlib from 'hnswlib-node';
import type { HnswParams } from './manifest.js';

export interface Neighbour {
  /** Position of the paper in the index, 0 ≤ ordinal < the index's size. */
  ordinal: number;
  /** Cosine similarity in [-1, 1]. */
  similarity: number;
}

/** Builds the HNSW graph (cosine) over `vectors`, ordinal i for vector i, and writes it to `path`. */
export function writeHnsw(path: string, vectors: readonly Float32Array[], dimensions: number, params: HnswParams): void {
  const graph = new hnswlib.HierarchicalNSW('cosine', dimensions);
  graph.initIndex(Math.max(vectors.length, 1), params.m, params.efConstruction, 100);
  vectors.forEach((vector, ordinal) => {
    graph.addPoint(Array.from(vector), ordinal);
  });
  graph.writeIndexSync(path);
}

/** Approximate nearest neighbours by cosine similarity over a graph read from disk. */
export class DenseIndex {
  private constructor(
    private readonly graph: hnswlib.HierarchicalNSW,
    private readonly efSearch: number,
  ) {}

  static read(path: string, dimensions: number, efSearch: number): DenseIndex {
    const graph = new hnswlib.HierarchicalNSW('cosine', dimensions);
    graph.readIndexSync(path);
    return new DenseIndex(graph, efSearch);
  }

  get size(): number {
    return this.graph.getCurrentCount();
  }

  /**
   * The `k` nearest papers, best first, leaving out `exclude` (a query paper itself); with `allow`,
   * only papers it accepts (hnswlib's filtered traversal, which keeps walking past rejected ones).
   */
  nearest(vector: Float32Array, k: number, exclude?: number, allow?: (ordinal: number) => boolean): Neighbour[] {
    const count = Math.min(k + (exclude === undefined || allow ? 0 : 1), this.size);
    if (count === 0) return [];
    this.graph.setEf(Math.max(this.efSearch, count));
    const filter = allow ? (ordinal: number) => ordinal !== exclude && allow(ordinal) : undefined;
    const { neighbors, distances } = this.graph.searchKnn(Array.from(vector), count, filter);
    return neighbors
      .map((ordinal, i) => ({ ordinal, similarity: 1 - distances[i]! }))
      .filter((n) => n.ordinal !== exclude)
      .slice(0, k);
  }
}
