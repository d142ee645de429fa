import { bestSimilarity, neighbourhood, rankingOf, vectorReader, type Recommender } from './taste.js';

/**
 * Qdrant's "best score": each candidate counts by its best similarity to any liked paper, so a taste
 * with several topics finds each of them (a mean vector would fall between them). A candidate closer
 * to a disliked paper than to every liked one sinks below all others, by the square of that similarity.
 * Candidates are the union of each liked paper's neighbours.
 */
export const recommendByBestScore: Recommender = async (context, taste, k) => {
  const vectorOf = vectorReader(context);
  const scored = [...neighbourhood(context, taste, vectorOf)].map((ordinal) => {
    const vector = vectorOf(ordinal);
    const liked = bestSimilarity(vector, taste.liked, vectorOf);
    const disliked = bestSimilarity(vector, taste.disliked, vectorOf);
    return { ordinal, score: liked >= disliked ? liked : -(disliked * disliked) };
  });
  return rankingOf(scored, k, taste, vectorOf);
};
