import type { PaperIndex } from '../../src/index/index.js';
import type { Embedder } from '../../src/model/index.js';
import type { SearchEngine, SearchRequest } from '../../src/search/index.js';
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

/** The engine under test, and the index and model it searches, which the baselines use directly. */
export interface EvalSubject {
  engine: SearchEngine;
  index: PaperIndex;
  embedder: Embedder;
}

/** The engine's answer as paper ids, best first. */
export async function engineRanking(engine: SearchEngine, text: string, k: number, mode?: SearchRequest['mode']): Promise<string[]> {
  return (await engine.search(text, { k, mode })).hits.map((hit) => hit.paper.id);
}

export async function evaluateCollection({ engine, index, embedder }: EvalSubject, collection: EvalCollection): Promise<CollectionReport> {
  const bm25 = plainBm25(index);
  const dense = exactDense(index, embedder);
  const ranked = (mode: SearchRequest['mode']) => (query: EvalQuery) => engineRanking(engine, query.text, DEPTH, mode);
  const asQuery = (retrieve: Retriever) => (query: EvalQuery) => retrieve(query.text, DEPTH);
  const methods: Record<Method, (query: EvalQuery) => Promise<string[]>> = {
    'bm25 (MiniSearch defaults)': asQuery(bm25),
    'dense (exact)': asQuery(dense),
    'rrf (k=60)': asQuery(reciprocalRankFusion([bm25, dense])),
    lexical: ranked('lexical'),
    dense: ranked('dense'),
    hybrid: ranked('hybrid'),
  };

  const scores = new Map<Method, MetricScores[]>(METHODS.map((m) => [m, []]));
  for (const query of collection.queries) {
    for (const method of METHODS) scores.get(method)!.push(evaluateRanking(await methods[method](query), query.judgments));
  }
  const summaryOf = (keep: (query: EvalQuery) => boolean) =>
    Object.fromEntries(METHODS.map((m) => [m, summarize(scores.get(m)!.filter((_, i) => keep(collection.queries[i]!)))])) as Record<
      Method,
      MetricScores
    >;
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
