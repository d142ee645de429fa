import { dot } from './modes/context.js';

export interface Candidate {
  ordinal: number;
  /** Cosine similarity between query and paper. */
  dense: number;
  /** BM25 score, 0 when the paper has none of the query's terms. */
  lexical: number;
}

/** How much the lexical signal counts, by kind of query (recognised by its length in analyzed terms). */
export interface FusionOptions {
  /** Up to this many terms a query is a lookup: a name, an acronym, a few keywords. */
  keywordTerms: number;
  keywordLexicalWeight: number;
  /** A question in a researcher's own words. */
  questionLexicalWeight: number;
  /** From this many terms a query is a passage (a pasted abstract). */
  passageTerms: number;
  passageLexicalWeight: number;
}

export const DEFAULT_FUSION: FusionOptions = {
  keywordTerms: 3,
  keywordLexicalWeight: 0.6,
  questionLexicalWeight: 0.25,
  passageTerms: 40,
  passageLexicalWeight: 0.2,
};

/**
 * The lexical share of the mix for a query of `termCount` analyzed terms: a lookup is likely a name
 * or acronym that embeddings blur; a pasted abstract is best judged by meaning.
 */
export function lexicalWeight(termCount: number, options: FusionOptions): number {
  if (termCount <= options.keywordTerms) return options.keywordLexicalWeight;
  return interpolateByLength(termCount, options.questionLexicalWeight, options.passageLexicalWeight, options);
}

/** A question-length value up to a passage-length value, interpolated on a log scale of the query's term count. */
export function interpolateByLength(termCount: number, questionValue: number, passageValue: number, lengths: FusionOptions): number {
  const shortest = lengths.keywordTerms + 1;
  if (termCount <= shortest) return questionValue;
  if (termCount >= lengths.passageTerms) return passageValue;
  const t = Math.log(termCount / shortest) / Math.log(lengths.passageTerms / shortest);
  return questionValue + t * (passageValue - questionValue);
}

/**
 * Weighted sum of z-scores over the candidate pool: each signal counts by how far a paper stands out
 * from the other candidates. A rare name matched by one abstract stands far out lexically while
 * flat dense scores add little; for a question, dense similarities spread and lead. Unlike rank
 * fusion, the size of a lead survives.
 */
export type FusedCandidate = Candidate & { score: number };

export function fuse(candidates: readonly Candidate[], weight: number): FusedCandidate[] {
  const dense = standardizer(candidates.map((c) => c.dense));
  const lexical = standardizer(candidates.map((c) => c.lexical));
  return candidates
    .map((c) => ({ ...c, score: (1 - weight) * dense(c.dense) + weight * lexical(c.lexical) }))
    .sort((a, b) => b.score - a.score);
}

/** Score regularization over the best fused candidates (see `smooth`). */
export interface SmoothingOptions {
  /** How many of the best candidates lend and take score. */
  papers: number;
  /** Share of the neighbours' weighted mean score a candidate gains. */
  weight: number;
  /** Neighbours are weighted by their cosine to the candidate raised to this power: near ones count, far ones hardly. */
  power: number;
}

export const DEFAULT_SMOOTHING: SmoothingOptions = { papers: 30, weight: 0.5, power: 8 };

/**
 * Score regularization (Diaz 2005): each of the `papers` best candidates gains `weight` times the mean
 * fused score of the others among them, each weighted by (cosine to it)^`power`, so mostly the scores of
 * its nearest neighbours there; all are then sorted again. A paper whose nearest neighbours also scored
 * well rises; one that scored high while its nearest neighbours did not (a stray word match, a vector
 * that happens to point the query's way) falls behind them. `vectorOf` gives stored unit vectors.
 */
export function smooth(
  fused: readonly FusedCandidate[],
  vectorOf: (ordinal: number) => Float32Array,
  options: SmoothingOptions,
): FusedCandidate[] {
  const top = fused.slice(0, options.papers);
  if (options.weight === 0 || top.length < 2) return [...fused];
  const vectors = top.map((candidate) => vectorOf(candidate.ordinal));
  const weights = new Float64Array(top.length * top.length);
  for (let i = 0; i < top.length; i++) {
    const a = vectors[i]!;
    for (let j = i + 1; j < top.length; j++) {
      weights[i * top.length + j] = weights[j * top.length + i] = Math.max(0, dot(a, vectors[j]!)) ** options.power;
    }
  }
  const smoothed = top.map((candidate, i) => {
    let total = 0;
    let weightSum = 0;
    for (let j = 0; j < top.length; j++) {
      total += weights[i * top.length + j]! * top[j]!.score;
      weightSum += weights[i * top.length + j]!;
    }
    return { ...candidate, score: candidate.score + (weightSum > 0 ? (options.weight * total) / weightSum : 0) };
  });
  return [...smoothed, ...fused.slice(options.papers)].sort((a, b) => b.score - a.score);
}

function standardizer(values: number[]): (value: number) => number {
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const deviation = Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length);
  return (value) => (deviation > 0 ? (value - mean) / deviation : 0);
}
