import { create, insertMultiple, search as oramaSearch } from '@orama/orama';
import MiniSearch from 'minisearch';
import type { EvalCollection } from '../eval/collections.js';
import { evaluateRanking, summarize } from '../eval/metrics.js';
import type { SearchEngine } from '../search/index.js';
import { percentile, round, timeEach } from './stats.js';

export interface PeerResult {
  name: string;
  p50Ms: number;
  p99Ms: number;
  ndcgAt10: number;
}

/**
 * Search-stage latency (query vectors computed beforehand, so no model time) and nDCG@10 of our modes
 * and of the peers, on the same seed papers and labelled queries.
 */
export async function measurePeers(engine: SearchEngine, collection: EvalCollection): Promise<PeerResult[]> {
  const papers = engine.index.allPapers();
  const queries = collection.queries;
  const vectors = await engine.embedder.embed(queries.map((q) => q.text));
  for (const query of queries) await engine.search(query.text); // fills the query-vector cache

  const orama = create({ schema: { id: 'string', title: 'string', abstract: 'string', embedding: 'vector[384]' } as const });
  await insertMultiple(orama, papers.map((paper, ordinal) => ({ id: paper.id, title: paper.title, abstract: paper.abstract, embedding: Array.from(engine.index.vectorOf(ordinal)) })));
  const minisearch = new MiniSearch<{ id: string; title: string; abstract: string }>({ fields: ['title', 'abstract'] });
  minisearch.addAll(papers.map(({ id, title, abstract }) => ({ id, title, abstract })));
  const stored = papers.map((_, ordinal) => engine.index.vectorOf(ordinal));

  const oramaIds = (result: Awaited<ReturnType<typeof oramaSearch>>) => result.hits.map((hit) => (hit.document as { id: string }).id);
  const runners: Record<string, (i: number) => Promise<string[]> | string[]> = {
    'paper-search hybrid': async (i) => (await engine.search(queries[i]!.text, { k: 10 })).results.map((r) => r.id),
    'paper-search dense (HNSW)': async (i) => (await engine.search(queries[i]!.text, { k: 10, mode: 'dense' })).results.map((r) => r.id),
    'paper-search lexical': async (i) => (await engine.search(queries[i]!.text, { k: 10, mode: 'lexical' })).results.map((r) => r.id),
    'exact brute force (dense)': (i) => stored
      .map((v, ordinal) => [v.reduce((sum, x, d) => sum + x * vectors[i]![d]!, 0), ordinal] as const)
      .sort((a, b) => b[0] - a[0]).slice(0, 10).map(([, ordinal]) => papers[ordinal]!.id),
    'MiniSearch BM25 (defaults)': (i) => minisearch.search(queries[i]!.text).slice(0, 10).map((hit) => hit.id as string),
    'Orama full-text': async (i) => oramaIds(await oramaSearch(orama, { term: queries[i]!.text, properties: ['title', 'abstract'], limit: 10 })),
    'Orama vector': async (i) => oramaIds(await oramaSearch(orama, { mode: 'vector', vector: { value: Array.from(vectors[i]!), property: 'embedding' }, similarity: 0, limit: 10 })),
    'Orama hybrid': async (i) => oramaIds(await oramaSearch(orama, { mode: 'hybrid', term: queries[i]!.text, vector: { value: Array.from(vectors[i]!), property: 'embedding' }, similarity: 0, limit: 10 })),
  };

  const results: PeerResult[] = [];
  for (const [name, run] of Object.entries(runners)) {
    const rankings: string[][] = [];
    for (let i = 0; i < queries.length; i++) rankings.push(await run(i));
    const times = await timeEach(queries.length * 3, (i) => run(i % queries.length));
    const ndcg = summarize(rankings.map((ranking, i) => evaluateRanking(ranking, queries[i]!.judgments)))['ndcg@10'];
    results.push({ name, p50Ms: round(percentile(times, 50), 3), p99Ms: round(percentile(times, 99), 3), ndcgAt10: round(ndcg, 3) });
  }
  return results;
}
