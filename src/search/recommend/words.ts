import { embeddingText } from '../../index/index.js';
import { analyze } from '../../text/index.js';
import { lexicalHits, type ModeContext } from '../modes/context.js';
import { marked, type Taste } from './taste.js';

/** A liked paper's own words as a BM25 query: the papers that share them, by score, and how long the query was. */
export interface WordEvidence {
  termCount: number;
  scores: Map<number, number>;
}

/** Each liked paper's title and abstract as a BM25 query over the index (within the filter), without the taste's own papers. */
export function wordEvidence(context: ModeContext, taste: Taste): WordEvidence[] {
  const excluded = marked(taste);
  return taste.liked.map((ordinal) => {
    const text = embeddingText(context.index.paper(ordinal));
    const termCount = analyze(text).length;
    const hits = lexicalHits(context, { text, termCount, self: ordinal }, context.options.recommend.neighbours + excluded.size);
    return { termCount, scores: new Map(hits.filter((hit) => !excluded.has(hit.ordinal)).map((hit) => [hit.ordinal, hit.score])) };
  });
}
