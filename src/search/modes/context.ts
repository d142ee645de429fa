import { TopK, type LexicalHit, type Neighbour } from '../../index/index.js';
import type { Evidence } from '../confidence.js';
import { favourPhrase } from '../lookup.js';
import type { Allowed } from '../filter.js';
import type { SearchOptions } from '../options.js';
import type { SearchableIndex } from '../ports.js';

/** A query as a mode sees it. */
export interface Query {
  text: string;
  /** Analyzed terms in the query: its length as the fusion and confidence rules count it. */
  termCount: number;
  /** What BM25 matches when it is not the whole text: a long query's most distinctive terms. */
  lexicalText?: string;
  /** Present when the query is a paper of the index: it is left out of the results. */
  self?: number;
  /** A lookup of two or more words: its analyzed terms, which papers using them together are favoured for. */
  phrase?: readonly string[];
}

/** What every mode may use: the index, the settings, and the (cached) query vector. */
export interface ModeContext {
  index: SearchableIndex;
  options: SearchOptions;
  queryVector(query: Query): Promise<Float32Array>;
  /** The papers a filter keeps; absent when the search is not filtered. */
  allowed?: Allowed;
}

export interface Ranking {
  /** Best first, at most k. */
  hits: Array<{ ordinal: number; score: number }>;
  /** What the confidence rule judges the answer by. */
  evidence: Omit<Evidence, 'termCount'>;
  /** The candidate lists the mode consulted, ordinals best first: what a result's explanation ranks it in. */
  lists?: { lexical?: readonly number[]; dense?: readonly number[] };
}

/** Candidates taken from each retriever: at least k, normally the configured pool. */
export function poolSize(options: SearchOptions, k: number): number {
  return Math.max(options.candidatePool, k);
}

/** BM25 hits for the query, without the query paper itself, within the filter; a lookup's phrase favoured. */
export function lexicalHits(context: ModeContext, query: Query, limit: number): LexicalHit[] {
  const { index, options } = context;
  const hits = index.lexical
    .query(query.lexicalText ?? query.text, limit + 1, options.lexical.titleBoost, context.allowed?.has)
    .filter((hit) => hit.ordinal !== query.self);
  return query.phrase ? favourPhrase(hits, query.phrase, (ordinal) => index.paper(ordinal), options.lexical.phraseBoost) : hits;
}

/**
 * The `k` papers nearest to `vector` within the filter, best first. A small allowed set is scored
 * exactly (every allowed paper's stored vector), a large one through the HNSW graph's filtered
 * traversal; `options.exactFilterLimit` is where exact scoring stops paying (see the bench).
 */
export function denseNeighbours(context: ModeContext, vector: Float32Array, k: number, self: number | undefined): Neighbour[] {
  const { index, allowed, options } = context;
  if (!allowed) return index.nearest(vector, k, self);
  if (allowed.ordinals.length > options.exactFilterLimit) return index.nearest(vector, k, self, allowed.has);
  const best = new TopK(k);
  for (const ordinal of allowed.ordinals) {
    if (ordinal !== self) best.offer(ordinal, dot(vector, index.vectorOf(ordinal)));
  }
  return best.sorted().map(({ ordinal, score }) => ({ ordinal, similarity: score }));
}

/**
 * How close each paper is to a paper-like text (a pasted passage, a paper of the library), given the
 * text's unit vector: with the library's mean vector (`Calibration.centroid`), the cosine once that
 * mean is taken out of both; without one, the plain cosine. Every paper of a library leans the same
 * way (all robot learning, all medicine), so between papers the plain cosine mostly says "both are
 * papers from here"; centred, it ranks by what sets papers apart (seed abstracts 0.776 → 0.807, similar
 * papers 0.616 → 0.653 on dev). Short queries do not share that lean, and lose by it (seed questions
 * 0.745 → 0.720), so they keep the plain cosine.
 */
export function paperSimilarity(text: Float32Array, centroid: readonly number[] | undefined): (paper: Float32Array) => number {
  if (!centroid) return (paper) => dot(text, paper);
  const mean = Float32Array.from(centroid);
  const meanNorm = dot(mean, mean);
  const textToMean = dot(text, mean);
  // |x − μ|² = 1 − 2 x·μ + |μ|² for a unit x, so only x·μ is computed per paper.
  const textLength = Math.sqrt(Math.max(0, 1 - 2 * textToMean + meanNorm));
  return (paper) => {
    const paperToMean = dot(paper, mean);
    const length = textLength * Math.sqrt(Math.max(0, 1 - 2 * paperToMean + meanNorm));
    return length > 0 ? (dot(text, paper) - textToMean - paperToMean + meanNorm) / length : 0;
  };
}

export function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

export function bestCoverage(hits: readonly LexicalHit[]): number {
  return hits.reduce((best, hit) => Math.max(best, hit.coverage), 0);
}
