import { analyze } from '../../text/index.js';
import type { Postings } from './postings.js';
import { TopK } from './top-k.js';

export interface LexicalHit {
  ordinal: number;
  score: number;
  /** Fraction of the query's distinct terms this paper contains. */
  coverage: number;
}

/** BM25+ parameters (MiniSearch's defaults, which the fusion weights were tuned on). */
const BM25 = { k: 1.2, b: 0.7, delta: 0.5 };

/**
 * BM25 over the postings, scored exactly as MiniSearch scores them (BM25+ per field, a title boost,
 * times the number of query terms matched); a test checks this on every labelled query.
 */
export class LexicalIndex {
  /** Per-query scratch space, reused because queries run one at a time on the event loop. */
  private readonly scores: Float64Array;
  private readonly matchedTerms: Uint32Array;
  private readonly lastTerm: Int32Array;

  constructor(private readonly postings: Postings) {
    this.scores = new Float64Array(postings.documentCount);
    this.matchedTerms = new Uint32Array(postings.documentCount);
    this.lastTerm = new Int32Array(postings.documentCount).fill(-1);
  }

  get documentCount(): number {
    return this.postings.documentCount;
  }

  /** Inverse document frequency of an analyzed term; unseen terms count as rare. */
  idf(term: string): number {
    const n = this.postings.termNumber(term);
    const df = n === undefined ? 0 : this.postings.documentFrequency[n]!;
    return Math.log(1 + (this.documentCount - df + 0.5) / (df + 0.5));
  }
  /**
   * BM25 hits, best first (ties by ordinal); `titleBoost` weighs a title match relative to an abstract
   * match; with `allow`, only papers it accepts are collected.
   */
  query(text: string, limit: number, titleBoost: number, allow?: (ordinal: number) => boolean): LexicalHit[] {
    const terms = analyze(text);
    const distinctTerms = new Set(terms).size;
    if (distinctTerms === 0) return [];
    // A repeated query term counts once per occurrence, as in MiniSearch.
    const occurrences = new Map<number, number>();
    for (const term of terms) {
      const n = this.postings.termNumber(term);
      if (n !== undefined) occurrences.set(n, (occurrences.get(n) ?? 0) + 1);
    }
    const boosts = [titleBoost, 1];
    const { scores, matchedTerms, lastTerm } = this;
    const touched: number[] = [];
    for (const [term, multiplicity] of occurrences) {
      this.postings.fields.forEach((field, f) => {
        const start = field.starts[term]!;
        const end = field.starts[term + 1]!;
        const matching = end - start;
        const idf = Math.log(1 + (this.documentCount - matching + 0.5) / (matching + 0.5));
        const weight = multiplicity * boosts[f]! * idf;
        const { k, b, delta } = BM25;
        for (let i = start; i < end; i++) {
          const ordinal = field.documents[i]!;
          const tf = field.frequencies[i]!;
          scores[ordinal]! += weight * (delta + (tf * (k + 1)) / (tf + k * (1 - b + (b * field.lengths[ordinal]!) / field.averageLength)));
          if (lastTerm[ordinal] !== term) {
            if (matchedTerms[ordinal] === 0) touched.push(ordinal);
            lastTerm[ordinal] = term;
            matchedTerms[ordinal]!++;
          }
        }
      });
    }
    const best = new TopK(limit);
    for (const ordinal of touched) if (!allow || allow(ordinal)) best.offer(ordinal, scores[ordinal]! * matchedTerms[ordinal]!);
    const hits = best.sorted().map(({ ordinal, score }) => ({ ordinal, score, coverage: matchedTerms[ordinal]! / distinctTerms }));
    for (const ordinal of touched) {
      scores[ordinal] = 0;
      matchedTerms[ordinal] = 0;
      lastTerm[ordinal] = -1;
    }
    return hits;
  }
}
