import { analyze } from '../../text/index.js';
import { Deletions } from '../deletions.js';
import { FIELDS, type Postings } from './postings.js';
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
 * BM25 over the segments of a generation, leaving out its deleted papers, scored exactly as MiniSearch
 * scores one collection of the live papers (BM25+ per field, a title boost, times the number of query
 * terms matched): document frequencies and field lengths count live papers only, so an index updated
 * in place ranks as a clean build of the same papers does. A test checks this on every labelled query.
 */
export class LexicalIndex {
  /** Per-query scratch space, reused because queries run one at a time on the event loop. */
  private readonly scores: Float64Array;
  private readonly matchedTerms: Uint32Array;
  private readonly lastTerm: Int32Array;
  private readonly averageLengths: number[];
  /** Per segment, whether any of its papers is deleted (most are whole, and skip the checks). */
  private readonly segmentHasDeletions: boolean[];
  private readonly documentFrequencies = new Map<string, number>();

  constructor(
    private readonly segments: readonly Postings[],
    private readonly deletions: Deletions = Deletions.of(
      segments.reduce((end, s) => Math.max(end, s.base + s.span), 0),
      [],
    ),
  ) {
    const limit = deletions.ordinalLimit;
    this.scores = new Float64Array(limit);
    this.matchedTerms = new Uint32Array(limit);
    this.lastTerm = new Int32Array(limit).fill(-1);
    this.segmentHasDeletions = segments.map((segment) => deletions.countIn(segment.base, segment.base + segment.span) > 0);
    this.documentCount = segments.reduce((sum, segment) => sum + segment.span, 0) - deletions.count;
    this.averageLengths = FIELDS.map((_, f) => {
      let total = 0;
      for (const segment of segments) {
        const { lengths } = segment.fields[f]!;
        for (let i = 0; i < segment.span; i++) if (!deletions.has(segment.base + i)) total += lengths[i]!;
      }
      return this.documentCount === 0 ? 0 : total / this.documentCount;
    });
  }

  /** Live papers: those the segments hold, less the deleted ones. */
  readonly documentCount: number;

  /** Inverse document frequency of an analyzed term over live papers; unseen terms count as rare. */
  idf(term: string): number {
    let df = this.documentFrequencies.get(term);
    if (df === undefined) {
      df = 0;
      this.segments.forEach((segment, s) => {
        const n = segment.termNumber(term);
        if (n === undefined) return;
        if (!this.segmentHasDeletions[s]) df! += segment.documentFrequency[n]!;
        else {
          const live = new Set<number>();
          for (const field of segment.fields)
            for (let i = field.starts[n]!; i < field.starts[n + 1]!; i++)
              if (!this.deletions.has(field.documents[i]!)) live.add(field.documents[i]!);
          df! += live.size;
        }
      });
      this.documentFrequencies.set(term, df);
    }
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
    const occurrences = new Map<string, number>();
    for (const term of terms) occurrences.set(term, (occurrences.get(term) ?? 0) + 1);
    const boosts = [titleBoost, 1];
    const { scores, matchedTerms, lastTerm, deletions } = this;
    const touched: number[] = [];
    let termIndex = 0;
    for (const [term, multiplicity] of occurrences) {
      termIndex++;
      const numbers = this.segments.map((segment) => segment.termNumber(term));
      if (numbers.every((n) => n === undefined)) continue;
      FIELDS.forEach((_, f) => {
        let matching = 0;
        this.segments.forEach((segment, s) => {
          const n = numbers[s];
          if (n === undefined) return;
          const { starts, documents } = segment.fields[f]!;
          if (!this.segmentHasDeletions[s]) matching += starts[n + 1]! - starts[n]!;
          else for (let i = starts[n]!; i < starts[n + 1]!; i++) if (!deletions.has(documents[i]!)) matching++;
        });
        const idf = Math.log(1 + (this.documentCount - matching + 0.5) / (matching + 0.5));
        const weight = multiplicity * boosts[f]! * idf;
        const averageLength = this.averageLengths[f]!;
        const { k, b, delta } = BM25;
        this.segments.forEach((segment, s) => {
          const n = numbers[s];
          if (n === undefined) return;
          const field = segment.fields[f]!;
          const checkDeleted = this.segmentHasDeletions[s];
          for (let i = field.starts[n]!; i < field.starts[n + 1]!; i++) {
            const ordinal = field.documents[i]!;
            if (checkDeleted && deletions.has(ordinal)) continue;
            const tf = field.frequencies[i]!;
            const length = field.lengths[ordinal - segment.base]!;
            scores[ordinal]! += weight * (delta + (tf * (k + 1)) / (tf + k * (1 - b + (b * length) / averageLength)));
            if (lastTerm[ordinal] !== termIndex) {
              if (matchedTerms[ordinal] === 0) touched.push(ordinal);
              lastTerm[ordinal] = termIndex;
              matchedTerms[ordinal]!++;
            }
          }
        });
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
