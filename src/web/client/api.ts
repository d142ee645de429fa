import type { Confidence, Mode, RecommendMode } from '../../contract/values.js';
import type { Filter } from '../filters.js';
import { accessToken } from './token.js';

/** One result, as the JSON API sends it (src/contract/schemas.ts). */
export interface SearchResult {
  id: string;
  title: string;
  score: number;
  snippet: string;
  abstract: string;
  /** Words of the title and abstract, as written there, whose analyzed terms matched the query. */
  matched_words: string[];
  /** Why the paper is there; the page highlights from its ranges. */
  explain: Explain;
  authors?: string[];
  year?: number;
  venue?: string;
  url?: string;
}

/** A query term where it stands in a text: `text.slice(start, end)` is the word as written. */
export interface TermRange {
  term: string;
  start: number;
  end: number;
}

/** A result's explanation (ExplainSchema in src/contract/schemas.ts). */
export interface Explain {
  terms: string[];
  title: TermRange[];
  abstract: TermRange[];
  snippet_start: number;
  lexical_rank: number | null;
  dense_rank: number | null;
  passage: { field: 'title' | 'abstract'; start: number; end: number; similarity: number } | null;
}

export interface SearchAnswer {
  query: string;
  mode: Mode;
  took_ms: number;
  confidence: Confidence;
  /** The index generation that answered. */
  generation: number;
  results: SearchResult[];
}

/** An answer of POST /api/recommend: a search answer whose mode is the recommendation method. */
export type RecommendAnswer = Omit<SearchAnswer, 'mode'> & { mode: RecommendMode };

export interface Paper {
  id: string;
  title: string;
  abstract: string;
  authors?: string[];
  year?: number;
  venue?: string;
  url?: string;
}

/** A request the API refused or could not answer; `status` is 0 when the server could not be reached. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfter: string | null = null,
  ) {
    super(message);
  }
}

export function search(q: string, mode: string, k: string | undefined, filter: Filter, signal: AbortSignal): Promise<SearchAnswer> {
  const params = new URLSearchParams({ q, mode, ...filter, ...(k === undefined ? {} : { k }) });
  return call(`/api/search?${params}`, {}, signal);
}

export function similarToText(
  text: string,
  mode: string,
  k: string | undefined,
  filter: Filter,
  signal: AbortSignal,
): Promise<SearchAnswer> {
  // k goes as a number (a URL's "abc" becomes null, which the API reports as not a whole number); a year
  // may go as text, which the API reads as a number or reports as not a year.
  const body = JSON.stringify({ text, mode, ...filter, ...(k === undefined ? {} : { k: Number(k) }) });
  return call('/api/similar', { method: 'POST', body, headers: { 'content-type': 'application/json' } }, signal);
}

export function paper(id: string, signal: AbortSignal): Promise<Paper> {
  return call(`/api/papers/${encodeURIComponent(id)}`, {}, signal);
}

export function similarToPaper(id: string, k: string | undefined, filter: Filter, signal: AbortSignal): Promise<SearchAnswer> {
  const params = new URLSearchParams({ ...filter, ...(k === undefined ? {} : { k }) });
  return call(`/api/papers/${encodeURIComponent(id)}/similar?${params}`, {}, signal);
}

/** Papers for someone who liked `liked` and not `disliked`, within the filters (POST /api/recommend, the default method). */
export function recommend(liked: string[], disliked: string[], filter: Filter, signal: AbortSignal): Promise<RecommendAnswer> {
  const body = JSON.stringify({ liked, ...(disliked.length ? { disliked } : {}), ...filter });
  return call('/api/recommend', { method: 'POST', body, headers: { 'content-type': 'application/json' } }, signal);
}

/** A saved watch, as POST /api/watches answers it. */
export interface Watch {
  id: string;
  created_at: string;
  query?: string;
  liked?: string[];
}

/** Saves a liked set (and the filters) as a watch; `created` is false when it was already watched. */
export async function watchLikes(
  liked: string[],
  disliked: string[],
  filter: Filter,
  signal: AbortSignal,
): Promise<{ watch: Watch; created: boolean }> {
  const body = JSON.stringify({ liked, ...(disliked.length ? { disliked } : {}), ...filter });
  const response = await send(
    '/api/watches',
    'application/json',
    { method: 'POST', body, headers: { 'content-type': 'application/json' } },
    signal,
  );
  return { watch: (await response.json()) as Watch, created: response.status === 201 };
}

/** A paper's BibTeX entry, as the API exports it. */
export async function bibtex(id: string, signal: AbortSignal): Promise<string> {
  const response = await send(`/api/papers/${encodeURIComponent(id)}?format=bibtex`, 'application/x-bibtex', {}, signal);
  return response.text();
}

/** A digest paper: a result with why it is new for you (GET /api/digest). */
export interface DigestPaper extends SearchResult {
  added_at: string;
  why: string;
}

export interface Digest {
  since?: string;
  generation: number;
  watches: Array<{
    id: string;
    query?: string;
    liked?: string[];
    disliked?: string[];
    name?: string;
    since: string;
    papers: DigestPaper[];
  }>;
}

/** For each watch, the new papers that match it well, since each watch was added. */
export function digest(signal: AbortSignal): Promise<Digest> {
  return call('/api/digest', {}, signal);
}

/** A cluster of the map: a region of related papers, named by its most distinctive terms. */
export interface MapCluster {
  id: number;
  label: string;
  terms: string[];
  size: number;
  x: number;
  y: number;
}

/** GET /api/map: every paper's place on the 2-D map of the library, as parallel arrays, and the clusters. */
export interface MapLayout {
  generation: number;
  points: { ids: string[]; x: number[]; y: number[]; cluster: number[] };
  clusters: MapCluster[];
}

export function mapLayout(signal: AbortSignal): Promise<MapLayout> {
  return call('/api/map', {}, signal);
}

/** Where a query would sit on the map. */
export interface MapPosition {
  x: number;
  y: number;
}

export function mapPosition(q: string, signal: AbortSignal): Promise<MapPosition> {
  return call(`/api/map/position?${new URLSearchParams({ q })}`, {}, signal);
}

/** One JSON API call; see `send`. */
async function call<T>(path: string, init: RequestInit, signal: AbortSignal): Promise<T> {
  const response = await send(path, 'application/json', init, signal);
  const body: unknown = await response.json().catch(() => undefined);
  if (body === undefined) throw new ApiFailure(response.status, 'The server sent an answer this page cannot read.');
  return body as T;
}

/** One API call, with the session's access token when there is one; a refusal becomes an ApiFailure carrying the API's message. */
async function send(path: string, accept: string, init: RequestInit, signal: AbortSignal): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('accept', accept);
  const token = accessToken();
  if (token !== null) headers.set('authorization', `Bearer ${token}`);
  let response: Response;
  try {
    response = await fetch(path, { ...init, headers, signal });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new ApiFailure(0, `Could not reach the server (${error instanceof Error ? error.message : String(error)}). Is it still running?`);
  }
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => undefined);
    const message = errorMessage(body) ?? `${response.status} ${response.statusText || 'error'}`.trim();
    throw new ApiFailure(response.status, message, response.headers.get('retry-after'));
  }
  return response;
}

function errorMessage(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || !('error' in body)) return undefined;
  const { error } = body as { error: unknown };
  if (typeof error !== 'object' || error === null || !('message' in error)) return undefined;
  const { message } = error as { message: unknown };
  return typeof message === 'string' ? message : undefined;
}
