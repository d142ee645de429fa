import type { RecommendMode } from '../../contract/values.js';
import { recommendByBestScore } from './best-score.js';
import { recommendByCentroid } from './centroid.js';
import { recommendByClassifier } from './classifier.js';
import { recommendByHybrid } from './hybrid.js';
import type { Recommender } from './taste.js';

/** One recommender per method of the contract; a new method is a sibling file plus a line here. */
export const RECOMMENDERS: Record<RecommendMode, Recommender> = {
  hybrid: recommendByHybrid,
  centroid: recommendByCentroid,
  'best-score': recommendByBestScore,
  classifier: recommendByClassifier,
};

export { DEFAULT_RECOMMEND, type RecommendOptions } from './options.js';
export type { Recommender, Taste } from './taste.js';
