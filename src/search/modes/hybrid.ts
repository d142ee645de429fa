import type { Neighbour } from '../../index/index.js';
import { fuse, lexicalWeight, smooth, type Candidate } from '../fusion.js';
import {
  bestCoverage,
  denseNeighbours,
  lexicalHits,
  paperSimilarity,
  poolSize,
  type ModeContext,
  type Query,
  type Ranking,
} from './context.js';
import { expandedQueryVector, shouldExpand } from './expansion.js';

/**
 * Meaning and exact words together: the union of the dense and BM25 candidate pools, scored by a
 * weighted sum of z-scores with a lexical weight set by the query's length, then (for lookups and
 * questions) re-scored with an expanded query vector whose new neighbours join the pool; last, the best
 * candidates' scores are smoothed over their near neighbours among them (`smooth`).
 */
export async function rankHybrid(context: ModeContext, query: Query, k: number): Promise<Ranking> {
  const { index, options } = context;
  const pool = poolSize(options, k);
  const vector = await context.queryVector(query);
  const dense = denseNeighbours(context, vector, pool, query.self);
  const weight = lexicalWeight(query.termCount, options.fusion);

  const candidates = new Map<number, Candidate>();
  const addDense = (neighbours: Neighbour[]) => {
    for (const n of neighbours) if (!candidates.has(n.ordinal)) candidates.set(n.ordinal, { ordinal: n.ordinal, dense: 0, lexical: 0 });
  };
  addDense(dense);
  const lexical = lexicalHits(context, query, pool);
  for (const hit of lexical) {
    const candidate = candidates.get(hit.ordinal) ?? { ordinal: hit.ordinal, dense: 0, lexical: 0 };
    candidate.lexical = hit.score;
    candidates.set(hit.ordinal, candidate);
  }

  // Stored vectors are read once per query, however often the pool is re-scored.
  const vectors = new Map<number, Float32Array>();
  const vectorOf = (ordinal: number) => {
    let stored = vectors.get(ordinal);
    if (!stored) {
      stored = index.vectorOf(ordinal);
      vectors.set(ordinal, stored);
    }
    return stored;
  };
  // A pasted passage is compared with papers as a paper is (`paperSimilarity`); shorter queries by the plain cosine.
  const passage = query.termCount >= options.fusion.passageTerms && options.paperSimilarity === 'centered';
  const centroid = passage ? index.calibration?.centroid : undefined;
  const scoreWith = (queryVector: Float32Array) => {
    const similarity = paperSimilarity(queryVector, centroid);
    for (const candidate of candidates.values()) candidate.dense = similarity(vectorOf(candidate.ordinal));
    return fuse([...candidates.values()], weight);
  };

  let fused = scoreWith(vector);
  if (shouldExpand(options.feedback, query.termCount, options.fusion.passageTerms)) {
    const expanded = expandedQueryVector(vector, fused, vectorOf, options.feedback);
    addDense(denseNeighbours(context, expanded, pool, query.self));
    fused = scoreWith(expanded);
  }
  fused = smooth(fused, vectorOf, options.smoothing);
  return {
    hits: fused.slice(0, k).map((c) => ({ ordinal: c.ordinal, score: c.score })),
    evidence: { similarity: dense[0]?.similarity, nearest: dense[0]?.ordinal, coverage: bestCoverage(lexical) },
    lists: { lexical: lexical.map((hit) => hit.ordinal), dense: dense.map((n) => n.ordinal) },
  };
}
