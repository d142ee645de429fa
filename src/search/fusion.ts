export interface Candidate {
  ordinal: number;
  /** Cosine similarity between query and paper. */
  dense: number;
  /** BM25 score, 0 when the paper has none of the query's terms. */
  lexical: number;
}

export interface FusionOptions {
  /** Weight of the lexical signal for a one-to-three-term query (names, acronyms, keywords). */
  shortQueryLexicalWeight: number;
  /** Weight of the lexical signal for a passage-length query (a pasted abstract). */
  longQueryLexicalWeight: number;
  /** Query length (analyzed terms) from which a query counts as a passage. */
  longQueryTerms: number;
}

export const DEFAULT_FUSION: FusionOptions = {
  shortQueryLexicalWeight: 0.35,
  longQueryLexicalWeight: 0.1,
  longQueryTerms: 40,
};

/**
 * The lexical share of the mix for a query of `termCount` analyzed terms: a short query is likely a
 * name or acronym that embeddings blur, a pasted abstract is best judged by meaning. Interpolated
 * on a log scale between the two.
 */
export function lexicalWeight(termCount: number, options: FusionOptions): number {
  if (termCount <= 3) return options.shortQueryLexicalWeight;
  if (termCount >= options.longQueryTerms) return options.longQueryLexicalWeight;
  const t = Math.log(termCount / 3) / Math.log(options.longQueryTerms / 3);
  return options.shortQueryLexicalWeight + t * (options.longQueryLexicalWeight - options.shortQueryLexicalWeight);
}

/**
 * Weighted sum of z-scores over the candidate pool: each signal counts by how far a paper stands out
 * from the other candidates. A rare name matched by one abstract stands far out lexically while
 * flat dense scores add little; for a question, dense similarities spread and lead. Unlike rank
 * fusion, the size of a lead survives.
 */
export function fuse(candidates: readonly Candidate[], weight: number): Array<Candidate & { score: number }> {
  const dense = standardizer(candidates.map((c) => c.dense));
  const lexical = standardizer(candidates.map((c) => c.lexical));
  return candidates
    .map((c) => ({ ...c, score: (1 - weight) * dense(c.dense) + weight * lexical(c.lexical) }))
    .sort((a, b) => b.score - a.score);
}

function standardizer(values: number[]): (value: number) => number {
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const deviation = Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length);
  return (value) => (deviation > 0 ? (value - mean) / deviation : 0);
}
