/** The tunables of the recommenders; `DEFAULT_RECOMMEND` holds the values `npm run eval -- --recommend` measured best. */
export interface RecommendOptions {
  /** Rocchio's β: how much of the disliked papers' mean vector the centroid loses. */
  dislikeWeight: number;
  /** Candidates taken around each liked paper (and the centroid) before scoring. */
  neighbours: number;
  classifier: ClassifierOptions;
  /** Share of the liked papers' words (BM25) in the hybrid method's mix; the classifier has the rest. */
  wordsWeight: number;
}

export interface ClassifierOptions {
  /** Papers drawn at random as negatives besides the disliked ones: "the rest of the library". */
  randomNegatives: number;
  /** L2 penalty on the weights; large keeps the model near the mean of the liked papers. */
  regularization: number;
  /** Gradient steps (full batch); the loss is smooth and small, so a fixed number suffices. */
  iterations: number;
}

export const DEFAULT_RECOMMEND: RecommendOptions = {
  dislikeWeight: 0.5,
  neighbours: 100,
  classifier: { randomNegatives: 300, regularization: 0.003, iterations: 100 },
  wordsWeight: 0.2,
};
