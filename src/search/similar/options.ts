/**
 * The tunables of similar-to-paper. `DEFAULT_SIMILAR` is the best point of `npm run eval -- --similar`'s
 * sweep on the dev half of `tests/eval/seed-similar.json` (README, "Similar papers"; the holdout half
 * was not tuned on), taken with the plain cosine: the paper's 50 most distinctive terms beat its whole
 * text as a BM25 query (30 and 70 lose), a lexical weight of 0.3 was best (0.4 and 0.5 within 0.005),
 * and the stored vector averaged with the title's ranked as well as the passages' mean vector (dev
 * 0.616 vs 0.611) for one short text embedded instead of about ten. Since papers are compared centred
 * (`SearchOptions.paperSimilarity`) the sweep puts 0.4 ahead on dev by 0.009, which the holdout half
 * does not bear out (0.744 against 0.759), so 0.3 stays.
 */
export interface SimilarOptions {
  /**
   * The paper as the dense side sees it: its one stored vector (title and abstract embedded whole, cut
   * at the model's token limit); that vector and its title's, averaged (one short text embedded at
   * request time); or the mean vector of its passages (its title and every window of `windowSentences`
   * sentences of its abstract, all embedded at request time, so nothing past the token limit is lost).
   */
  vector: 'stored' | 'title' | 'passages';
  windowSentences: number;
  /** The lexical side queries the paper's this many most distinctive terms (by tf·idf); 0 queries its whole text. */
  distinctiveTerms: number;
  /** Share of the lexical signal in the fused score; the dense signal has the rest. */
  lexicalWeight: number;
}

export const DEFAULT_SIMILAR: SimilarOptions = {
  vector: 'title',
  windowSentences: 2,
  distinctiveTerms: 50,
  lexicalWeight: 0.3,
};
