import { splitSentences } from '../papers/index.js';
import { analyze } from './analyzer.js';

const TARGET_CHARS = 320;

/**
 * The passage of an abstract that best matches the query: the sentence whose terms carry the most
 * query weight (idf-weighted), extended by its neighbour when short. Without any overlap (a purely
 * semantic match) the abstract's opening is the best summary.
 */
export function bestSnippet(abstract: string, queryTerms: ReadonlySet<string>, idf: (term: string) => number): string {
  const sentences = splitSentences(abstract);
  if (sentences.length === 0) return '';
  let best = -1;
  let bestScore = 0;
  sentences.forEach((sentence, i) => {
    const score = [...new Set(analyze(sentence))].reduce((sum, term) => sum + (queryTerms.has(term) ? idf(term) : 0), 0);
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  });
  const start = Math.max(best, 0);
  let snippet = sentences[start]!;
  if (snippet.length < TARGET_CHARS / 2 && sentences[start + 1]) snippet += ` ${sentences[start + 1]}`;
  return snippet.length > TARGET_CHARS ? `${snippet.slice(0, TARGET_CHARS).replace(/\s+\S*$/, '')} …` : snippet;
}
