import type { SearchEngine } from '../search/index.js';
import { exactDense, plainBm25, reciprocalRankFusion, type Retriever } from './baselines.js';
import { QUERY_KINDS, type EvalCollection, type EvalQuery } from './collections.js';
import { evaluateRanking, summarize, type MetricScores } from './metrics.js';

/** Ranking depth for every method: MAP is computed over the top 100. */
export const DEPTH = 100;

export const METHODS = ['bm25 (MiniSearch defaults)', 'dense (exact)', 'rrf (k=60)', 'lexical', 'dense', 'hybrid'] as const;
export type Method = (typeof METHODS)[number];

export interface CollectionReport {
  collection: string;
  queries: number;
  /** Method → metrics, over all queries and per query kind present. */
  overall: Record<Method, MetricScores>;
  byKind: Partial<Record<string, Record<Method, MetricScores>>>;
  perQuery: Array<{ id: string; kind: string; ndcg: Record<Method, number> }>;
  confidence: { answerableHigh: number; answerable: number; offTopicLow: number; offTopic: number };
}

function engineRetriever(engine: SearchEngine, mode: 'lexical' | 'dense' | 'hybrid'): (query: EvalQuery) => Promise<string[]> {
  return async (query) => (await engine.search(query.text, { k: DEPTH, mode })).results.map((result) => result.id);
}

export async function evaluateCollection(engine: SearchEngine, collection: EvalCollection): Promise<CollectionReport> {
  const bm25 = plainBm25(engine.index);
  const dense = exactDense(engine.index, engine.embedder);
  const asQuery = (retrieve: Retriever) => (query: EvalQuery) => retrieve(query.text, DEPTH);
  const methods: Record<Method, (query: EvalQuery) => Promise<string[]>> = {
    'bm25 (MiniSearch defaults)': asQuery(bm25),
    'dense (exact)': asQuery(dense),
    'rrf (k=60)': asQuery(reciprocalRankFusion([bm25, dense])),
    lexical: engineRetriever(engine, 'lexical'),
    dense: engineRetriever(engine, 'dense'),
    hybrid: engineRetriever(engine, 'hybrid'),
  };

  const scores = new Map<Method, MetricScores[]>(METHODS.map((m) => [m, []]));
  for (const query of collection.queries) {
    for (const method of METHODS) scores.get(method)!.push(evaluateRanking(await methods[method](query), query.judgments));
  }
  const summaryOf = (keep: (query: EvalQuery) => boolean) =>
    Object.fromEntries(METHODS.map((m) => [m, summarize(scores.get(m)!.filter((_, i) => keep(collection.queries[i]!)))])) as Record<Method, MetricScores>;
  const kinds = QUERY_KINDS.filter((kind) => collection.queries.some((q) => q.kind === kind));

  let answerableHigh = 0;
  for (const query of collection.queries) {
    if ((await engine.search(query.text, { k: 10 })).confidence === 'high') answerableHigh++;
  }
  let offTopicLow = 0;
  for (const text of collection.offTopic) {
    if ((await engine.search(text, { k: 10 })).confidence === 'low') offTopicLow++;
  }

  return {
    collection: collection.name,
    queries: collection.queries.length,
    overall: summaryOf(() => true),
    byKind: kinds.length > 1 ? Object.fromEntries(kinds.map((kind) => [kind, summaryOf((q) => q.kind === kind)])) : {},
    perQuery: collection.queries.map((query, i) => ({
      id: query.id,
      kind: query.kind,
      ndcg: Object.fromEntries(METHODS.map((m) => [m, scores.get(m)![i]!['ndcg@10']])) as Record<Method, number>,
    })),
    confidence: { answerableHigh, answerable: collection.queries.length, offTopicLow, offTopic: collection.offTopic.length },
  };
}
