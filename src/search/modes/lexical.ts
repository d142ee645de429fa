import { bestCoverage, lexicalHits, poolSize, type ModeContext, type Query, type Ranking } from './context.js';

/**
 * Exact words only: BM25 over titles and abstracts. A lookup's pool is deeper than k, so that papers
 * using its words together can be favoured from further down; any other query's answer is BM25's own
 * top k, and asking for no more lets pruning stop sooner (a pasted abstract in a large library).
 */
export async function rankLexical(context: ModeContext, query: Query, k: number): Promise<Ranking> {
  const hits = lexicalHits(context, query, query.phrase ? poolSize(context.options, k) : k);
  return { hits: hits.slice(0, k), evidence: { coverage: bestCoverage(hits) }, lists: { lexical: hits.map((hit) => hit.ordinal) } };
}
