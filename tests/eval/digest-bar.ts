import type { DigestEntry, DigestOptions, Encoder, SearchableIndex, SearchOptions } from '../../src/search/index.js';
import { DEFAULT_SEARCH, SearchEngine } from '../../src/search/index.js';
import { QUERY_KINDS, type EvalCollection } from './collections.js';
import { recommendCases } from './recommend.js';

/**
 * How well the digest's bar picks new papers: every labelled query is a watch and every paper of the
 * index counts as new (since generation 0). Which papers a watch keeps does not depend on which other
 * papers are new (each is judged on the whole library's answer), so this equals splitting the library
 * into old and new papers every possible way and adding up.
 */
export interface BarCounts {
  watches: number;
  /** Papers the digest listed. */
  listed: number;
  /** ... of which judged core or clearly relevant (grade 2-3), or at least marginally relevant (grade 1-3). */
  grade2: number;
  grade1: number;
  /** Papers judged grade 2-3 for the watches, listed or not. */
  relevant2: number;
  /** Watches with at least one paper listed. */
  withPapers: number;
}

export interface BarReport {
  minScore: number;
  perPaperConfidence: boolean;
  byKind: Record<string, BarCounts>;
  offTopic: BarCounts;
}

/** Confidence thresholds no paper can miss: the bar without its per-paper confidence part. */
const ANY_SIMILARITY = {
  probeDeviations: { lookup: -1000, question: -1000, passage: -1000 },
  termDeviations: 0,
  questionSimilarity: -2,
  passageSimilarity: -2,
};

export async function measureBar(
  index: SearchableIndex,
  encoder: Encoder,
  collection: EvalCollection,
  minScore: number,
  perPaperConfidence = true,
): Promise<BarReport> {
  const options: Partial<SearchOptions> = {
    digest: { ...DEFAULT_SEARCH.digest, minScore },
    ...(perPaperConfidence ? {} : { confidence: ANY_SIMILARITY }),
  };
  const engine = new SearchEngine(index, encoder, options);
  const since = { generation: 0 };
  const empty = (): BarCounts => ({ watches: 0, listed: 0, grade2: 0, grade1: 0, relevant2: 0, withPapers: 0 });
  const byKind: Record<string, BarCounts> = Object.fromEntries(['all', ...QUERY_KINDS].map((kind) => [kind, empty()]));

  const { entries } = await engine.digest(collection.queries.map((query) => ({ id: query.id, query: query.text, since })));
  entries.forEach((entry, i) => {
    const { kind, judgments } = collection.queries[i]!;
    for (const counts of [byKind.all!, byKind[kind]!]) tally(counts, entry, judgments);
  });

  const offTopic = empty();
  for (const entry of (await engine.digest(collection.offTopic.map((text, i) => ({ id: `off-topic-${i}`, query: text, since })))).entries) {
    offTopic.watches++;
    offTopic.listed += entry.hits.length;
    if (entry.hits.length > 0) offTopic.withPapers++;
  }
  return { minScore, perPaperConfidence, byKind, offTopic };
}

export function precision(counts: BarCounts, grade: 1 | 2): number {
  return counts.listed === 0 ? 1 : (grade === 2 ? counts.grade2 : counts.grade1) / counts.listed;
}

export function recall(counts: BarCounts): number {
  return counts.relevant2 === 0 ? 0 : counts.grade2 / counts.relevant2;
}

/**
 * How well the liked-set bar picks new papers: the researchers of `npm run eval -- --recommend` (for
 * each labelled query with enough relevant papers, 2 of them liked, 5 draws) each watch their liked
 * set, and every paper of the index counts as new. A listed paper is judged by the query the liked
 * papers were drawn from (the liked ones left out of the judgments, as the recommender never lists them).
 */
export async function measureLikedBar(
  index: SearchableIndex,
  encoder: Encoder,
  collection: EvalCollection,
  bar: Pick<DigestOptions, 'likedMinScore' | 'likedNeighbours'>,
): Promise<BarCounts> {
  const engine = new SearchEngine(index, encoder, { digest: { ...DEFAULT_SEARCH.digest, ...bar } });
  const cases = recommendCases(collection);
  const since = { generation: 0 };
  const { entries } = await engine.digest(cases.map((c, i) => ({ id: `${c.query}-${i}`, liked: c.liked, disliked: [], since })));
  const counts: BarCounts = { watches: 0, listed: 0, grade2: 0, grade1: 0, relevant2: 0, withPapers: 0 };
  entries.forEach((entry, i) => {
    tally(counts, entry, cases[i]!.judgments);
  });
  return counts;
}

/** Adds one watch's digest entry to `counts`, judged by `judgments`. */
function tally(counts: BarCounts, entry: DigestEntry, judgments: ReadonlyMap<string, number>): void {
  counts.watches++;
  counts.listed += entry.hits.length;
  counts.grade2 += entry.hits.filter((hit) => (judgments.get(hit.paper.id) ?? 0) >= 2).length;
  counts.grade1 += entry.hits.filter((hit) => (judgments.get(hit.paper.id) ?? 0) >= 1).length;
  counts.relevant2 += [...judgments.values()].filter((grade) => grade >= 2).length;
  if (entry.hits.length > 0) counts.withPapers++;
}
