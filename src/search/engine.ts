import { basename } from 'node:path';
import { LRUCache } from 'lru-cache';
import { DEFAULT_MODE, RESULT_COUNT, type Confidence, type Mode } from '../contract/values.js';
import { builtWith, describeModel, embeddingText } from '../index/index.js';
import type { Paper } from '../papers/index.js';
import { analyze } from '../text/index.js';
import { isConfident } from './confidence.js';
import { clearsBar, type DigestEntry, type DigestHit, isAddedAfter, type WatchedQuery } from './digest.js';
import { dot } from './modes/context.js';
import { FilterIndex, type PaperFilter } from './filter.js';
import { RANKERS, type ModeContext, type Query } from './modes/index.js';
import { DEFAULT_SEARCH, type SearchOptions } from './options.js';
import type { Encoder, SearchableIndex } from './ports.js';
import { Snippets } from './snippet.js';

export interface SearchRequest {
  k?: number;
  mode?: Mode;
  /** Only papers this keeps are ranked; k results still come back when k papers pass it. */
  filter?: PaperFilter;
}

/** One paper of an answer, with why it is there. */
export interface Hit {
  paper: Paper;
  /** Higher is better; comparable within one answer (its meaning depends on the mode). */
  score: number;
  /** The part of the abstract that best matches the query. */
  snippet: string;
  /** Words of the title and abstract (as written) whose analyzed term is one of the query's. */
  matchedWords: string[];
}

export interface Answer {
  /** The query text, or the paper id for similar-to-paper. */
  query: string;
  mode: Mode;
  confidence: Confidence;
  hits: Hit[];
  elapsedMs: number;
}

/** What is being served: enough for /health, the page and a CLI banner. */
export interface Description {
  papers: number;
  model: string;
  precision: string;
  builtAt: string;
  /** Papers by the file each was first read from (file names only). */
  sources: Array<{ source: string; papers: number }>;
}

export class PaperNotFoundError extends Error {
  constructor(readonly id: string) {
    super(`no paper with id "${id}"`);
  }
}

/** The index was built with another model than the one given to search it. */
export class ModelMismatchError extends Error {}

/**
 * Question answering and similar-paper search over one index, shared by every front end. The modes
 * (`modes/`) rank; the engine adds snippets, matched words and confidence, and returns domain objects
 * that each front end shapes for its medium.
 *
 * ```ts
 * const engine = new SearchEngine(loadIndex('index'), await Embedder.load({ modelsDir: 'models' }));
 * const answer = await engine.search('how do robots learn from demonstrations?', { k: 5 });
 * ```
 */
export class SearchEngine {
  readonly options: SearchOptions;
  private readonly queryVectors: LRUCache<string, Float32Array>;
  private readonly snippets: Snippets;
  private readonly context: ModeContext;
  private readonly filters: FilterIndex;

  constructor(
    readonly index: SearchableIndex,
    readonly encoder: Encoder,
    options: Partial<SearchOptions> = {},
  ) {
    this.options = { ...DEFAULT_SEARCH, ...options };
    if (!builtWith(index.manifest, encoder.info)) {
      throw new ModelMismatchError(
        `the index was built with ${describeModel(index.manifest.model)} but the loaded model is ${describeModel(encoder.info)}; search it with that model, or rebuild the index`,
      );
    }
    this.queryVectors = new LRUCache({ max: this.options.queryCacheSize });
    this.snippets = new Snippets((term) => index.lexical.idf(term));
    this.context = { index, options: this.options, queryVector: (query) => this.queryVector(query) };
    this.filters = new FilterIndex(index);
  }

  describe(): Description {
    const { manifest } = this.index;
    const sources = Object.entries(manifest.papersPerSource ?? {}).map(([source, papers]) => ({ source: basename(source), papers }));
    return {
      papers: manifest.paperCount,
      model: manifest.model.name,
      precision: manifest.model.precision,
      builtAt: manifest.builtAt,
      sources,
    };
  }

  /** A page of the papers a filter keeps, newest first, then by title; `total` counts them all. */
  listPapers(request: { filter?: PaperFilter; offset: number; limit: number }): { total: number; papers: Paper[] } {
    const ordinals = this.filters.listed(request.filter);
    return {
      total: ordinals.length,
      papers: ordinals.slice(request.offset, request.offset + request.limit).map((ordinal) => this.index.paper(ordinal)),
    };
  }

  paper(id: string): Paper | undefined {
    const ordinal = this.index.ordinalOf(id);
    return ordinal === undefined ? undefined : this.index.paper(ordinal);
  }

  /**
   * Papers for any text: a question, a few keywords, or a pasted abstract of any length (embedded
   * whole, passage by passage). The mix of signals adapts to the text's length, so one method serves all.
   */
  search(text: string, request: SearchRequest = {}): Promise<Answer> {
    return this.answer(text, undefined, request, text);
  }

  /** Papers similar to one in the index, never including itself (always hybrid). */
  similarToPaper(id: string, request: Omit<SearchRequest, 'mode'> = {}): Promise<Answer> {
    const ordinal = this.index.ordinalOf(id);
    if (ordinal === undefined) throw new PaperNotFoundError(id);
    return this.answer(embeddingText(this.index.paper(ordinal)), ordinal, { ...request, mode: 'hybrid' }, id);
  }

  /**
   * For each watch, the papers added since its `since` that match it with high confidence, best
   * first (the bar is in `digest.ts`). The query runs over the whole library, so a new paper is judged
   * against every paper, old ones included. A paper clearing the bar is always in the answer's top
   * `candidatePool`: at most 1/(1 + 2.5²) of the fused candidates score 2.5 or more (Cantelli).
   */
  async digest(watches: readonly WatchedQuery[]): Promise<DigestEntry[]> {
    const entries: DigestEntry[] = [];
    for (const watch of watches) {
      const answer = await this.search(watch.query, { k: this.options.candidatePool, mode: 'hybrid', filter: watch.filter });
      const terms = analyze(watch.query);
      const vector = await this.queryVector({ text: watch.query, termCount: terms.length });
      const hits: DigestHit[] = [];
      for (const hit of answer.hits) {
        const ordinal = this.index.ordinalOf(hit.paper.id)!;
        const added = this.index.added(ordinal);
        if (!isAddedAfter(added, watch.since)) continue;
        const kept = clearsBar({ hit, added, similarity: dot(vector, this.index.vectorOf(ordinal)) }, terms, this.options);
        if (kept) hits.push(kept);
      }
      entries.push({ watch, hits });
    }
    return entries;
  }

  private async answer(text: string, self: number | undefined, request: SearchRequest, label: string): Promise<Answer> {
    const started = performance.now();
    const k = request.k ?? RESULT_COUNT.default;
    const mode = request.mode ?? DEFAULT_MODE;
    const terms = analyze(text);
    const query: Query = { text, termCount: terms.length, self };
    const allowed = this.filters.allowed(request.filter);
    const ranking = await RANKERS[mode](allowed ? { ...this.context, allowed } : this.context, query, k);
    const confident = isConfident({ termCount: terms.length, ...ranking.evidence }, this.options.confidence, this.options.fusion);
    const queryTerms = new Set(terms);
    const hits = ranking.hits.map(({ ordinal, score }): Hit => {
      const paper = this.index.paper(ordinal);
      return {
        paper,
        score,
        snippet: this.snippets.best(paper.abstract, queryTerms),
        matchedWords: this.snippets.matchedWords(paper, queryTerms),
      };
    });
    return { query: label, mode, confidence: confident ? 'high' : 'low', hits, elapsedMs: performance.now() - started };
  }

  private async queryVector(query: Query): Promise<Float32Array> {
    if (query.self !== undefined) return this.index.vectorOf(query.self);
    const cached = this.queryVectors.get(query.text);
    if (cached) return cached;
    const vector = await this.encoder.embedLong(query.text);
    this.queryVectors.set(query.text, vector);
    return vector;
  }
}
