import type { Paper } from '../../papers/index.js';
import { analyze } from '../../text/index.js';

export interface TermFeedbackOptions {
  /** Terms of the top papers added to the BM25 query (0: no lexical expansion) ... */
  terms: number;
  /** ... sharing this part of the query's weight with its own terms. */
  termWeight: number;
}

/**
 * Lexical query expansion (RM3): the query's own terms mixed with the terms most typical of the
 * papers a first fusion ranked highest (their relevance model, weighted by rarity for the choice),
 * so BM25 also finds the papers that say the same thing in the abstracts' words. The dense side's
 * expansion (`expansion.ts`) does the same for the query vector.
 */
export function feedbackTerms(
  text: string,
  top: readonly Paper[],
  idf: (term: string) => number,
  options: TermFeedbackOptions,
): Map<string, number> {
  const own = termShares(analyze(text));
  const model = new Map<string, number>();
  for (const paper of top) {
    for (const [term, share] of termShares(analyze(`${paper.title}\n${paper.abstract}`)))
      model.set(term, (model.get(term) ?? 0) + share / top.length);
  }
  const chosen = [...model.entries()]
    .filter(([term]) => !own.has(term))
    .map(([term, share]) => ({ term, share, rank: share * idf(term) }))
    .sort((a, b) => b.rank - a.rank)
    .slice(0, options.terms);
  const chosenTotal = chosen.reduce((sum, c) => sum + c.share, 0);
  const weights = new Map<string, number>();
  for (const [term, share] of own) weights.set(term, (1 - options.termWeight) * share);
  for (const { term, share } of chosen) weights.set(term, (options.termWeight * share) / chosenTotal);
  return weights;
}

/** Each distinct term's share of a list of terms. */
function termShares(terms: readonly string[]): Map<string, number> {
  const shares = new Map<string, number>();
  for (const term of terms) shares.set(term, (shares.get(term) ?? 0) + 1 / terms.length);
  return shares;
}
