import { LRUCache } from 'lru-cache';
import type { Paper } from '../papers/index.js';
import { analyzeTerm, analyze, splitSentences, tokenize } from '../text/index.js';

const TARGET_CHARS = 320;

/**
 * Memory for analyzed abstracts. Counted in bytes, not entries: abstracts run from a few hundred
 * characters to 100k (a pasted full text), so a count of entries bounds nothing.
 */
export const SNIPPET_CACHE_BYTES = 64 * 1024 * 1024;

/** Rough heap cost of a JavaScript value besides its characters (object header, Set slot, array slot). */
const OVERHEAD_BYTES = 64;

interface AnalyzedAbstract {
  sentences: string[];
  terms: Array<Set<string>>;
}

/**
 * Picks the passage of an abstract that best matches a query: the sentence whose terms carry the
 * most query weight (idf-weighted), extended by its neighbour when short. Without any overlap (a
 * purely semantic match) the abstract's opening is the best summary. Analyzed abstracts are cached:
 * stemming every sentence of every result on every query would cost more than the search.
 */
export class Snippets {
  private readonly analyzed: LRUCache<string, AnalyzedAbstract>;

  constructor(
    private readonly idf: (term: string) => number,
    cacheBytes = SNIPPET_CACHE_BYTES,
  ) {
    this.analyzed = new LRUCache({ maxSize: cacheBytes, sizeCalculation: analyzedBytes });
  }

  /** Estimated bytes the cache of analyzed abstracts holds now (at most its budget). */
  get cachedBytes(): number {
    return this.analyzed.calculatedSize;
  }

  best(abstract: string, queryTerms: ReadonlySet<string>): string {
    const { sentences, terms } = this.analyze(abstract);
    if (sentences.length === 0) return '';
    let best = 0;
    let bestScore = 0;
    terms.forEach((sentenceTerms, i) => {
      let score = 0;
      for (const term of sentenceTerms) if (queryTerms.has(term)) score += this.idf(term);
      if (score > bestScore) {
        bestScore = score;
        best = i;
      }
    });
    let snippet = sentences[best]!;
    if (snippet.length < TARGET_CHARS / 2 && sentences[best + 1]) snippet += ` ${sentences[best + 1]}`;
    return snippet.length > TARGET_CHARS ? `${snippet.slice(0, TARGET_CHARS).replace(/\s+\S*$/, '')} …` : snippet;
  }

  /**
   * The words of the title and abstract, as written, whose analyzed term is one of the query's: what a
   * front end highlights, so it never needs its own copy of the analyzer. Lower-cased, each once.
   */
  matchedWords(paper: Paper, queryTerms: ReadonlySet<string>): string[] {
    const words = new Set<string>();
    if (queryTerms.size === 0) return [];
    for (const token of tokenize(`${paper.title} ${paper.abstract}`)) {
      const term = analyzeTerm(token);
      if (term !== null && queryTerms.has(term)) words.add(token.toLowerCase());
    }
    return [...words];
  }

  private analyze(abstract: string): AnalyzedAbstract {
    let analyzed = this.analyzed.get(abstract);
    if (!analyzed) {
      const sentences = splitSentences(abstract);
      analyzed = { sentences, terms: sentences.map((sentence) => new Set(analyze(sentence))) };
      this.analyzed.set(abstract, analyzed);
    }
    return analyzed;
  }
}

/** Estimated heap bytes of a cache entry: the abstract (the key), its sentences and their terms, two bytes a character. */
function analyzedBytes(analyzed: AnalyzedAbstract, abstract: string): number {
  let bytes = OVERHEAD_BYTES + abstract.length * 2;
  for (const sentence of analyzed.sentences) bytes += OVERHEAD_BYTES + sentence.length * 2;
  for (const terms of analyzed.terms) for (const term of terms) bytes += OVERHEAD_BYTES + term.length * 2;
  return bytes;
}
