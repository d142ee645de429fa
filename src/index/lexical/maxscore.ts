import type { Deletions } from '../deletions.js';
import type { Postings } from './postings.js';
import type { TopK } from './top-k.js';

/** BM25+ parameters (MiniSearch's defaults, which the fusion weights were tuned on). */
const BM25 = { k: 1.2, b: 0.7, delta: 0.5 };

/**
 * Bounds are sums taken in another order than the score's, so they may round below it by a few units
 * in the last place: a paper is passed over only when its bound, raised by this factor, is below the bar.
 */
const ROUNDING_ROOM = 1 + 1e-9;
/** Ordinals scored together at most: a window's accumulators stay in the processor's cache. */
const WINDOW = 4096;
/** Occurrence counts and field lengths below these have their gain tabulated. */
const TABULATED_FREQUENCIES = 16;
const TABULATED_LENGTHS = 4096;

/**
 * BM25+'s factor for a match of `frequency` occurrences in a field of `length` distinct tokens,
 * δ + f(k + 1) / (f + k(1 − b + b × length / average)): a match scores its weight times this. Tabulated
 * for the usual counts, which spares a division per posting; the table holds the very values the
 * formula gives, so scores do not move.
 */
export class Gains {
  private readonly table: Float64Array;
  private readonly stride: number;

  constructor(
    private readonly averageLength: number,
    longest: number,
  ) {
    this.stride = Math.min(longest, TABULATED_LENGTHS - 1) + 1;
    this.table = new Float64Array(TABULATED_FREQUENCIES * this.stride);
    for (let frequency = 0; frequency < TABULATED_FREQUENCIES; frequency++)
      for (let length = 0; length < this.stride; length++) this.table[frequency * this.stride + length] = this.compute(frequency, length);
  }

  of(frequency: number, length: number): number {
    return frequency < TABULATED_FREQUENCIES && length < this.stride
      ? this.table[frequency * this.stride + length]!
      : this.compute(frequency, length);
  }

  private compute(frequency: number, length: number): number {
    const { k, b, delta } = BM25;
    return delta + (frequency * (k + 1)) / (frequency + k * (1 - b + (b * length) / this.averageLength));
  }
}

/**
 * A query as every segment scores it: its distinct terms in query order, and per term and field (the
 * slot 2 × term + field) the weight of a match: multiplicity × field boost × idf over live papers.
 */
export interface WeightedQuery {
  terms: readonly string[];
  weights: Float64Array;
  /** Whether scores only grow with matches (no negative weight), which the bounds assume. */
  prunable: boolean;
}

/** What a segment's traversal needs besides the query. */
export interface SegmentContext {
  segment: Postings;
  /** Per field. */
  gains: readonly Gains[];
  /** Present when some papers of the segment are deleted. */
  deletions?: Deletions;
  allow?: (ordinal: number) => boolean;
  best: TopK;
  /** Per ordinal: distinct query terms matched, written for every paper offered to `best`. */
  matched: Uint32Array;
}

/** One inverted list of the query in a segment: the postings of a (term, field) slot. */
interface List {
  term: number;
  documents: Uint32Array;
  frequencies: Uint16Array;
  /** The field's lengths, by ordinal − base. */
  lengths: Uint16Array;
  gains: Gains;
  weight: number;
  /** No paper gets more than this from the list. */
  bound: number;
}

/**
 * Which lists a window reads how. Lists are taken in the order of the postings they hold per unit of
 * bound; the longest prefix whose papers could not reach the bar even if they matched every list of
 * it is non-essential: a paper only there is never looked at. Essential lists, and the non-essential
 * ones short enough to read whole, are "scanned": added up window by window. The other non-essential
 * lists are "looked up", paper by paper, most valuable first, while the paper can still reach the bar.
 */
interface Partition {
  nonEssential: number;
  /**
   * Scanned lists: essential ones first, then the others, highest bound first, which add up only the
   * papers an essential list touched and that can still reach the bar.
   */
  scanned: Int32Array;
  isEssential: Uint8Array;
  /**
   * Per scanned list from the first non-essential one: what the lists from it on (looked-up ones
   * included) may still add to a paper, in impact and in terms, so that a paper that cannot reach
   * the bar any more is dropped before them.
   */
  boundFrom: Float64Array;
  termsFrom: Int32Array;
  /** Per term: whether it has a looked-up list (it then counts in `lookedUpTerms`, not when scanned). */
  isLookedUpTerm: Uint8Array;
  /** Looked-up lists, highest bound first, with the bounds of those after each and whether each is its term's last. */
  lookedUp: Int32Array;
  boundAfter: Float64Array;
  lastOfTerm: Uint8Array;
  lookedUpTerms: number;
  lookedUpBound: number;
}

/** Ordinals scored together at first; windows double up to `WINDOW`, so the bar rises early. */
const FIRST_WINDOW = 32;

/**
 * Scores one segment into `best` by MaxScore (Turtle and Flood 1995) over windows of ordinals, as
 * Lucene's MaxScoreBulkScorer does, offering every paper that can still enter the top k with exactly
 * the score an exhaustive pass gives it.
 *
 * A paper's score is (sum of its matches' impacts) × (distinct query terms it matched), so a paper
 * matching only lists in a set P scores at most (Σ bounds of P) × (terms of P), and each further
 * match only raises it. Within a window the scanned lists are added into small accumulators; each
 * paper an essential list touched is then bounded with the looked-up lists it may still match,
 * looked up in them while that bound reaches the bar, and, if it still does, scored again in the
 * exhaustive order of additions (terms in query order, title before abstract) so that sums round the
 * same and ties stay ties.
 */
export function scoreSegment(query: WeightedQuery, context: SegmentContext): void {
  const { segment, deletions, allow, best, matched } = context;
  const lists = segmentLists(query, context);
  if (lists.length === 0) return;
  const base = segment.base;
  const end = base + segment.span;
  const byValue = lists
    .map((_, i) => i)
    .sort((a, b) => lists[b]!.documents.length / lists[b]!.bound - lists[a]!.documents.length / lists[a]!.bound || a - b);
  const bar = () => (query.prunable ? best.threshold() : Number.NEGATIVE_INFINITY);
  // Per list: where the scan and the lookups have got to.
  const scanAt = new Uint32Array(lists.length);
  const lookupAt = new Uint32Array(lists.length);
  // Per ordinal of the window: the sum of its scanned matches' impacts and their number (of terms
  // without a looked-up list: a term matched in both fields counts twice, which only loosens the
  // bound, and the exact scoring counts it once); and the bit set of papers an essential list touched.
  const partial = new Float64Array(WINDOW);
  const terms = new Int32Array(WINDOW);
  const essentialHits = new Int32Array(WINDOW / 32);
  const matchedIn = new Float64Array(query.terms.length).fill(-1);
  let plan = partition(lists, byValue, query.terms.length, bar(), 0);

  for (let from = base, size = FIRST_WINDOW; from < end; from += size, size = Math.min(2 * size, WINDOW)) {
    const to = Math.min(from + size, end);
    plan = partition(lists, byValue, query.terms.length, bar(), plan.nonEssential, plan);
    const { scanned, isEssential, isLookedUpTerm, boundFrom, termsFrom, lookedUp, boundAfter, lastOfTerm, lookedUpTerms, lookedUpBound } =
      plan;
    partial.fill(0, 0, to - from);
    terms.fill(0, 0, to - from);
    essentialHits.fill(0);
    let threshold = bar();
    for (let s = 0; s < scanned.length; s++) {
      const i = scanned[s]!;
      const { documents, frequencies, lengths, gains, weight, term } = lists[i]!;
      const increment = isLookedUpTerm[term] === 0 ? 1 : 0;
      const essential = isEssential[i] === 1;
      const boundLeft = boundFrom[s]!;
      const termsLeft = termsFrom[s]!;
      let at = seek(documents, scanAt[i]!, from);
      for (; at < documents.length; at++) {
        const ordinal = documents[at]!;
        if (ordinal >= to) break;
        const d = ordinal - from;
        const bit = 1 << (d & 31);
        if (essential) essentialHits[d >> 5]! |= bit;
        else if ((essentialHits[d >> 5]! & bit) === 0) continue;
        else if ((partial[d]! + boundLeft) * (terms[d]! + termsLeft) * ROUNDING_ROOM < threshold) {
          essentialHits[d >> 5]! &= ~bit;
          continue;
        }
        partial[d]! += weight * gains.of(frequencies[at]!, lengths[ordinal - base]!);
        terms[d]! += increment;
      }
      scanAt[i] = at;
    }

    for (let word = 0; word < essentialHits.length; word++) {
      for (let bits = essentialHits[word]!; bits !== 0; bits &= bits - 1) {
        const d = (word << 5) + 31 - Math.clz32(bits & -bits);
        const ordinal = from + d;
        let sum = partial[d]!;
        let termBound = terms[d]! + lookedUpTerms;
        if ((sum + lookedUpBound) * termBound * ROUNDING_ROOM < threshold) continue;
        if (deletions?.has(ordinal) || (allow && !allow(ordinal))) continue;
        let reaches = true;
        for (let j = 0; j < lookedUp.length && reaches; j++) {
          const i = lookedUp[j]!;
          const list = lists[i]!;
          if (contains(list, lookupAt, i, ordinal)) {
            sum += list.weight * list.gains.of(list.frequencies[lookupAt[i]!]!, list.lengths[ordinal - base]!);
            matchedIn[list.term] = ordinal;
          } else if (
            lastOfTerm[j] === 1 &&
            matchedIn[list.term] !== ordinal &&
            !inScannedList(lists, list.term, lookedUp, lookupAt, ordinal)
          ) {
            termBound--;
          }
          reaches = (sum + boundAfter[j]!) * termBound * ROUNDING_ROOM >= threshold;
        }
        if (!reaches) continue;
        offerExactly(lists, lookupAt, ordinal, base, best, matched);
        threshold = bar();
      }
    }
  }
}

/** Whether list `i` holds `ordinal`, moving its lookup position there. */
function contains(list: List, lookupAt: Uint32Array, i: number, ordinal: number): boolean {
  const at = seek(list.documents, lookupAt[i]!, ordinal);
  lookupAt[i] = at;
  return list.documents[at] === ordinal;
}

/** Whether `term` has a list other than the looked-up ones holding `ordinal`. */
function inScannedList(lists: readonly List[], term: number, lookedUp: Int32Array, lookupAt: Uint32Array, ordinal: number): boolean {
  for (let i = 0; i < lists.length; i++)
    if (lists[i]!.term === term && !lookedUp.includes(i) && contains(lists[i]!, lookupAt, i, ordinal)) return true;
  return false;
}

/** The query's lists in the segment, in slot order: a term's title list, then its abstract list. */
function segmentLists(query: WeightedQuery, { segment, gains }: SegmentContext): List[] {
  const lists: List[] = [];
  query.terms.forEach((term, t) => {
    const n = segment.termNumber(term);
    if (n === undefined) return;
    segment.fields.forEach((field, f) => {
      const start = field.starts[n]!;
      const end = field.starts[n + 1]!;
      if (start === end) return;
      const weight = query.weights[2 * t + f]!;
      const frontier = segment.impactFrontier(f, n);
      let bound = 0;
      for (let i = 0; i < frontier.length; i += 2) bound = Math.max(bound, weight * gains[f]!.of(frontier[i]!, frontier[i + 1]!));
      lists.push({
        term: t,
        documents: field.documents.subarray(start, end),
        frequencies: field.frequencies.subarray(start, end),
        lengths: field.lengths,
        gains: gains[f]!,
        weight,
        bound,
      });
    });
  });
  return lists;
}

/**
 * The partition for the bar `threshold`: `previous` while the non-essential prefix stays as long
 * (bars only rise, so it only grows from `from` lists).
 */
function partition(
  lists: readonly List[],
  byValue: readonly number[],
  termCount: number,
  threshold: number,
  from: number,
  previous?: Partition,
): Partition {
  const inPrefix = new Uint8Array(termCount);
  let prefixBound = 0;
  let prefixTerms = 0;
  let nonEssential = 0;
  for (; nonEssential < lists.length; nonEssential++) {
    const list = lists[byValue[nonEssential]!]!;
    const terms = prefixTerms + (inPrefix[list.term] ? 0 : 1);
    if ((prefixBound + list.bound) * terms * ROUNDING_ROOM >= threshold) break;
    prefixBound += list.bound;
    prefixTerms = terms;
    inPrefix[list.term] = 1;
  }
  if (previous && nonEssential === from) return previous;
  const essential = byValue.slice(nonEssential);
  const scanLimit = essential.reduce((sum, i) => sum + lists[i]!.documents.length, 0);
  const nonEssentialLists = byValue.slice(0, nonEssential);
  const lookedUp = nonEssentialLists
    .filter((i) => lists[i]!.documents.length > scanLimit)
    .sort((a, b) => lists[b]!.bound - lists[a]!.bound);
  const scanned = [
    ...essential,
    ...nonEssentialLists.filter((i) => lists[i]!.documents.length <= scanLimit).sort((a, b) => lists[b]!.bound - lists[a]!.bound),
  ];
  const isEssential = new Uint8Array(lists.length);
  for (const i of essential) isEssential[i] = 1;
  const isLookedUpTerm = new Uint8Array(termCount);
  for (const i of lookedUp) isLookedUpTerm[lists[i]!.term] = 1;
  const lookedUpTerms = isLookedUpTerm.reduce((sum, flag) => sum + flag, 0);
  const lookedUpBound = lookedUp.reduce((sum, i) => sum + lists[i]!.bound, 0);
  const boundFrom = new Float64Array(scanned.length + 1);
  const termsFrom = new Int32Array(scanned.length + 1);
  const counted = new Uint8Array(termCount);
  boundFrom[scanned.length] = lookedUpBound;
  termsFrom[scanned.length] = lookedUpTerms;
  for (let s = scanned.length - 1; s >= essential.length; s--) {
    const { term, bound } = lists[scanned[s]!]!;
    boundFrom[s] = boundFrom[s + 1]! + bound;
    termsFrom[s] = termsFrom[s + 1]! + (isLookedUpTerm[term] || counted[term] ? 0 : 1);
    counted[term] = 1;
  }
  const boundAfter = new Float64Array(lookedUp.length);
  const lastOfTerm = new Uint8Array(lookedUp.length);
  const seen = new Uint8Array(termCount);
  for (let j = lookedUp.length - 1; j >= 0; j--) {
    const { term } = lists[lookedUp[j]!]!;
    if (j + 1 < lookedUp.length) boundAfter[j] = boundAfter[j + 1]! + lists[lookedUp[j + 1]!]!.bound;
    lastOfTerm[j] = seen[term] ? 0 : 1;
    seen[term] = 1;
  }
  return {
    nonEssential,
    scanned: Int32Array.from(scanned),
    isEssential,
    lookedUp: Int32Array.from(lookedUp),
    boundAfter,
    lastOfTerm,
    isLookedUpTerm,
    lookedUpTerms,
    lookedUpBound,
    boundFrom,
    termsFrom,
  };
}

/** Scores `ordinal` adding its matches in the exhaustive pass's order, and offers it. */
function offerExactly(
  lists: readonly List[],
  lookupAt: Uint32Array,
  ordinal: number,
  base: number,
  best: TopK,
  matched: Uint32Array,
): void {
  let score = 0;
  let terms = 0;
  let lastTerm = -1;
  for (let i = 0; i < lists.length; i++) {
    const list = lists[i]!;
    if (!contains(list, lookupAt, i, ordinal)) continue;
    score += list.weight * list.gains.of(list.frequencies[lookupAt[i]!]!, list.lengths[ordinal - base]!);
    if (list.term !== lastTerm) {
      lastTerm = list.term;
      terms++;
    }
  }
  matched[ordinal] = terms;
  best.offer(ordinal, score * terms);
}

/** The first position at or after `from` whose ordinal is at least `target`: galloping, then binary search. */
function seek(documents: Uint32Array, from: number, target: number): number {
  const end = documents.length;
  if (from >= end || documents[from]! >= target) return from;
  let low = from;
  let step = 1;
  let high = from + 1;
  while (high < end && documents[high]! < target) {
    low = high;
    step *= 2;
    high = low + step;
  }
  if (high > end) high = end;
  while (low + 1 < high) {
    const middle = (low + high) >>> 1;
    if (documents[middle]! < target) low = middle;
    else high = middle;
  }
  return high;
}
