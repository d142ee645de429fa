import { create, insertMultiple, search as oramaSearch } from '@orama/orama';
import MiniSearch from 'minisearch';
import type { EvalCollection } from '../eval/collections.js';
import { engineRanking, type EvalSubject } from '../eval/evaluate.js';
import { exactTopK } from '../eval/exact-top-k.js';
import { evaluateRanking, summarize } from '../eval/metrics.js';
import type { Progress } from './progress.js';
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
export async function measurePeers(
  { engine, index, embedder }: EvalSubject,
  collection: EvalCollection,
  progress: Progress,
): Promise<PeerResult[]> {
  const papers = index.allPapers();
  const queries = collection.queries;
  const vectors = await embedder.embed(queries.map((q) => q.text));
  for (const query of queries) await engine.search(query.text); // fills the query-vector cache

  progress(`peers: indexing the ${papers.length} seed papers in Orama and MiniSearch`);
  const orama = create({ schema: { id: 'string', title: 'string', abstract: 'string', embedding: 'vector[384]' } as const });
  await insertMultiple(
    orama,
    papers.map((paper, ordinal) => ({
      id: paper.id,
      title: paper.title,
      abstract: paper.abstract,
      embedding: Array.from(index.vectorOf(ordinal)),
    })),
  );
  const minisearch = new MiniSearch<{ id: string; title: string; abstract: string }>({ fields: ['title', 'abstract'] });
  minisearch.addAll(papers.map(({ id, title, abstract }) => ({ id, title, abstract })));
  const stored = papers.map((_, ordinal) => index.vectorOf(ordinal));

  const oramaIds = (result: Awaited<ReturnType<typeof oramaSearch>>) => result.hits.map((hit) => (hit.document as { id: string }).id);
  const runners: Record<string, (i: number) => Promise<string[]> | string[]> = {
    'paper-search hybrid': (i) => engineRanking(engine, queries[i]!.text, 10),
    'paper-search dense (HNSW)': (i) => engineRanking(engine, queries[i]!.text, 10, 'dense'),
    'paper-search lexical': (i) => engineRanking(engine, queries[i]!.text, 10, 'lexical'),
    'exact brute force (dense)': (i) => exactTopK(stored, vectors[i]!, 10).map((ordinal) => papers[ordinal]!.id),
    'MiniSearch BM25 (defaults)': (i) =>
      minisearch
        .search(queries[i]!.text)
        .slice(0, 10)
        .map((hit) => hit.id as string),
    'Orama full-text': async (i) =>
      oramaIds(await oramaSearch(orama, { term: queries[i]!.text, properties: ['title', 'abstract'], limit: 10 })),
    'Orama vector': async (i) =>
      oramaIds(
        await oramaSearch(orama, {
          mode: 'vector',
          vector: { value: Array.from(vectors[i]!), property: 'embedding' },
          similarity: 0,
          limit: 10,
        }),
      ),
    'Orama hybrid': async (i) =>
      oramaIds(
        await oramaSearch(orama, {
          mode: 'hybrid',
          term: queries[i]!.text,
          vector: { value: Array.from(vectors[i]!), property: 'embedding' },
          similarity: 0,
          limit: 10,
        }),
      ),
  };

  const results: PeerResult[] = [];
  const contenders = Object.entries(runners);
  for (const [position, [name, run]] of contenders.entries()) {
    progress(`peers: ${name} (${position + 1} of ${contenders.length})`);
    const rankings: string[][] = [];
    for (let i = 0; i < queries.length; i++) rankings.push(await run(i));
    const times = await timeEach(queries.length * 3, (i) => run(i % queries.length));
    const ndcg = summarize(rankings.map((ranking, i) => evaluateRanking(ranking, queries[i]!.judgments)))['ndcg@10'];
    results.push({ name, p50Ms: round(percentile(times, 50), 3), p99Ms: round(percentile(times, 99), 3), ndcgAt10: round(ndcg, 3) });
  }
  return results;
}
