import { normalize } from '../../model/index.js';
import type { FusedCandidate } from '../fusion.js';

export interface ExpansionOptions {
  /** The query vector moves towards this many top papers of a first fusion ... */
  documents: number;
  /** ... by this weight (shared among them). */
  weight: number;
}

/** Lookups and questions are expanded; a pasted passage already says enough. */
export function shouldExpand(options: ExpansionOptions, termCount: number, passageTerms: number): boolean {
  return options.documents > 0 && options.weight > 0 && termCount < passageTerms;
}

/**
 * Query expansion (pseudo-relevance feedback): the query vector moved towards the papers a first
 * fusion ranked highest, so a question's vocabulary gap to the abstracts narrows.
 */
export function expandedQueryVector(
  vector: Float32Array,
  fused: readonly FusedCandidate[],
  vectorOf: (ordinal: number) => Float32Array,
  options: ExpansionOptions,
): Float32Array {
  const expanded = Float32Array.from(vector);
  const top = fused.slice(0, options.documents);
  for (const { ordinal } of top) {
    const neighbour = vectorOf(ordinal);
    for (let d = 0; d < expanded.length; d++) expanded[d]! += (options.weight / top.length) * neighbour[d]!;
  }
  return normalize(expanded);
}
