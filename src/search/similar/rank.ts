import { fuse, type Candidate } from '../fusion.js';
import { bestCoverage, denseNeighbours, lexicalHits, paperSimilarity, poolSize, type ModeContext, type Ranking } from '../modes/context.js';

/** A paper of the index as a query for its neighbours. */
export interface PaperQuery {
  ordinal: number;
  /** Its unit vector for the dense side (see `SimilarOptions.vector`). */
  vector: Float32Array;
  /** Its words for the lexical side (see `SimilarOptions.distinctiveTerms`). */
  text: string;
  termCount: number;
}

/**
 * Papers similar to one of the index, never itself: the union of the dense neighbours of its vector
 * and the BM25 hits of its words, scored by a weighted sum of z-scores (`fuse`) with the lexical
 * weight of `options.similar`; the dense side compares papers as `options.paperSimilarity` says.
 */
export function rankSimilarPaper(context: ModeContext, paper: PaperQuery, k: number): Ranking {
  const { index, options } = context;
  const pool = poolSize(options, k);
  const candidates = new Map<number, Candidate>();
  const dense = denseNeighbours(context, paper.vector, pool, paper.ordinal);
  for (const n of dense) candidates.set(n.ordinal, { ordinal: n.ordinal, dense: 0, lexical: 0 });
  const lexical = lexicalHits(context, { text: paper.text, termCount: paper.termCount, self: paper.ordinal }, pool);
  for (const hit of lexical) {
    const candidate = candidates.get(hit.ordinal) ?? { ordinal: hit.ordinal, dense: 0, lexical: 0 };
    candidate.lexical = hit.score;
    candidates.set(hit.ordinal, candidate);
  }
  const similarity = paperSimilarity(paper.vector, options.paperSimilarity === 'centered' ? index.calibration?.centroid : undefined);
  for (const candidate of candidates.values()) candidate.dense = similarity(index.vectorOf(candidate.ordinal));
  const fused = fuse([...candidates.values()], options.similar.lexicalWeight);
  return {
    hits: fused.slice(0, k).map((c) => ({ ordinal: c.ordinal, score: c.score })),
    evidence: { similarity: dense[0]?.similarity, coverage: bestCoverage(lexical) },
    lists: { lexical: lexical.map((hit) => hit.ordinal), dense: dense.map((n) => n.ordinal) },
  };
}
