import type { Paper } from '../../papers/index.js';
import { analyzeTerm, tokenize } from '../../text/index.js';
import { FIELDS, type Postings } from '../lexical/postings.js';

/** Terms shown per region, and how many of them make its label. */
export const TERMS_PER_CLUSTER = 6;
export const TERMS_IN_LABEL = 3;

/** A title word counts this many times an abstract word: titles say what a paper is about. */
const TITLE_WEIGHT = 3;

/** A term said less often than this in a class (a title counting TITLE_WEIGHT) is not one of its themes. */
const MIN_COUNT = 2;

/**
 * Each class's most distinctive terms by class-based tf-idf: a term's share of the class's words (tf)
 * times the log of how much more often the class uses it than the whole library does (idf as lift,
 * log(p(t | c) / p(t)), the term's part of the class's KL divergence from the library). A word common
 * everywhere scores about 0, one frequent in this class only scores high. On the seed map this read
 * better than BERTopic's idf, log(1 + A / f), which put "models" and "learning" first in several
 * regions. `counts[c][t]` is term t's count in class c; answers term numbers, best first.
 */
export function classTfIdf(counts: readonly Float64Array[], top: number, usable: (term: number) => boolean = () => true): number[][] {
  const vocabulary = counts[0]?.length ?? 0;
  const totals = counts.map((row) => row.reduce((sum, value) => sum + value, 0));
  const total = totals.reduce((sum, value) => sum + value, 0);
  const overall = new Float64Array(vocabulary);
  for (const row of counts) for (let t = 0; t < vocabulary; t++) overall[t]! += row[t]!;
  return counts.map((row, c) => {
    const scored: Array<[number, number]> = [];
    for (let t = 0; t < vocabulary; t++) {
      if (row[t]! < MIN_COUNT || !usable(t)) continue;
      const share = row[t]! / totals[c]!;
      scored.push([t, share * Math.log(share / (overall[t]! / total))]);
    }
    return scored
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, top)
      .map(([t]) => t);
  });
}

/**
 * Per cluster, the weighted count of every indexed (stemmed) term over its papers, read from the BM25
 * postings the index already has; `clusterOf(ordinal)` is −1 for a paper without a cluster (deleted).
 */
export function clusterTermCounts(
  segments: readonly Postings[],
  clusters: number,
  clusterOf: (ordinal: number) => number,
): { terms: string[]; counts: Float64Array[] } {
  const numbers = new Map<string, number>();
  for (const segment of segments) for (const term of segment.vocabulary) if (!numbers.has(term)) numbers.set(term, numbers.size);
  const counts = Array.from({ length: clusters }, () => new Float64Array(numbers.size));
  for (const segment of segments) {
    const global = Array.from(segment.vocabulary, (term) => numbers.get(term)!);
    FIELDS.forEach((field, f) => {
      const weight = field === 'title' ? TITLE_WEIGHT : 1;
      const { starts, documents, frequencies } = segment.fields[f]!;
      global.forEach((term, n) => {
        for (let i = starts[n]!; i < starts[n + 1]!; i++) {
          const cluster = clusterOf(documents[i]!);
          if (cluster >= 0) counts[cluster]![term]! += weight * frequencies[i]!;
        }
      });
    });
  }
  return { terms: [...numbers.keys()], counts };
}

/** Collects, over titles, how each stem is written, to show "networks" rather than "network" or "learn". */
export class SurfaceForms {
  private readonly forms = new Map<string, Map<string, number>>();

  add(paper: Pick<Paper, 'title'>): void {
    for (const token of tokenize(paper.title)) {
      const stem = analyzeTerm(token);
      if (stem === null) continue;
      const forms = this.forms.get(stem) ?? new Map<string, number>();
      this.forms.set(stem, forms);
      const form = token.toLowerCase();
      forms.set(form, (forms.get(form) ?? 0) + 1);
    }
  }

  /** Whether some title writes the stem: a word no title uses makes a poor name for a region. */
  has(stem: string): boolean {
    return this.forms.has(stem);
  }

  /** The stem's most frequent written form in titles (the shorter on a tie), or the stem itself. */
  of(stem: string): string {
    let best = stem;
    let bestCount = 0;
    for (const [form, count] of this.forms.get(stem) ?? [])
      if (count > bestCount || (count === bestCount && form.length < best.length)) {
        best = form;
        bestCount = count;
      }
    return best;
  }
}

/** A term worth showing as a region's word: not a number, not a one- or two-letter fragment. */
export function displayable(term: string): boolean {
  return term.length > 2 && !/^\d/.test(term);
}
