import { analyze } from '../../text/index.js';

/** Adjacent pairs of a query's analyzed terms ("reward signal", "inference time"), each once. */
export function queryPairs(text: string): string[] {
  const terms = analyze(text);
  return [...new Set(terms.slice(1).map((term, i) => `${terms[i]} ${term}`))];
}

/**
 * Proximity evidence: the rarity (idf) of the query's adjacent term pairs that a paper's title and
 * abstract also use side by side, stop words aside. A question's topic is often a multi-word term
 * that BM25 scores word by word.
 */
export function pairEvidence(pairs: readonly string[], paperText: string, idf: (term: string) => number): number {
  if (pairs.length === 0) return 0;
  const terms = analyze(paperText);
  const adjacent = new Set(terms.slice(1).map((term, i) => `${terms[i]} ${term}`));
  let evidence = 0;
  for (const pair of pairs) {
    if (!adjacent.has(pair)) continue;
    const [first, second] = pair.split(' ') as [string, string];
    evidence += idf(first) + idf(second);
  }
  return evidence;
}
