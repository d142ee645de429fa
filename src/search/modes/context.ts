import type { LexicalHit } from '../../index/index.js';
import type { Evidence } from '../confidence.js';
import type { SearchOptions } from '../options.js';
import type { SearchableIndex } from '../ports.js';

/** A query as a mode sees it. */
export interface Query {
  text: string;
  /** Analyzed terms in the query: its length as the fusion and confidence rules count it. */
  termCount: number;
  /** Present when the query is a paper of the index: its stored vector is reused and it is left out of the results. */
  self?: number;
}

/** What every mode may use: the index, the settings, and the (cached) query vector. */
export interface ModeContext {
  index: SearchableIndex;
  options: SearchOptions;
  queryVector(query: Query): Promise<Float32Array>;
}

export interface Ranking {
  /** Best first, at most k. */
  hits: Array<{ ordinal: number; score: number }>;
  /** What the confidence rule judges the answer by. */
  evidence: Omit<Evidence, 'termCount'>;
}

/** Candidates taken from each retriever: at least k, normally the configured pool. */
export function poolSize(options: SearchOptions, k: number): number {
  return Math.max(options.candidatePool, k);
}

/** BM25 hits for the query, without the query paper itself. */
export function lexicalHits(context: ModeContext, query: Query, limit: number): LexicalHit[] {
  return context.index.lexical.query(query.text, limit + 1, context.options.lexical.titleBoost).filter((hit) => hit.ordinal !== query.self);
}

export function bestCoverage(hits: readonly LexicalHit[]): number {
  return hits.reduce((best, hit) => Math.max(best, hit.coverage), 0);
}
