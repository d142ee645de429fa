import { stemmer } from 'stemmer';
import { eng } from 'stopword';

const STOP_WORDS = new Set(eng);
// \s has tabs and form feeds (control characters, not \p{Z}); NEL (U+0085) is in neither.
const SEPARATOR_CHARACTERS = '\\s\\u0085\\p{Z}\\p{P}\\p{S}';
const TOKEN_SEPARATOR = new RegExp(`[${SEPARATOR_CHARACTERS}]+`, 'u');
/** A token: a maximal run of what separates none (the pieces `tokenize` splits out, found where they stand). */
const TOKEN = new RegExp(`[^${SEPARATOR_CHARACTERS}]+`, 'gu');

/**
 * Stems of tokens seen so far. A corpus has a vocabulary of tens of thousands of words but millions of
 * tokens, and stemming dominates indexing time; the cache is bounded so hostile input cannot grow it.
 */
const stems = new Map<string, string>();
const MAX_CACHED_STEMS = 200_000;

/** One token → its index term: lower-cased and Porter-stemmed, or null for a stop word. */
export function analyzeTerm(token: string): string | null {
  const lower = token.toLowerCase();
  if (lower.length === 0 || STOP_WORDS.has(lower)) return null;
  let stem = stems.get(lower);
  if (stem === undefined) {
    stem = stemmer(lower);
    if (stems.size < MAX_CACHED_STEMS) stems.set(lower, stem);
  }
  return stem;
}

export function tokenize(text: string): string[] {
  return text.split(TOKEN_SEPARATOR).filter((token) => token.length > 0);
}

/** The index terms of a text, in order, duplicates kept. */
export function analyze(text: string): string[] {
  return tokenize(text)
    .map(analyzeTerm)
    .filter((term): term is string => term !== null);
}

/** An index term where it stands in the text it came from: `text.slice(start, end)` is the token as written. */
export interface TermSpan {
  term: string;
  start: number;
  end: number;
}

/**
 * The index terms of a text with the character range (UTF-16 offsets, end exclusive) of the token each
 * came from, in order: how a stem maps back to the words as written ("Models" in "World Models" for
 * `model`; "real" and "world" in "real-world", two tokens as the index sees them).
 */
export function analyzeWithSpans(text: string): TermSpan[] {
  const spans: TermSpan[] = [];
  for (const match of text.matchAll(TOKEN)) {
    const term = analyzeTerm(match[0]);
    if (term !== null) spans.push({ term, start: match.index, end: match.index + match[0].length });
  }
  return spans;
}
