import { stemmer } from 'stemmer';
import { eng } from 'stopword';

const STOP_WORDS = new Set(eng);
const TOKEN_SEPARATOR = /[\n\r\p{Z}\p{P}\p{S}]+/u;

/** One token → its index term: lower-cased and Porter-stemmed, or null for a stop word. */
export function analyzeTerm(token: string): string | null {
  const lower = token.toLowerCase();
  if (lower.length === 0 || STOP_WORDS.has(lower)) return null;
  return stemmer(lower);
}

export function tokenize(text: string): string[] {
  return text.split(TOKEN_SEPARATOR).filter((token) => token.length > 0);
}

/** The index terms of a text, in order, duplicates kept. */
export function analyze(text: string): string[] {
  return tokenize(text).map(analyzeTerm).filter((term): term is string => term !== null);
}
