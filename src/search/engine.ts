import { basename } from 'node:path';
import { LRUCache } from 'lru-cache';
import { DEFAULT_MODE, DEFAULT_RECOMMEND_MODE, RESULT_COUNT, type Confidence, type Mode, type RecommendMode } from '../contract/values.js';
import { builtWith, describeModel, embeddingText } from '../index/index.js';
import type { Paper } from '../papers/index.js';
import { analyze } from '../text/index.js';
import { isConfident } from './confidence.js';
import { FilterIndex, type PaperFilter } from './filter.js';
import { RANKERS, type ModeContext, type Query, type Ranking } from './modes/index.js';
import { DEFAULT_SEARCH, type SearchOptions } from './options.js';
import type { Encoder, SearchableIndex } from './ports.js';
import { RECOMMENDERS } from './recommend/index.js';
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

export interface Answer<M extends string = Mode> {
  /** The query text, the paper id for similar-to-paper, the liked (and disliked) ids for recommendations. */
  query: string;
  /** The search mode, or the recommendation method. */
  mode: M;
  confidence: Confidence;
  hits: Hit[];
  elapsedMs: number;
}

/** Papers for a researcher who marked some papers of the index as liked (and maybe some as disliked). */
export interface RecommendRequest {
  /** Ids of liked papers: at least one. */
  liked: readonly string[];
  /** Ids of papers that are "not for me". */
  disliked?: readonly string[];
  k?: number;
  mode?: RecommendMode;
  /** Only papers this keeps are recommended. */
  filter?: PaperFilter;
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

/** A recommendation request names a paper the index does not have, or none liked, or one both liked and disliked. */
export class RecommendRequestError extends Error {}

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
   * Papers for a researcher's taste: like papers similar to each liked paper, and unlike the disliked
   * ones, by one of the methods in `recommend/`. Marked papers are never recommended back.
   */
  async recommend(request: RecommendRequest): Promise<Answer<RecommendMode>> {
    const started = performance.now();
    const liked = this.markedOrdinals(request.liked, 'liked');
    const disliked = this.markedOrdinals(request.disliked ?? [], 'disliked');
    if (liked.length === 0) throw new RecommendRequestError('no liked paper: like at least one paper of the index to get recommendations');
    const both = liked.find((ordinal) => disliked.includes(ordinal));
    if (both !== undefined)
      throw new RecommendRequestError(`paper "${this.index.paper(both).id}" is both liked and disliked; keep it in one list`);
    const mode = request.mode ?? DEFAULT_RECOMMEND_MODE;
    const allowed = this.filters.allowed(request.filter);
    const context = allowed ? { ...this.context, allowed } : this.context;
    const ranking = await RECOMMENDERS[mode](context, { liked, disliked }, request.k ?? RESULT_COUNT.default);
    const terms = liked.flatMap((ordinal) => analyze(embeddingText(this.index.paper(ordinal))));
    const ids = (ordinals: number[]) => ordinals.map((ordinal) => this.index.paper(ordinal).id).join(', ');
    const label = disliked.length ? `${ids(liked)}; not ${ids(disliked)}` : ids(liked);
    return { query: label, mode, ...this.present(ranking, terms), elapsedMs: performance.now() - started };
  }

  private async answer(text: string, self: number | undefined, request: SearchRequest, label: string): Promise<Answer> {
    const started = performance.now();
    const k = request.k ?? RESULT_COUNT.default;
    const mode = request.mode ?? DEFAULT_MODE;
    const terms = analyze(text);
    const query: Query = { text, termCount: terms.length, self };
    const allowed = this.filters.allowed(request.filter);
    const ranking = await RANKERS[mode](allowed ? { ...this.context, allowed } : this.context, query, k);
    return { query: label, mode, ...this.present(ranking, terms), elapsedMs: performance.now() - started };
  }

  /** A ranking as hits with snippets and matched words for `terms` (the query's), and how confident it is. */
  private present(ranking: Ranking, terms: string[]): Pick<Answer, 'confidence' | 'hits'> {
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
    return { confidence: confident ? 'high' : 'low', hits };
  }

  /** Ordinals of the marked papers' ids, each once; an id the index does not have is refused by name. */
  private markedOrdinals(ids: readonly string[], list: 'liked' | 'disliked'): number[] {
    return [...new Set(ids)].map((id) => {
      const ordinal = this.index.ordinalOf(id);
      if (ordinal === undefined)
        throw new RecommendRequestError(`the ${list} paper "${id}" is not in the index; use the id a search result shows`);
      return ordinal;
    });
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
