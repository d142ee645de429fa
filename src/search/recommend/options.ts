/**
 * The tunables of the recommenders. `DEFAULT_RECOMMEND` holds what `npm run eval -- --recommend` measured
 * (README, "Recommendations"): a regularization of 0.001-0.0003 gains ~0.005 nDCG@10 on the seed sets and
 * loses ~0.01 on MED, 0.01 the reverse, so 0.003; a words weight of 0.1 loses on every set, 0.35 gains 0.004 on dev and loses 0.01 on holdout and MED; 100
 * or 50 gradient steps rank alike, so 50; 300 random negatives left MED 0.711-0.713 by the draw, 600 and
 * 1,000 gave 0.714 (arxiv-sanity takes every paper), so 1,000 (the training's cost grows with them).
 */
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
  /** Gradient steps (full batch, accelerated); the loss is smooth and small, so a fixed number suffices. */
  iterations: number;
}

export const DEFAULT_RECOMMEND: RecommendOptions = {
  dislikeWeight: 0.5,
  neighbours: 100,
  classifier: { randomNegatives: 1000, regularization: 0.003, iterations: 50 },
  wordsWeight: 0.2,
};
