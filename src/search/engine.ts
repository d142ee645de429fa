import { basename } from 'node:path';
import { LRUCache } from 'lru-cache';
import { DEFAULT_MODE, DEFAULT_RECOMMEND_MODE, RESULT_COUNT, type Confidence, type Mode, type RecommendMode } from '../contract/values.js';
import { builtWith, describeModel, embeddingText } from '../index/index.js';
import type { Paper } from '../papers/index.js';
import { analyze } from '../text/index.js';
import { isConfident, similarityBar, termShare } from './confidence.js';
import { clearsBar, type Digest, type DigestEntry, type DigestHit, isAddedAfter, type WatchedQuery } from './digest.js';
import { dot } from './modes/context.js';
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
  /** The generation of the index the whole answer came from. */
  generation: number;
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
  /** Which build of the index folder is served (one more per build that changed it). */
  generation: number;
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

/** One generation of the index as the engine serves it, with what is derived from it. */
interface Served {
  index: SearchableIndex;
  context: ModeContext;
  filters: FilterIndex;
  snippets: Snippets;
  /** Requests running on this generation; it is closed when retired and none is left. */
  inFlight: number;
  retired: boolean;
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
  private served: Served;

  constructor(
    index: SearchableIndex,
    readonly encoder: Encoder,
    options: Partial<SearchOptions> = {},
  ) {
    this.options = { ...DEFAULT_SEARCH, ...options };
    this.queryVectors = new LRUCache({ max: this.options.queryCacheSize });
    this.served = this.serve(index);
  }

  /** The index requests that start now are answered from. */
  get index(): SearchableIndex {
    return this.served.index;
  }

  /**
   * Switches to another generation of the index: requests that start afterwards use it, requests in
   * flight finish on the one they started on, which is then closed (its memory released). Refused
   * (ModelMismatchError) when the index was built with another model than this engine's.
   */
  replaceIndex(index: SearchableIndex): void {
    const next = this.serve(index);
    const previous = this.served;
    this.served = next;
    previous.retired = true;
    if (previous.inFlight === 0) previous.index.close();
  }

  describe(): Description {
    const { manifest } = this.index;
    const sources = Object.entries(manifest.papersPerSource ?? {}).map(([source, papers]) => ({ source: basename(source), papers }));
    return {
      papers: manifest.paperCount,
      model: manifest.model.name,
      precision: manifest.model.precision,
      builtAt: manifest.builtAt,
      generation: manifest.generation,
      sources,
    };
  }

  /** A page of the papers a filter keeps, newest first, then by title; `total` counts them all. */
  listPapers(request: { filter?: PaperFilter; offset: number; limit: number }): { total: number; papers: Paper[] } {
    const { index, filters } = this.served;
    const ordinals = filters.listed(request.filter);
    return {
      total: ordinals.length,
      papers: ordinals.slice(request.offset, request.offset + request.limit).map((ordinal) => index.paper(ordinal)),
    };
  }

  paper(id: string): Paper | undefined {
    const { index } = this.served;
    const ordinal = index.ordinalOf(id);
    return ordinal === undefined ? undefined : index.paper(ordinal);
  }

  /**
   * Papers for any text: a question, a few keywords, or a pasted abstract of any length (embedded
   * whole, passage by passage). The mix of signals adapts to the text's length, so one method serves all.
   */
  search(text: string, request: SearchRequest = {}): Promise<Answer> {
    return this.whileServing((served) => this.answer(served, text, undefined, request, text));
  }

  /** Papers similar to one in the index, never including itself (always hybrid). */
  similarToPaper(id: string, request: Omit<SearchRequest, 'mode'> = {}): Promise<Answer> {
    return this.whileServing((served) => {
      const ordinal = served.index.ordinalOf(id);
      if (ordinal === undefined) throw new PaperNotFoundError(id);
      return this.answer(served, embeddingText(served.index.paper(ordinal)), ordinal, { ...request, mode: 'hybrid' }, id);
    });
  }

  /**
   * Papers for a researcher's taste: like papers similar to each liked paper, and unlike the disliked
   * ones, by one of the methods in `recommend/`, all from one generation of the index. Marked papers
   * are never recommended back.
   */
  recommend(request: RecommendRequest): Promise<Answer<RecommendMode>> {
    return this.whileServing(async (served) => {
      const started = performance.now();
      const { index, filters, context } = served;
      const liked = this.markedOrdinals(index, request.liked, 'liked');
      const disliked = this.markedOrdinals(index, request.disliked ?? [], 'disliked');
      if (liked.length === 0)
        throw new RecommendRequestError('no liked paper: like at least one paper of the index to get recommendations');
      const both = liked.find((ordinal) => disliked.includes(ordinal));
      if (both !== undefined)
        throw new RecommendRequestError(`paper "${index.paper(both).id}" is both liked and disliked; keep it in one list`);
      const mode = request.mode ?? DEFAULT_RECOMMEND_MODE;
      const allowed = filters.allowed(request.filter);
      const ranking = await RECOMMENDERS[mode](
        allowed ? { ...context, allowed } : context,
        { liked, disliked },
        request.k ?? RESULT_COUNT.default,
      );
      const terms = liked.flatMap((ordinal) => analyze(embeddingText(index.paper(ordinal))));
      const ids = (ordinals: number[]) => ordinals.map((ordinal) => index.paper(ordinal).id).join(', ');
      const label = disliked.length ? `${ids(liked)}; not ${ids(disliked)}` : ids(liked);
      return { query: label, mode, ...this.present(served, ranking, terms), elapsedMs: performance.now() - started };
    });
  }

  /**
   * For each watch, the papers added since its `since` that match it with high confidence, best
   * first (the bar is in `digest.ts`), all from one generation of the index. The query runs over the
   * whole library, so a new paper is judged against every paper, old ones included. A paper clearing
   * the bar is always in the answer's top `candidatePool`: at most 1/(1 + 2.5²) of the fused
   * candidates score 2.5 or more (Cantelli's inequality).
   */
  digest(watches: readonly WatchedQuery[]): Promise<Digest> {
    return this.whileServing(async (served) => {
      const { index } = served;
      const entries: DigestEntry[] = [];
      for (const watch of watches) {
        const request = { k: this.options.candidatePool, mode: 'hybrid' as const, filter: watch.filter };
        const { terms, ranking } = await this.rank(served, watch.query, undefined, request);
        const vector = await this.queryVector(index, { text: watch.query, termCount: terms.length });
        const queryTerms = new Set(terms);
        const hits: DigestHit[] = [];
        for (const { ordinal, score } of ranking.hits) {
          const added = index.added(ordinal);
          if (!isAddedAfter(added, watch.since)) continue;
          const paper = index.paper(ordinal);
          const evidence = clearsBar(
            { paper, score, similarity: dot(vector, index.vectorOf(ordinal)) },
            terms,
            this.similarityBar(index, terms, paper),
            this.options,
          );
          // Snippets only for what is kept: most of the pool is neither new nor good enough.
          if (evidence) hits.push({ ...this.hit(served, paper, score, queryTerms), added, ...evidence });
        }
        entries.push({ watch, hits });
      }
      return { generation: index.manifest.generation, entries };
    });
  }

  /** Runs `work` on the current generation, which stays open until every such run has finished. */
  private async whileServing<T>(work: (served: Served) => Promise<T>): Promise<T> {
    const served = this.served;
    served.inFlight++;
    try {
      return await work(served);
    } finally {
      served.inFlight--;
      if (served.retired && served.inFlight === 0) served.index.close();
    }
  }

  private serve(index: SearchableIndex): Served {
    if (!builtWith(index.manifest, this.encoder.info)) {
      throw new ModelMismatchError(
        `the index was built with ${describeModel(index.manifest.model)} but the loaded model is ${describeModel(this.encoder.info)}; search it with that model, or rebuild the index`,
      );
    }
    const context: ModeContext = { index, options: this.options, queryVector: (query) => this.queryVector(index, query) };
    return {
      index,
      context,
      filters: new FilterIndex(index),
      snippets: new Snippets((term) => index.lexical.idf(term)),
      inFlight: 0,
      retired: false,
    };
  }

  private async answer(served: Served, text: string, self: number | undefined, request: SearchRequest, label: string): Promise<Answer> {
    const started = performance.now();
    const mode = request.mode ?? DEFAULT_MODE;
    const { terms, ranking } = await this.rank(served, text, self, { ...request, mode });
    return { query: label, mode, ...this.present(served, ranking, terms), elapsedMs: performance.now() - started };
  }

  /** A ranking as hits with snippets and matched words for `terms`, how confident it is, and the generation it came from. */
  private present(served: Served, ranking: Ranking, terms: string[]): Pick<Answer, 'confidence' | 'generation' | 'hits'> {
    const { nearest } = ranking.evidence;
    const bar = this.similarityBar(served.index, terms, nearest === undefined ? undefined : served.index.paper(nearest));
    const confident = isConfident({ termCount: terms.length, ...ranking.evidence }, bar);
    const queryTerms = new Set(terms);
    return {
      confidence: confident ? 'high' : 'low',
      generation: served.index.manifest.generation,
      hits: ranking.hits.map(({ ordinal, score }) => this.hit(served, served.index.paper(ordinal), score, queryTerms)),
    };
  }

  /** The similarity `paper` needs to make an answer to a query of these terms confident in this generation. */
  private similarityBar(index: SearchableIndex, terms: readonly string[], paper: Paper | undefined): number {
    const share = paper ? termShare(terms, new Set(analyze(embeddingText(paper))), (term) => index.lexical.idf(term)) : 0;
    return similarityBar(terms.length, index.calibration, this.options.confidence, this.options.fusion, share);
  }

  /** Ordinals of the marked papers' ids, each once; an id the index does not have is refused by name. */
  private markedOrdinals(index: SearchableIndex, ids: readonly string[], list: 'liked' | 'disliked'): number[] {
    return [...new Set(ids)].map((id) => {
      const ordinal = index.ordinalOf(id);
      if (ordinal === undefined)
        throw new RecommendRequestError(`the ${list} paper "${id}" is not in the index; use the id a search result shows`);
      return ordinal;
    });
  }

  /** The request's mode's ranking of a text within its filter, and the text's analyzed terms. */
  private async rank(served: Served, text: string, self: number | undefined, request: SearchRequest & { mode: Mode }) {
    const { filters, context } = served;
    const terms = analyze(text);
    const query: Query = { text, termCount: terms.length, self };
    const allowed = filters.allowed(request.filter);
    const ranking = await RANKERS[request.mode](allowed ? { ...context, allowed } : context, query, request.k ?? RESULT_COUNT.default);
    return { terms, ranking };
  }

  /** A ranked paper with its snippet and matched words. */
  private hit(served: Served, paper: Paper, score: number, queryTerms: ReadonlySet<string>): Hit {
    return {
      paper,
      score,
      snippet: served.snippets.best(paper.abstract, queryTerms),
      matchedWords: served.snippets.matchedWords(paper, queryTerms),
    };
  }

  private async queryVector(index: SearchableIndex, query: Query): Promise<Float32Array> {
    if (query.self !== undefined) return index.vectorOf(query.self);
    const cached = this.queryVectors.get(query.text);
    if (cached) return cached;
    const vector = await this.encoder.embedLong(query.text);
    this.queryVectors.set(query.text, vector);
    return vector;
  }
}
