import { bestCoverage, lexicalHits, poolSize, type ModeContext, type Query, type Ranking } from './context.js';

/** Exact words only: BM25 over titles and abstracts. */
export async function rankLexical(context: ModeContext, query: Query, k: number): Promise<Ranking> {
  const hits = lexicalHits(context, query, poolSize(context.options, k));
  return { hits: hits.slice(0, k), evidence: { coverage: bestCoverage(hits) }, lists: { lexical: hits.map((hit) => hit.ordinal) } };
}
