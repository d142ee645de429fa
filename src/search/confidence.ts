import { type Calibration, type CalibrationBand, calibrationBand } from '../index/index.js';
import { interpolateByLength, type FusionOptions } from './fusion.js';

export interface ConfidenceOptions {
  /**
   * How far above the probes' mean best similarity (in their standard deviations) the best paper
   * must come, per query length, in an index with a calibration (`src/index/calibration.ts`).
   * Fitted by `npm run eval -- --confidence`, one corpus held out at a time (README, "Knowing when nothing matches").
   */
  probeDeviations: Record<CalibrationBand['name'], number>;
  /** Without a calibration (an index built before them): the best cosine similarity a lookup or question needs. */
  questionSimilarity: number;
  /** The same for a pasted passage: long texts share more with anything, so the bar is higher. */
  passageSimilarity: number;
}

export const DEFAULT_CONFIDENCE: ConfidenceOptions = {
  probeDeviations: { lookup: 3.5, question: 5, passage: 6.5 },
  questionSimilarity: 0.42,
  passageSimilarity: 0.57,
};

export interface Evidence {
  termCount: number;
  /** Best dense similarity, when dense retrieval ran. */
  similarity?: number;
  /** Share of the query's distinct terms found together in the best lexical match, when lexical retrieval ran. */
  coverage?: number;
}

/**
 * High when the best paper is as close as `bar` asks (see `similarityBar`), or when one paper
 * contains every term of the query (an exact name or acronym that embeddings cannot place).
 */
export function isConfident(evidence: Evidence, bar: number): boolean {
  return (evidence.similarity ?? -1) >= bar || (evidence.coverage ?? 0) >= 1;
}

/**
 * The cosine similarity a query of `termCount` analyzed terms needs from its best paper: placed from
 * the index's calibration when it has one (what off-topic probes and the library's own text reach
 * there), else the fixed bars, which rise with the query's length.
 */
export function similarityBar(
  termCount: number,
  calibration: Calibration | undefined,
  options: ConfidenceOptions,
  lengths: FusionOptions,
): number {
  const band = calibration && calibrationBand(calibration, termCount);
  if (!band || band.probes.count === 0)
    return interpolateByLength(termCount, options.questionSimilarity, options.passageSimilarity, lengths);
  return placeBar(band, options.probeDeviations[band.name]);
}

/**
 * The bar between the two distributions of a band: `deviations` standard deviations above what the
 * probes (text the library does not cover) reach, but never above the median of what the library's
 * own titles and sentences reach, so the bar stays within reach in a library where everything is alike.
 */
export function placeBar(band: Pick<CalibrationBand, 'probes' | 'library'>, deviations: number): number {
  const aboveProbes = band.probes.mean + deviations * band.probes.deviation;
  return band.library.count > 0 ? Math.min(aboveProbes, band.library.median) : aboveProbes;
}
