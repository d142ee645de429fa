import { denseNeighbours, poolSize, type ModeContext, type Query, type Ranking } from './context.js';

/** Meaning only: the HNSW neighbours of the query's embedding. */
export async function rankDense(context: ModeContext, query: Query, k: number): Promise<Ranking> {
  const vector = await context.queryVector(query);
  const neighbours = denseNeighbours(context, vector, poolSize(context.options, k), query.self);
  return {
    hits: neighbours.slice(0, k).map((n) => ({ ordinal: n.ordinal, score: n.similarity })),
    evidence: { similarity: neighbours[0]?.similarity, nearest: neighbours[0]?.ordinal },
    lists: { dense: neighbours.map((n) => n.ordinal) },
  };
}
