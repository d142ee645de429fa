/**
 * The tunables of similar-to-paper. `DEFAULT_SIMILAR` holds what `npm run eval -- --similar` measured on
 * the dev half of `tests/eval/seed-similar.json` (README, "Similar papers"): the passages' mean vector
 * gains over the stored one, the 50 most distinctive terms gain over the whole text as a BM25 query
 * (30 and 70 lose), and a lexical weight of 0.3 is the best of 0.1–0.5; the holdout half was not tuned on.
 */
export interface SimilarOptions {
  /**
   * The paper as the dense side sees it: the mean of its passages' vectors (its title, and windows of
   * `windowSentences` sentences of its abstract, embedded at request time), or its one stored vector
   * (title and abstract embedded whole, cut at the model's token limit).
   */
  vector: 'passages' | 'stored';
  windowSentences: number;
  /** The lexical side queries the paper's this many most distinctive terms (by tf·idf); 0 queries its whole text. */
  distinctiveTerms: number;
  /** Share of the lexical signal in the fused score; the dense signal has the rest. */
  lexicalWeight: number;
}

export const DEFAULT_SIMILAR: SimilarOptions = {
  vector: 'passages',
  windowSentences: 2,
  distinctiveTerms: 50,
  lexicalWeight: 0.4,
};
