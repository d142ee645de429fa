import type { Paper } from '../../papers/index.js';
import { analyzeTerm, splitSentences, tokenize } from '../../text/index.js';

/**
 * A paper cut into what the model embeds well: its title, then every window of `windowSentences`
 * consecutive sentences of its abstract (the whole abstract when it is that short). Each passage is
 * well under the model's token limit, so no part of a long abstract is cut off, and the sentences a
 * paper's windows share count for more than its first or last.
 */
export function paperPassages(paper: Pick<Paper, 'title' | 'abstract'>, windowSentences: number): string[] {
  const sentences = splitSentences(paper.abstract);
  const passages = [paper.title];
  if (sentences.length <= windowSentences) {
    if (paper.abstract.trim()) passages.push(paper.abstract.trim());
    return passages;
  }
  for (let start = 0; start + windowSentences <= sentences.length; start++)
    passages.push(sentences.slice(start, start + windowSentences).join(' '));
  return passages;
}

/**
 * The `count` terms of `text` that say most about it (occurrences × idf) as a BM25 query: each term
 * written as it first appears in the text, once per occurrence, so the query weighs it as the whole
 * text would. Generic words that a whole-text query would also match ("learning", "propose") drop out.
 */
export function distinctiveTermsQuery(text: string, idf: (term: string) => number, count: number): string {
  const occurrences = new Map<string, { word: string; times: number }>();
  for (const word of tokenize(text)) {
    const term = analyzeTerm(word);
    if (term === null) continue;
    const seen = occurrences.get(term);
    if (seen) seen.times++;
    else occurrences.set(term, { word, times: 1 });
  }
  // Ties keep the text's order (the sort is stable), so a query is the same on every run.
  return [...occurrences]
    .map(([term, { word, times }]) => ({ word, times, weight: times * idf(term) }))
    .sort((a, b) => b.weight - a.weight)
    .slice(0, count)
    .map(({ word, times }) => Array.from({ length: times }, () => word).join(' '))
    .join(' ');
}
