import MiniSearch from 'minisearch';
import type { PaperIndex } from '../../src/index/index.js';
import type { Embedder } from '../../src/model/index.js';
import { exactTopK } from './exact-top-k.js';

/** A ranking function: query text → paper ids, best first. */
export type Retriever = (text: string, depth: number) => Promise<string[]>;

/** MiniSearch BM25 with its defaults over title and abstract: the plain lexical baseline. */
export function plainBm25(index: PaperIndex): Retriever {
  const search = new MiniSearch<{ id: string; title: string; abstract: string }>({ fields: ['title', 'abstract'] });
  search.addAll(index.allPapers().map(({ id, title, abstract }) => ({ id, title, abstract })));
  return async (text, depth) =>
    search
      .search(text)
      .slice(0, depth)
      .map((hit) => hit.id as string);
}

/** Brute-force cosine over every stored vector, query embedded plainly (truncated): the exact dense baseline. */
export function exactDense(index: PaperIndex, embedder: Embedder): Retriever {
  const vectors = Array.from({ length: index.size }, (_, ordinal) => index.vectorOf(ordinal));
  const ids = index.allPapers().map((paper) => paper.id);
  return async (text, depth) => {
    const [query] = await embedder.embed([text]);
    return exactTopK(vectors, query!, depth).map((ordinal) => ids[ordinal]!);
  };
}

/** Reciprocal-rank fusion (k = 60) of the top 200 of each retriever: the naive hybrid baseline. */
export function reciprocalRankFusion(retrievers: Retriever[], k = 60, pool = 200): Retriever {
  return async (text, depth) => {
    const scores = new Map<string, number>();
    for (const retrieve of retrievers) {
      for (const [rank, id] of (await retrieve(text, pool)).entries()) scores.set(id, (scores.get(id) ?? 0) + 1 / (k + rank + 1));
    }
    return [...scores.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, depth)
      .map(([id]) => id);
  };
}
