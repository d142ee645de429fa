import MiniSearch from 'minisearch';
import type { Paper } from '../papers/index.js';
import { analyze, analyzeTerm, tokenize } from './analyzer.js';

export interface LexicalHit {
  ordinal: number;
  score: number;
  /** Fraction of the query's distinct terms this paper contains. */
  coverage: number;
}

type Document = { id: number; title: string; abstract: string };

const MINISEARCH_OPTIONS = { fields: ['title', 'abstract'], tokenize, processTerm: analyzeTerm };

/**
 * BM25 over titles and abstracts (MiniSearch) with stemming and stop-words, plus each term's document
 * frequency (for idf-weighted snippets). Built once with the index and saved beside it, because
 * tokenizing and stemming a large corpus at every server start would dominate start-up.
 */
export class LexicalIndex {
  private constructor(
    private readonly search: MiniSearch<Document>,
    private readonly documentFrequency: Map<string, number>,
    readonly documentCount: number,
  ) {}

  static build(papers: readonly Paper[]): LexicalIndex {
    const search = new MiniSearch<Document>(MINISEARCH_OPTIONS);
    search.addAll(papers.map((paper, ordinal) => ({ id: ordinal, title: paper.title, abstract: paper.abstract })));
    const documentFrequency = new Map<string, number>();
    for (const paper of papers) {
      for (const term of new Set(analyze(`${paper.title} ${paper.abstract}`))) documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
    }
    return new LexicalIndex(search, documentFrequency, papers.length);
  }

  static fromJSON(json: string): LexicalIndex {
    const saved = JSON.parse(json) as { minisearch: unknown; documentFrequency: Array<[string, number]>; documentCount: number };
    const search = MiniSearch.loadJS<Document>(saved.minisearch as Parameters<typeof MiniSearch.loadJS>[0], MINISEARCH_OPTIONS);
    return new LexicalIndex(search, new Map(saved.documentFrequency), saved.documentCount);
  }

  toJSON(): string {
    return JSON.stringify({ minisearch: this.search.toJSON(), documentFrequency: [...this.documentFrequency], documentCount: this.documentCount });
  }

  /** Inverse document frequency of an analyzed term; unseen terms count as rare. */
  idf(term: string): number {
    const df = this.documentFrequency.get(term) ?? 0;
    return Math.log(1 + (this.documentCount - df + 0.5) / (df + 0.5));
  }

  /** BM25 hits, best first; `titleBoost` weighs a title match relative to an abstract match. */
  query(text: string, limit: number, titleBoost: number): LexicalHit[] {
    const terms = new Set(analyze(text));
    if (terms.size === 0) return [];
    return this.search
      .search(text, { boost: { title: titleBoost }, combineWith: 'OR' })
      .slice(0, limit)
      .map((hit) => ({ ordinal: hit.id as number, score: hit.score, coverage: Object.keys(hit.match).length / terms.size }));
  }
}
