import { LRUCache } from 'lru-cache';
import { analyze, type SentenceSpan, sentenceSpans } from '../text/index.js';

const TARGET_CHARS = 320;

/**
 * Memory for analyzed abstracts. Counted in bytes, not entries: abstracts run from a few hundred
 * characters to 100k (a pasted full text), so a count of entries bounds nothing.
 */
export const SNIPPET_CACHE_BYTES = 64 * 1024 * 1024;

/** Rough heap cost of a JavaScript value besides its characters (object header, Set slot, array slot). */
const OVERHEAD_BYTES = 64;

interface AnalyzedAbstract {
  sentences: SentenceSpan[];
  terms: Array<Set<string>>;
}

/** A snippet and where it starts in its abstract: up to a trailing " …" it is a slice of it, so highlights carry over. */
export interface Snippet {
  text: string;
  start: number;
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

  best(abstract: string, queryTerms: ReadonlySet<string>): Snippet {
    const { sentences, terms } = this.analyze(abstract);
    if (sentences.length === 0) return { text: '', start: 0 };
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
    const { start } = sentences[best]!;
    let { end } = sentences[best]!;
    if (end - start < TARGET_CHARS / 2 && sentences[best + 1]) end = sentences[best + 1]!.end;
    const text = abstract.slice(start, end);
    return { text: text.length > TARGET_CHARS ? `${text.slice(0, TARGET_CHARS).replace(/\s+\S*$/, '')} …` : text, start };
  }

  private analyze(abstract: string): AnalyzedAbstract {
    let analyzed = this.analyzed.get(abstract);
    if (!analyzed) {
      const sentences = sentenceSpans(abstract);
      analyzed = { sentences, terms: sentences.map(({ start, end }) => new Set(analyze(abstract.slice(start, end)))) };
      this.analyzed.set(abstract, analyzed);
    }
    return analyzed;
  }
}

/** Estimated heap bytes of a cache entry: the abstract (the key), its sentences' ranges and their terms, two bytes a character. */
function analyzedBytes(analyzed: AnalyzedAbstract, abstract: string): number {
  let bytes = OVERHEAD_BYTES + abstract.length * 2;
  bytes += analyzed.sentences.length * OVERHEAD_BYTES;
  for (const terms of analyzed.terms) for (const term of terms) bytes += OVERHEAD_BYTES + term.length * 2;
  return bytes;
}
