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

function standardizer(values: number[]): (value: number) => number {
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const deviation = Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length);
  return (value) => (deviation > 0 ? (value - mean) / deviation : 0);
}
