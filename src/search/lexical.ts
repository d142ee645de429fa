import MiniSearch from 'minisearch';
import type { Paper } from '../papers/index.js';
import { analyze, analyzeTerm, tokenize } from './analyzer.js';

export interface LexicalOptions {
  /** BM25 weight of a title match relative to an abstract match. */
  titleBoost: number;
}

export const DEFAULT_LEXICAL: LexicalOptions = { titleBoost: 0.7 };

export interface LexicalHit {
  ordinal: number;
  score: number;
  /** Fraction of the query's distinct terms this paper contains. */
  coverage: number;
}

/** BM25 over titles and abstracts (MiniSearch), with stemming and stop-words, plus document frequencies for snippets. */
export class LexicalIndex {
  private readonly search: MiniSearch<{ id: number; title: string; abstract: string }>;
  private readonly documentFrequency = new Map<string, number>();
  readonly documentCount: number;

  constructor(papers: readonly Paper[], private readonly options: LexicalOptions = DEFAULT_LEXICAL) {
    this.search = new MiniSearch({
      fields: ['title', 'abstract'],
      tokenize,
      processTerm: analyzeTerm,
    });
    this.search.addAll(papers.map((paper, ordinal) => ({ id: ordinal, title: paper.title, abstract: paper.abstract })));
    for (const paper of papers) {
      for (const term of new Set(analyze(`${paper.title} ${paper.abstract}`))) {
        this.documentFrequency.set(term, (this.documentFrequency.get(term) ?? 0) + 1);
      }
    }
    this.documentCount = papers.length;
  }

  /** Inverse document frequency of an analyzed term; unseen terms count as rare. */
  idf(term: string): number {
    const df = this.documentFrequency.get(term) ?? 0;
    return Math.log(1 + (this.documentCount - df + 0.5) / (df + 0.5));
  }

  query(text: string, limit: number): LexicalHit[] {
    const terms = new Set(analyze(text));
    if (terms.size === 0) return [];
    return this.search
      .search(text, { boost: { title: this.options.titleBoost }, combineWith: 'OR' })
      .slice(0, limit)
      .map((hit) => ({ ordinal: hit.id as number, score: hit.score, coverage: Object.keys(hit.match).length / terms.size }));
  }
}
