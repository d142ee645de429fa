import { type Calibration, type CalibrationBand, calibrationBand } from '../index/index.js';
import { interpolateByLength, type FusionOptions } from './fusion.js';

export interface ConfidenceOptions {
  /**
   * How far above the probes' mean best similarity (in their standard deviations) the best paper
   * must come, per query length, in an index with a calibration (`src/index/calibration.ts`).
   * Fitted on every corpus by `npm run eval -- --confidence`, which reports each corpus with values
   * fitted on the others only (README, "Knowing when nothing matches").
   */
  probeDeviations: Record<CalibrationBand['name'], number>;
  /**
   * How many of those deviations the bar comes down when the best paper holds every one of the
   * query's terms, weighted by idf (in proportion when it holds some): a paper that is close in
   * meaning and also uses the query's rarest words is a match, where closeness alone on generic
   * words ("faster", "models") is what near-miss off-topic queries reach.
   */
  termDeviations: number;
  /** Without a calibration (an index built before them): the best cosine similarity a lookup or question needs. */
  questionSimilarity: number;
  /** The same for a pasted passage: long texts share more with anything, so the bar is higher. */
  passageSimilarity: number;
}

export const DEFAULT_CONFIDENCE: ConfidenceOptions = {
  probeDeviations: { lookup: 3.25, question: 5.55, passage: 7.25 },
  termDeviations: 3.5,
  questionSimilarity: 0.42,
  passageSimilarity: 0.57,
};

export interface Evidence {
  termCount: number;
  /** Best dense similarity, when dense retrieval ran. */
  similarity?: number;
  /** The ordinal of the paper with that similarity. */
  nearest?: number;
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
 * there), lower as the paper holds more of the query's term weight (`termShare`); else the fixed
 * bars, which rise with the query's length.
 */
export function similarityBar(
  termCount: number,
  calibration: Calibration | undefined,
  options: ConfidenceOptions,
  lengths: FusionOptions,
  termShare = 0,
): number {
  const band = calibration && calibrationBand(calibration, termCount);
  if (!band || band.probes.count === 0)
    return interpolateByLength(termCount, options.questionSimilarity, options.passageSimilarity, lengths);
  return placeBar(band, options.probeDeviations[band.name] - options.termDeviations * termShare);
}

/**
 * The share of the query's distinct terms, weighted by idf, that a paper's terms hold: 1 when it
 * has them all, near 0 when it has only the common ones. Terms no paper has count as rare.
 */
export function termShare(queryTerms: readonly string[], paperTerms: ReadonlySet<string>, idf: (term: string) => number): number {
  let held = 0;
  let total = 0;
  for (const term of new Set(queryTerms)) {
    const weight = idf(term);
    total += weight;
    if (paperTerms.has(term)) held += weight;
  }
  return total > 0 ? held / total : 0;
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
