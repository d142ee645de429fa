import type { Ranking } from '../modes/context.js';
import { marked, neighboursOutside, rankingOf, tasteVector, vectorReader, type Recommender } from './taste.js';

/** Rocchio: the nearest papers to the liked papers' mean vector, pushed away from the disliked ones'. */
export const recommendByCentroid: Recommender = async (context, taste, k): Promise<Ranking> => {
  const vectorOf = vectorReader(context);
  const query = tasteVector(taste, context.options.recommend.dislikeWeight, vectorOf);
  const neighbours = neighboursOutside(context, query, k, marked(taste));
  return rankingOf(
    neighbours.map((n) => ({ ordinal: n.ordinal, score: n.similarity })),
    k,
    taste,
    vectorOf,
  );
};
