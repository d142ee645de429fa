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

/** A liked set as the digest takes it: papers like the liked ones (and unlike the disliked ones), within which filters, new since when. */
export interface WatchedLikes {
  id: string;
  liked: readonly string[];
  disliked: readonly string[];
  name?: string;
  filter?: PaperFilter;
  since: Since;
}

export type Watched = WatchedQuery | WatchedLikes;

/** A new paper that matches a watch well, with the evidence it was kept on. */
export interface DigestHit extends Hit {
  added: PaperAdded;
  /** Cosine similarity between the query and the paper, or between the paper and its closest liked paper. */
  similarity: number;
  /** Of a query's watch: the share of the query's distinct terms the paper's title and abstract contain. */
  coverage?: number;
  /** Of a liked set's watch: the liked paper this one is closest to in meaning. */
  closestLiked?: Paper;
  /** Why it cleared the bar, in one line for people. */
  reason: string;
}

export interface DigestEntry {
  watch: Watched;
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
  /**
   * The same for a liked set: the recommendation score (the default method's fused z-score over its
   * candidates from the whole library) a new paper needs. Chosen with `npm run eval:digest`.
   */
  likedMinScore: number;
  /**
   * A liked set's new paper must also be as close to one liked paper as that paper's nearest
   * `likedNeighbours` papers of the library are (it would be among them). Chosen with `npm run eval:digest`.
   */
  likedNeighbours: number;
}

export const DEFAULT_DIGEST: DigestOptions = { minScore: 2.5, likedMinScore: 3, likedNeighbours: 5 };

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

/** What the liked-set bar judges a paper of the liked set's whole-library recommendations by. */
export interface LikedCandidate {
  /** Its recommendation score. */
  score: number;
  /**
   * The liked paper it is closest to, their cosine similarity, and the similarity of that liked
   * paper's `likedNeighbours`-th nearest paper (marked papers aside, the watch's filters applied).
   */
  closest: { paper: Paper; similarity: number; neighbourSimilarity: number };
}

/**
 * The bar for a liked set, the counterpart of `clearsBar`, measured on the labelled seed sets (README,
 * "What's new for you"): the paper stands out among the recommendations for the set (score ≥
 * `likedMinScore`), and it is one of the nearest papers of a liked paper (as close to it as its
 * `likedNeighbours`-th nearest paper). The second part is relative because papers of one field are all
 * close: the search confidence's cosine bar for a pasted abstract (0.57) kept nearly every robotics
 * paper for any robotics paper (a share of 0.04 judged relevant), while a liked paper's own nearest
 * papers say how close "close" is in its part of the library.
 */
export function clearsLikedBar(
  candidate: LikedCandidate,
  options: SearchOptions,
): Pick<DigestHit, 'similarity' | 'closestLiked' | 'reason'> | undefined {
  const { score, closest } = candidate;
  const { likedMinScore, likedNeighbours } = options.digest;
  if (score < likedMinScore || closest.similarity < closest.neighbourSimilarity) return undefined;
  const reason =
    `closest to the liked paper "${closest.paper.title}", as close as its ${likedNeighbours} nearest papers ` +
    `(similarity ${closest.similarity.toFixed(2)}, bar ${closest.neighbourSimilarity.toFixed(2)}); ` +
    `stands out among the recommendations for the liked set (score ${score.toFixed(2)}, bar ${likedMinScore})`;
  return { similarity: closest.similarity, closestLiked: closest.paper, reason };
}
