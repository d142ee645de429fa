import { interpolateByLength, type FusionOptions } from './fusion.js';

export interface ConfidenceOptions {
  /** Best cosine similarity a lookup or question needs to count as covered by the corpus. */
  questionSimilarity: number;
  /** The same for a pasted passage: long texts share more with anything, so the bar is higher. */
  passageSimilarity: number;
}

/** Calibrated on the seed dev and holdout sets plus 33 off-topic queries (see README, "Knowing when nothing matches"). */
export const DEFAULT_CONFIDENCE: ConfidenceOptions = { questionSimilarity: 0.42, passageSimilarity: 0.57 };

export interface Evidence {
  termCount: number;
  /** Best dense similarity, when dense retrieval ran. */
  similarity?: number;
  /** Share of the query's distinct terms found together in the best lexical match, when lexical retrieval ran. */
  coverage?: number;
}

/**
 * High when the best paper is semantically close enough for a query of this length, or when one
 * paper contains every term of the query (an exact name or acronym that embeddings cannot place).
 */
export function isConfident(evidence: Evidence, options: ConfidenceOptions, lengths: FusionOptions): boolean {
  return (evidence.similarity ?? -1) >= similarityThreshold(evidence.termCount, options, lengths) || (evidence.coverage ?? 0) >= 1;
}

/** The cosine similarity a query of `termCount` analyzed terms needs from its best paper. */
export function similarityThreshold(termCount: number, options: ConfidenceOptions, lengths: FusionOptions): number {
  return interpolateByLength(termCount, options.questionSimilarity, options.passageSimilarity, lengths);
}
