/**
 * Highlighting is display only, and the API decides what matched: each result lists `matched_words`, the
 * words of its title and abstract (as written there) whose analyzed terms matched the query. The page
 * marks whole-word, case-insensitive occurrences of exactly those words.
 */

/** A letter, combining mark or digit: what may not touch a highlighted word on either side. */
const WORD_CHARACTER = '[\\p{L}\\p{M}\\p{N}]';

export type Highlighter = (text: string) => DocumentFragment;

export function highlighter(words: readonly string[]): Highlighter {
  const pattern = wordPattern(words);
  return (text) => {
    const fragment = document.createDocumentFragment();
    let done = 0;
    if (pattern) {
      for (const match of text.matchAll(pattern)) {
        if (match.index > done) fragment.append(text.slice(done, match.index));
        const mark = document.createElement('mark');
        mark.textContent = match[0];
        fragment.append(mark);
        done = match.index + match[0].length;
      }
    }
    if (done < text.length) fragment.append(text.slice(done));
    return fragment;
  };
}

function wordPattern(words: readonly string[]): RegExp | null {
  const distinct = [...new Set(words.map((word) => word.trim()).filter((word) => word !== ''))];
  if (distinct.length === 0) return null;
  // Longest first, so a word that starts with another one is marked whole.
  const alternatives = distinct.sort((a, b) => b.length - a.length).map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`(?<!${WORD_CHARACTER})(?:${alternatives.join('|')})(?!${WORD_CHARACTER})`, 'giu');
}
