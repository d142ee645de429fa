import { basename } from 'node:path';
import { LRUCache } from 'lru-cache';
import { DEFAULT_MODE, DEFAULT_RECOMMEND_MODE, RESULT_COUNT, type Confidence, type Mode, type RecommendMode } from '../contract/values.js';
import { builtWith, describeModel, embeddingText } from '../index/index.js';
import type { Paper } from '../papers/index.js';
import { analyze, analyzeTerm } from '../text/index.js';
import { isConfident } from './confidence.js';
import { clearsBar, type Digest, type DigestEntry, type DigestHit, isAddedAfter, type WatchedQuery } from './digest.js';
import { type BestPassage, type Explanation, listRanks, matchedTerms, matchedWords, PassageMatcher } from './explain.js';
import { acronymExpansions, compoundForms } from './lookup.js';
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
  /** Also find each result's passage nearest the query in meaning (embeds the results' sentences: slower). */
  passages?: boolean;
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
  /** Why it is here: matched terms and where, its ranks in the candidate lists, its best passage. */
  explanation: Explanation;
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

/** Papers searched for a definition of a lookup's acronym: those that mention it most. */
const ACRONYM_SOURCES = 20;
/** A lookup word typed in lower case is looked up as an acronym when at most this share of the papers have it (or ACRONYM_SOURCES). */
const RARE_SHARE = 0.01;

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
  private readonly passages: PassageMatcher;
  private served: Served;

  constructor(
    index: SearchableIndex,
    readonly encoder: Encoder,
    options: Partial<SearchOptions> = {},
  ) {
    this.options = { ...DEFAULT_SEARCH, ...options };
    this.queryVectors = new LRUCache({ max: this.options.queryCacheSize });
    this.passages = new PassageMatcher(encoder);
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
      return { query: label, mode, ...(await this.present(served, ranking, terms, terms.length)), elapsedMs: performance.now() - started };
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
        const { query, terms, ranking } = await this.rank(served, watch.query, undefined, request);
        const vector = await this.queryVector(index, query);
        const ranks = listRanks(ranking.lists);
        // The bar is for the watch as typed: the forms a lookup gained explain, they do not lengthen it.
        const typed = analyze(watch.query);
        const hits: DigestHit[] = [];
        for (const { ordinal, score } of ranking.hits) {
          const added = index.added(ordinal);
          if (!isAddedAfter(added, watch.since)) continue;
          const paper = index.paper(ordinal);
          const evidence = clearsBar({ paper, score, similarity: dot(vector, index.vectorOf(ordinal)) }, typed, this.options);
          // Snippets only for what is kept: most of the pool is neither new nor good enough.
          if (evidence) hits.push({ ...this.hit(served, paper, score, terms, { ...ranks(ordinal), passage: null }), added, ...evidence });
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
    const { query, terms, ranking } = await this.rank(served, text, self, { ...request, mode });
    const queryVector = request.passages ? await this.queryVector(served.index, query) : undefined;
    return {
      query: label,
      mode,
      ...(await this.present(served, ranking, terms, query.termCount, queryVector)),
      elapsedMs: performance.now() - started,
    };
  }

  /**
   * A ranking as hits with snippets and explanations for the search terms `terms`, how confident it is
   * (judged for a query of `termCount` terms as typed), and the generation it came from; with a query
   * vector, each hit's passage nearest to it.
   */
  private async present(
    served: Served,
    ranking: Ranking,
    terms: string[],
    termCount: number,
    queryVector?: Float32Array,
  ): Promise<Pick<Answer, 'confidence' | 'generation' | 'hits'>> {
    const confident = isConfident({ termCount, ...ranking.evidence }, this.options.confidence, this.options.fusion);
    const papers = ranking.hits.map(({ ordinal }) => served.index.paper(ordinal));
    const passages: Array<BestPassage | null> = queryVector ? await this.passages.best(papers, queryVector) : [];
    const ranks = listRanks(ranking.lists);
    return {
      confidence: confident ? 'high' : 'low',
      generation: served.index.manifest.generation,
      hits: ranking.hits.map(({ ordinal, score }, i) =>
        this.hit(served, papers[i]!, score, terms, { ...ranks(ordinal), passage: passages[i] ?? null }),
      ),
    };
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

  /**
   * The request's mode's ranking of a text within its filter, the query as the modes saw it, and the
   * analyzed terms it was searched with (a lookup's with the forms `lookupQuery` added).
   */
  private async rank(served: Served, text: string, self: number | undefined, request: SearchRequest & { mode: Mode }) {
    const { filters, context } = served;
    const query = this.lookupQuery(served, text, self);
    const terms = analyze(query.text);
    const allowed = filters.allowed(request.filter);
    const ranking = await RANKERS[request.mode](allowed ? { ...context, allowed } : context, query, request.k ?? RESULT_COUNT.default);
    return { query, terms, ranking };
  }

  /**
   * A text as the modes search it. A lookup (a few words) gains the forms of its names the library uses
   * (joined, split, an acronym spelled out; `lookup.ts`) and, of two or more words, the phrase papers are
   * favoured for; its length stays that of the text as typed, so it is still weighed as a lookup.
   */
  private lookupQuery(served: Served, text: string, self: number | undefined): Query {
    const { index } = served;
    const terms = analyze(text);
    if (self !== undefined || terms.length > this.options.fusion.keywordTerms) return { text, termCount: terms.length, self };
    const lexical = index.lexical;
    const papersMentioning = (word: string) =>
      lexical.query(word, ACRONYM_SOURCES, this.options.lexical.titleBoost).map((hit) => index.paper(hit.ordinal));
    const isRare = (word: string) => {
      const term = analyzeTerm(word);
      return term !== null && lexical.documentFrequency(term) <= Math.max(ACRONYM_SOURCES, index.size * RARE_SHARE);
    };
    const added = [
      ...compoundForms(text, (term) => lexical.documentFrequency(term) > 0),
      ...acronymExpansions(text, papersMentioning, isRare),
    ];
    return {
      text: [text, ...added].join(' '),
      termCount: terms.length,
      ...(terms.length >= 2 ? { phrase: terms } : {}),
    };
  }

  /** A ranked paper with its snippet and why it is there (matched terms and where, and what `why` adds). */
  private hit(
    served: Served,
    paper: Paper,
    score: number,
    terms: readonly string[],
    why: Pick<Explanation, 'lexicalRank' | 'denseRank' | 'passage'>,
  ): Hit {
    const snippet = served.snippets.best(paper.abstract, new Set(terms));
    const matched = matchedTerms(paper, terms);
    return {
      paper,
      score,
      snippet: snippet.text,
      matchedWords: matchedWords(paper, matched),
      explanation: { ...matched, ...why, snippetStart: snippet.start },
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
