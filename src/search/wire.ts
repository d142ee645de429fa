import type { Watch, WireAnswer, WireDigest, WireFilter, WirePaper } from '../contract/schemas.js';
import { paperLink, type Paper } from '../papers/index.js';
import type { Digest, Since, Watched } from './digest.js';
import type { Answer } from './engine.js';
import type { PaperFilter } from './filter.js';

/**
 * The JSON form of an answer (of a search, or with a recommendation method as its mode), shared by every
 * front end: the API, the CLI's --json and the MCP tools' structured content.
 */
export function answerToWire<M extends string>(answer: Answer<M>): Omit<WireAnswer, 'mode'> & { mode: M } {
  return {
    query: answer.query,
    mode: answer.mode,
    took_ms: round(answer.elapsedMs, 2),
    confidence: answer.confidence,
    generation: answer.generation,
    results: answer.hits.map(hitToWire),
  };
}

function hitToWire({ paper, score, snippet, matchedWords, explanation }: Answer['hits'][number]): WireAnswer['results'][number] {
  return {
    id: paper.id,
    title: paper.title,
    score: round(score, 4),
    snippet,
    abstract: paper.abstract,
    matched_words: matchedWords,
    explain: {
      terms: explanation.terms,
      title: explanation.title,
      abstract: explanation.abstract,
      snippet_start: explanation.snippetStart,
      lexical_rank: explanation.lexicalRank,
      dense_rank: explanation.denseRank,
      passage: explanation.passage && { ...explanation.passage, similarity: round(explanation.passage.similarity, 4) },
    },
    ...(paper.authors ? { authors: paper.authors } : {}),
    ...(paper.year !== undefined ? { year: paper.year } : {}),
    ...(paper.venue ? { venue: paper.venue } : {}),
    ...(paperLink(paper) ? { url: paperLink(paper) } : {}),
  };
}

/** A paper record as stored, with a link to open it (its URL, else its DOI, arXiv or PubMed page). */
export function paperToWire(paper: Paper): WirePaper {
  const url = paperLink(paper);
  return { ...paper, ...(url ? { url } : {}) };
}

function round(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}

/** The filter fields of a request, as the engine takes them. */
export function filterFromWire(wire: WireFilter): PaperFilter {
  return { yearMin: wire.year_min, yearMax: wire.year_max, author: wire.author, venue: wire.venue, tag: wire.tag };
}

/** A `since` as the contract accepts it (checked already): a generation number, else an ISO date or date-time. */
export function sinceFromWire(since: string): Since {
  return /^\d+$/.test(since) ? { generation: Number(since) } : { at: Date.parse(since) };
}

/** A `since` as the contract writes it, for people: a generation number says so. */
export function sinceLabel(since: string): string {
  return /^\d+$/.test(since) ? `generation ${since}` : since;
}

/** The watches (saved queries and liked sets) as the digest takes them: each new since `since`, or since it was added. */
export function digestWatches(watches: readonly Watch[], since: string | undefined): Watched[] {
  return watches.map((watch) => {
    const common = { id: watch.id, filter: filterFromWire(watch), since: sinceFromWire(since ?? watch.created_at) };
    return watch.liked
      ? { ...common, liked: watch.liked, disliked: watch.disliked ?? [], ...(watch.name ? { name: watch.name } : {}) }
      : { ...common, query: watch.query ?? '' };
  });
}

/**
 * The JSON form of a digest of `watches` (its entries are theirs, in order), shared by the API and the
 * CLI's --json; `since` as asked (absent: each watch counts from its creation).
 */
export function digestToWire(digest: Digest, watches: readonly Watch[], since: string | undefined): WireDigest {
  return {
    ...(since !== undefined ? { since } : {}),
    generation: digest.generation,
    watches: digest.entries.map((entry, i) => ({
      id: entry.watch.id,
      ...watchedToWire(entry.watch),
      since: since ?? watches[i]!.created_at,
      papers: entry.hits.map((hit) => ({ ...hitToWire(hit), added_at: new Date(hit.added.at).toISOString(), why: hit.reason })),
    })),
  };
}

/** What a watch of a digest watches: its query, or its liked set (disliked ids and name when it has them). */
function watchedToWire(watch: Watched): Pick<WireDigest['watches'][number], 'query' | 'liked' | 'disliked' | 'name'> {
  if ('query' in watch) return { query: watch.query };
  return {
    liked: [...watch.liked],
    ...(watch.disliked.length ? { disliked: [...watch.disliked] } : {}),
    ...(watch.name ? { name: watch.name } : {}),
  };
}

/**
 * A watch in one line for people: its query in quotes, or its liked set as the ids it likes (and,
 * after "; not", dislikes), after its name when it has one.
 */
export function watchLabel(watch: { query?: string; liked?: readonly string[]; disliked?: readonly string[]; name?: string }): string {
  if (!watch.liked) return `"${watch.query}"`;
  const unlike = watch.disliked?.length ? `; not ${watch.disliked.join(', ')}` : '';
  return `${watch.name ? `"${watch.name}": ` : ''}papers like ${watch.liked.join(', ')}${unlike}`;
}
