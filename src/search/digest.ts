import type { PaperAdded } from '../index/index.js';
import type { Paper } from '../papers/index.js';
import { analyze } from '../text/index.js';
import type { Hit } from './engine.js';
import type { PaperFilter } from './filter.js';
import type { SearchOptions } from './options.js';

/** A point in the library's history: a time (milliseconds since the epoch) or a build's generation. */
export type Since = { at: number } | { generation: number };

/** True when a paper added as `added` is new since `since` (added strictly after it). */
export function isAddedAfter(added: PaperAdded, since: Since): boolean {
  return 'at' in since ? added.at > since.at : added.generation > since.generation;
}

/** A saved query as the digest takes it: what to search, within which filters, new since when. */
export interface WatchedQuery {
  id: string;
  query: string;
  filter?: PaperFilter;
  since: Since;
}

/** A new paper that matches a watch well, with the evidence it was kept on. */
export interface DigestHit extends Hit {
  added: PaperAdded;
  /** Cosine similarity between the query and the paper. */
  similarity: number;
  /** Share of the query's distinct terms the paper's title and abstract contain. */
  coverage: number;
  /** Why it cleared the bar, in one line for people. */
  reason: string;
}

export interface DigestEntry {
  watch: WatchedQuery;
  /** Best first; empty when nothing new matched well. */
  hits: DigestHit[];
}

export interface Digest {
  /** The generation of the index every entry came from: a later digest `since` it lists only newer papers. */
  generation: number;
  /** One per watch, in the order given. */
  entries: DigestEntry[];
}

export interface DigestOptions {
  /**
   * The fused hybrid score, over the whole library, a new paper needs: how far it stands out from
   * the query's other candidates. Chosen with `npm run eval:digest` (see the README, "What's new for you").
   */
  minScore: number;
}

export const DEFAULT_DIGEST: DigestOptions = { minScore: 2.5 };

/** What the bar judges a paper of a watch's whole-library hybrid ranking by. */
export interface Candidate {
  paper: Paper;
  /** Its fused hybrid score. */
  score: number;
  /** Its cosine similarity to the query. */
  similarity: number;
}

/**
 * The bar a paper of a watch's whole-library hybrid ranking must clear to be in the digest: it stands
 * out among the query's candidates (fused score ≥ `minScore`; the off-topic queries of the seed sets
 * reach that too, as the best of unrelated papers always stands out from the rest), and on its own
 * it would make the answer confident (it is as close in meaning as the confidence rule asks of a
 * query of this length, `similarityBar`, or contains every term of the query), which no off-topic
 * query's paper is. Returns the evidence and the reason, or undefined when the paper falls short.
 */
export function clearsBar(
  candidate: Candidate,
  queryTerms: readonly string[],
  similarityBar: number,
  options: SearchOptions,
): Pick<DigestHit, 'similarity' | 'coverage' | 'reason'> | undefined {
  const { paper, score, similarity } = candidate;
  if (score < options.digest.minScore) return undefined;
  const coverage = termCoverage(paper, queryTerms);
  if (similarity < similarityBar && coverage < 1) return undefined;
  const close =
    similarity >= similarityBar
      ? `close in meaning (similarity ${similarity.toFixed(2)}, bar ${similarityBar.toFixed(2)})`
      : 'contains every term of the query';
  const reason = `${close}; stands out among the whole library's matches (score ${score.toFixed(2)}, bar ${options.digest.minScore})`;
  return { similarity, coverage, reason };
}

function termCoverage(paper: Paper, queryTerms: readonly string[]): number {
  const distinct = new Set(queryTerms);
  if (distinct.size === 0) return 0;
  const paperTerms = new Set(analyze(`${paper.title} ${paper.abstract}`));
  let found = 0;
  for (const term of distinct) if (paperTerms.has(term)) found++;
  return found / distinct.size;
}
