import type { Neighbour } from '../../index/index.js';
import { normalize } from '../../model/index.js';
import { denseNeighbours, dot, type ModeContext, type Ranking } from '../modes/context.js';

/** What a researcher marked, as ordinals of the index: at least one liked paper, any number of disliked ones. */
export interface Taste {
  liked: readonly number[];
  disliked: readonly number[];
}

/** Ranks the papers of the index for a taste, best first, at most k, never one of the taste's own papers. */
export type Recommender = (context: ModeContext, taste: Taste, k: number) => Promise<Ranking>;

/** The taste's papers: never recommended back. */
export function marked(taste: Taste): Set<number> {
  return new Set([...taste.liked, ...taste.disliked]);
}

/** The `k` papers nearest to `vector` within the filter, leaving out the taste's own papers. */
export function neighboursOutside(context: ModeContext, vector: Float32Array, k: number, excluded: ReadonlySet<number>): Neighbour[] {
  return denseNeighbours(context, vector, k + excluded.size, undefined)
    .filter((n) => !excluded.has(n.ordinal))
    .slice(0, k);
}

/** Stored vectors read once per request, however often a paper is scored. */
export function vectorReader(context: ModeContext): (ordinal: number) => Float32Array {
  const read = new Map<number, Float32Array>();
  return (ordinal) => {
    let vector = read.get(ordinal);
    if (!vector) {
      vector = context.index.vectorOf(ordinal);
      read.set(ordinal, vector);
    }
    return vector;
  };
}

/**
 * Rocchio's query: the mean of the liked papers' unit vectors minus `dislikeWeight` times the mean of
 * the disliked ones, as a unit vector.
 */
export function tasteVector(taste: Taste, dislikeWeight: number, vectorOf: (ordinal: number) => Float32Array): Float32Array {
  const query = new Float32Array(vectorOf(taste.liked[0]!).length);
  const add = (ordinals: readonly number[], weight: number) => {
    for (const ordinal of ordinals) {
      const vector = vectorOf(ordinal);
      for (let d = 0; d < query.length; d++) query[d]! += (weight / ordinals.length) * vector[d]!;
    }
  };
  add(taste.liked, 1);
  add(taste.disliked, -dislikeWeight);
  return normalize(query);
}

/** The highest similarity of `vector` to any of `ordinals`' vectors (-Infinity for none). */
export function bestSimilarity(vector: Float32Array, ordinals: readonly number[], vectorOf: (ordinal: number) => Float32Array): number {
  let best = Number.NEGATIVE_INFINITY;
  for (const ordinal of ordinals) best = Math.max(best, dot(vector, vectorOf(ordinal)));
  return best;
}

/** Candidates best first, at most k, with the evidence the confidence rule reads: how close the best one is to a liked paper. */
export function rankingOf(
  scored: Iterable<{ ordinal: number; score: number }>,
  k: number,
  taste: Taste,
  vectorOf: (ordinal: number) => Float32Array,
): Ranking {
  const hits = [...scored].sort((a, b) => b.score - a.score || a.ordinal - b.ordinal).slice(0, k);
  const top = hits[0];
  return { hits, evidence: { similarity: top && bestSimilarity(vectorOf(top.ordinal), taste.liked, vectorOf) } };
}

/** The union of each liked paper's nearest neighbours within the filter, none of the taste's own papers. */
export function neighbourhood(context: ModeContext, taste: Taste, vectorOf: (ordinal: number) => Float32Array): Set<number> {
  const excluded = marked(taste);
  const candidates = new Set<number>();
  for (const ordinal of taste.liked) {
    for (const n of neighboursOutside(context, vectorOf(ordinal), context.options.recommend.neighbours, excluded))
      candidates.add(n.ordinal);
  }
  return candidates;
}
