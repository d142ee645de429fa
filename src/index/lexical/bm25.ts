import { analyze } from '../../text/index.js';
import { Deletions } from '../deletions.js';
import { FIELDS, type Postings } from './postings.js';
import { Gains, scoreSegment } from './maxscore.js';
import { TopK } from './top-k.js';

export interface LexicalHit {
  ordinal: number;
  score: number;
  /** Fraction of the query's distinct terms this paper contains. */
  coverage: number;
}

/**
 * BM25 over the segments of a generation, leaving out its deleted papers, scored exactly as MiniSearch
 * scores one collection of the live papers (BM25+ per field, a title boost, times the number of query
 * terms matched): document frequencies and field lengths count live papers only, so an index updated
 * in place ranks as a clean build of the same papers does. A test checks this on every labelled query.
 * Queries are pruned (`maxscore.ts`) without changing any answer: a property test checks them against
 * scoring every paper.
 */
export class LexicalIndex {
  /** Per ordinal: distinct query terms matched by the papers the last query offered to its top k. */
  private readonly matchedTerms: Uint32Array;
  /** Per field: BM25's gains for its average length over live papers. */
  private readonly gains: Gains[];
  /** Per segment, whether any of its papers is deleted (most are whole, and skip the checks). */
  private readonly segmentHasDeletions: boolean[];
  private readonly documentFrequencies = new Map<string, number>();
  /** Per indexed term queried so far, per field: live papers with it there (idf's count). */
  private readonly listLengths = new Map<string, number[]>();

  constructor(
    private readonly segments: readonly Postings[],
    private readonly deletions: Deletions = Deletions.of(
      segments.reduce((end, s) => Math.max(end, s.base + s.span), 0),
      [],
    ),
  ) {
    const limit = deletions.ordinalLimit;
    this.matchedTerms = new Uint32Array(limit);
    this.segmentHasDeletions = segments.map((segment) => deletions.countIn(segment.base, segment.base + segment.span) > 0);
    this.documentCount = segments.reduce((sum, segment) => sum + segment.span, 0) - deletions.count;
    this.gains = FIELDS.map((_, f) => {
      let total = 0;
      let longest = 0;
      for (const segment of segments) {
        const { lengths } = segment.fields[f]!;
        for (let i = 0; i < segment.span; i++) {
          if (deletions.has(segment.base + i)) continue;
          total += lengths[i]!;
          longest = Math.max(longest, lengths[i]!);
        }
      }
      return new Gains(this.documentCount === 0 ? 0 : total / this.documentCount, longest);
    });
  }

  /** Live papers: those the segments hold, less the deleted ones. */
  readonly documentCount: number;

  /** Inverse document frequency of an analyzed term over live papers; unseen terms count as rare. */
  idf(term: string): number {
    const df = this.documentFrequency(term);
    return Math.log(1 + (this.documentCount - df + 0.5) / (df + 0.5));
  }

  /** Live papers with an analyzed term in their title or abstract (0 for a term no paper has). */
  documentFrequency(term: string): number {
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
    return df;
  }

  /**
   * BM25 hits, best first (ties by ordinal); `titleBoost` weighs a title match relative to an abstract
   * match; with `allow`, only papers it accepts are collected.
   */
  query(text: string, limit: number, titleBoost: number, allow?: (ordinal: number) => boolean): LexicalHit[] {
    const analyzed = analyze(text);
    // A repeated query term counts once per occurrence, as in MiniSearch.
    const occurrences = new Map<string, number>();
    for (const term of analyzed) occurrences.set(term, (occurrences.get(term) ?? 0) + 1);
    const terms = [...occurrences.keys()];
    if (terms.length === 0) return [];
    const boosts = [titleBoost, 1];
    const weights = new Float64Array(2 * terms.length);
    terms.forEach((term, t) => {
      const lengths = this.liveListLengths(term);
      FIELDS.forEach((_, f) => {
        const idf = Math.log(1 + (this.documentCount - lengths[f]! + 0.5) / (lengths[f]! + 0.5));
        weights[2 * t + f] = occurrences.get(term)! * boosts[f]! * idf;
      });
    });
    const best = new TopK(limit);
    this.segments.forEach((segment, s) => {
      scoreSegment(
        // A negative title boost makes matches lower scores, which the bounds do not allow for.
        { terms, weights, prunable: titleBoost >= 0 },
        {
          segment,
          gains: this.gains,
          deletions: this.segmentHasDeletions[s] ? this.deletions : undefined,
          allow,
          best,
          matched: this.matchedTerms,
        },
      );
    });
    return best.sorted().map(({ ordinal, score }) => ({ ordinal, score, coverage: this.matchedTerms[ordinal]! / terms.length }));
  }

  /** Per field, the live papers with `term` in that field, over all segments (kept for indexed terms). */
  private liveListLengths(term: string): number[] {
    let lengths = this.listLengths.get(term);
    if (lengths === undefined) {
      let indexed = false;
      lengths = FIELDS.map((_, f) => {
        let matching = 0;
        this.segments.forEach((segment, s) => {
          const n = segment.termNumber(term);
          if (n === undefined) return;
          indexed = true;
          const { starts, documents } = segment.fields[f]!;
          if (!this.segmentHasDeletions[s]) matching += starts[n + 1]! - starts[n]!;
          else for (let i = starts[n]!; i < starts[n + 1]!; i++) if (!this.deletions.has(documents[i]!)) matching++;
        });
        return matching;
      });
      if (indexed) this.listLengths.set(term, lengths);
    }
    return lengths;
  }
}
