import { basename } from 'node:path';
import { LRUCache } from 'lru-cache';
import { DEFAULT_MODE, DEFAULT_RECOMMEND_MODE, RESULT_COUNT, type Confidence, type Mode, type RecommendMode } from '../contract/values.js';
import { builtWith, describeModel, embeddingText } from '../index/index.js';
import { normalize } from '../model/index.js';
import type { Paper } from '../papers/index.js';
import { analyze, analyzeTerm } from '../text/index.js';
import { isConfident, similarityBar, termShare } from './confidence.js';
import {
  clearsBar,
  clearsLikedBar,
  type Digest,
  type DigestEntry,
  type DigestHit,
  isAddedAfter,
  type WatchedLikes,
  type WatchedQuery,
} from './digest.js';
import { dot } from './modes/context.js';
import { type BestPassage, type Explanation, listRanks, matchedTerms, matchedWords, PassageMatcher } from './explain.js';
import { FilterIndex, type PaperFilter } from './filter.js';
import { acronymExpansions, compoundForms } from './lookup.js';
import { RANKERS, type ModeContext, type Query, type Ranking } from './modes/index.js';
import { DEFAULT_SEARCH, type SearchOptions } from './options.js';
import type { Encoder, SearchableIndex } from './ports.js';
import { mapToWire, queryPosition } from './map.js';
import type { WireMap, WireMapPosition } from '../contract/schemas.js';
import { RECOMMENDERS } from './recommend/index.js';
import { distinctiveTermsQuery, paperPassages } from './similar/query.js';
import { rankSimilarPaper } from './similar/rank.js';
import { marked, neighboursOutside } from './recommend/taste.js';
import { withoutQuestionWords } from './question.js';
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

/** Papers searched for a definition of a lookup's acronym: those that mention it most. */
const ACRONYM_SOURCES = 20;
/** A lookup word typed in lower case is looked up as an acronym when at most this share of the papers have it (or ACRONYM_SOURCES). */
const RARE_SHARE = 0.01;

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
  /** Papers' vectors for similar papers (`similarVector`), by their title and abstract (so an edited paper is embedded anew). */
  private readonly paperVectors: LRUCache<string, Float32Array>;
  private readonly passages: PassageMatcher;
  private served: Served;

  constructor(
    index: SearchableIndex,
    readonly encoder: Encoder,
    options: Partial<SearchOptions> = {},
  ) {
    this.options = { ...DEFAULT_SEARCH, ...options };
    this.queryVectors = new LRUCache({ max: this.options.queryCacheSize });
    this.paperVectors = new LRUCache({ max: this.options.queryCacheSize });
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
    return this.whileServing((served) => this.answer(served, text, request));
  }

  /**
   * Papers similar to one in the index, never including itself: meaning (the paper's vector as
   * `SimilarOptions.vector` says) and words (its most distinctive terms) fused, as `similar/` describes. The
   * answer's mode is hybrid: it mixes both signals, whatever mode the front end searches with.
   */
  similarToPaper(id: string, request: Omit<SearchRequest, 'mode'> = {}): Promise<Answer> {
    return this.whileServing(async (served) => {
      const started = performance.now();
      const { index, filters, context } = served;
      const ordinal = index.ordinalOf(id);
      if (ordinal === undefined) throw new PaperNotFoundError(id);
      const whole = embeddingText(index.paper(ordinal));
      const { distinctiveTerms } = this.options.similar;
      const terms = analyze(whole);
      const text = distinctiveTerms > 0 ? distinctiveTermsQuery(whole, (term) => index.lexical.idf(term), distinctiveTerms) : whole;
      const vector = await this.similarVector(index, ordinal);
      const allowed = filters.allowed(request.filter);
      const ranking = rankSimilarPaper(
        allowed ? { ...context, allowed } : context,
        { ordinal, vector, text, termCount: terms.length },
        request.k ?? RESULT_COUNT.default,
      );
      const passagesTo = request.passages ? vector : undefined;
      return {
        query: id,
        mode: 'hybrid',
        ...(await this.present(served, ranking, terms, terms.length, passagesTo)),
        elapsedMs: performance.now() - started,
      };
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
      const { liked, disliked } = resolveMarks(index, request.liked, request.disliked ?? []);
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
   * first (the bars are in `digest.ts`), all from one generation of the index. A query, or a liked
   * set's recommendations, run over the whole library, so a new paper is judged against every paper,
   * old ones included.
   */
  digest(watches: ReadonlyArray<WatchedQuery | WatchedLikes>): Promise<Digest> {
    return this.whileServing(async (served) => {
      const entries: DigestEntry[] = [];
      for (const watch of watches)
        entries.push({ watch, hits: 'query' in watch ? await this.queryNews(served, watch) : await this.likedSetNews(served, watch) });
      return { generation: served.index.manifest.generation, entries };
    });
  }

  /**
   * The new papers of a query's watch that clear the bar. A paper clearing it is always in the answer's
   * top `candidatePool`: at most 1/(1 + 2.5²) of the fused candidates score 2.5 or more (Cantelli's inequality).
   * The bar is on the fused z-scores, how far a paper stands out among the candidates, so the ranking is
   * not smoothed (`SearchOptions.smoothing` refines one answer's order, and would move every score the bar compares).
   */
  private async queryNews(served: Served, watch: WatchedQuery): Promise<DigestHit[]> {
    const { index } = served;
    const request = { k: this.options.candidatePool, mode: 'hybrid' as const, filter: watch.filter };
    const unsmoothed = { ...this.options, smoothing: { ...this.options.smoothing, weight: 0 } };
    const { query, terms, ranking } = await this.rank(served, watch.query, request, unsmoothed);
    const vector = await this.queryVector(query);
    const ranks = listRanks(ranking.lists);
    // The bar is for the watch as typed: the forms a lookup gained explain, they do not lengthen it.
    const typed = analyze(watch.query);
    const hits: DigestHit[] = [];
    for (const { ordinal, score } of ranking.hits) {
      const added = index.added(ordinal);
      if (!isAddedAfter(added, watch.since)) continue;
      const paper = index.paper(ordinal);
      const evidence = clearsBar(
        { paper, score, similarity: dot(vector, index.vectorOf(ordinal)) },
        typed,
        this.similarityBar(index, typed, typed.length, paper),
        this.options,
      );
      // Snippets only for what is kept: most of the pool is neither new nor good enough.
      if (evidence) hits.push({ ...this.hit(served, paper, score, terms, { ...ranks(ordinal), passage: null }), added, ...evidence });
    }
    return hits;
  }

  /**
   * The new papers of a liked set's watch that clear the liked-set bar, from the default method's
   * ranking of every candidate it scores (its scores are z-scores over those candidates, so the bar
   * means the same however many there are). Liked and disliked papers are never among them; ids a
   * rebuild removed are left out of the set, and a set with no liked paper left lists nothing.
   */
  private async likedSetNews(served: Served, watch: WatchedLikes): Promise<DigestHit[]> {
    const { index, filters, context } = served;
    const present = (ids: readonly string[]) => ids.filter((id) => index.ordinalOf(id) !== undefined);
    const liked = present(watch.liked);
    if (liked.length === 0) return [];
    const taste = resolveMarks(index, liked, present(watch.disliked));
    const allowed = filters.allowed(watch.filter);
    const filtered = allowed ? { ...context, allowed } : context;
    const ranking = await RECOMMENDERS[DEFAULT_RECOMMEND_MODE](filtered, taste, index.size);
    const likedPapers = taste.liked.map((ordinal) => {
      const paper = index.paper(ordinal);
      const vector = index.vectorOf(ordinal);
      const nearest = neighboursOutside(filtered, vector, this.options.digest.likedNeighbours, marked(taste));
      return { ordinal, paper, vector, neighbourSimilarity: nearest.at(-1)?.similarity ?? Number.NEGATIVE_INFINITY };
    });
    const likedTerms = likedPapers.flatMap(({ paper }) => analyze(embeddingText(paper)));
    const hits: DigestHit[] = [];
    for (const { ordinal, score } of ranking.hits) {
      const added = index.added(ordinal);
      if (!isAddedAfter(added, watch.since)) continue;
      const vector = index.vectorOf(ordinal);
      const closest = likedPapers
        .map((likedPaper) => ({ ...likedPaper, similarity: dot(vector, likedPaper.vector) }))
        .reduce((best, next) => (next.similarity > best.similarity ? next : best));
      const paper = index.paper(ordinal);
      const evidence = clearsLikedBar({ score, closest }, this.options);
      if (evidence)
        hits.push({
          ...this.hit(served, paper, score, likedTerms, { lexicalRank: null, denseRank: null, passage: null }),
          added,
          ...evidence,
        });
    }
    return hits;
  }

  /** The map of the served generation as the contract sends it. */
  map(): WireMap {
    return mapToWire(this.index);
  }

  /** Where a query lands on the served generation's map (the page shows where a search landed). */
  mapPosition(text: string): Promise<WireMapPosition> {
    return this.whileServing(async ({ index }) => queryPosition(index, await this.queryVector({ text, termCount: 0 }), text));
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
    const context: ModeContext = { index, options: this.options, queryVector: (query) => this.queryVector(query) };
    return {
      index,
      context,
      filters: new FilterIndex(index),
      snippets: new Snippets((term) => index.lexical.idf(term)),
      inFlight: 0,
      retired: false,
    };
  }

  private async answer(served: Served, text: string, request: SearchRequest): Promise<Answer> {
    const started = performance.now();
    const mode = request.mode ?? DEFAULT_MODE;
    const { query, terms, ranking } = await this.rank(served, text, { ...request, mode });
    const queryVector = request.passages ? await this.queryVector(query) : undefined;
    return {
      query: text,
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
    const { nearest } = ranking.evidence;
    const bar = this.similarityBar(served.index, terms, termCount, nearest === undefined ? undefined : served.index.paper(nearest));
    const confident = isConfident({ termCount, ...ranking.evidence }, bar);
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

  /**
   * The similarity `paper` needs to make an answer confident in this generation, for a query typed with
   * `termCount` terms and searched with `terms` (a lookup's added forms count towards the share it holds).
   */
  private similarityBar(index: SearchableIndex, terms: readonly string[], termCount: number, paper: Paper | undefined): number {
    const share = paper ? termShare(terms, new Set(analyze(embeddingText(paper))), (term) => index.lexical.idf(term)) : 0;
    return similarityBar(termCount, index.calibration, this.options.confidence, this.options.fusion, share);
  }

  /**
   * The request's mode's ranking of a text within its filter, the query as the modes saw it, and the
   * analyzed terms it was searched with (a lookup's with the forms `lookupQuery` added).
   */
  private async rank(served: Served, text: string, request: SearchRequest & { mode: Mode }, options = this.options) {
    const { filters } = served;
    const context = options === this.options ? served.context : { ...served.context, options };
    const query = this.searchedQuery(served, text);
    const terms = analyze(query.text);
    const allowed = filters.allowed(request.filter);
    const ranking = await RANKERS[request.mode](allowed ? { ...context, allowed } : context, query, request.k ?? RESULT_COUNT.default);
    return { query, terms, ranking };
  }

  /**
   * A text as the modes search it. A question loses its opening ("how can", "is there any work on";
   * `question.ts`); a pasted passage is no question. A lookup (a few words) gains the forms of its names
   * the library uses (joined, split, an acronym spelled out; `lookup.ts`) and, of two or more words, the
   * phrase papers are favoured for. Its length stays that of the text as typed, so a question stripped
   * to three words is still weighed as a question, and a lookup with added forms as a lookup.
   */
  private searchedQuery(served: Served, text: string): Query {
    const { index } = served;
    const typed = analyze(text);
    const asked = this.options.stripQuestionWords && typed.length < this.options.fusion.passageTerms;
    const searched = asked ? withoutQuestionWords(text) : text;
    const lexical = index.lexical;
    if (typed.length > this.options.fusion.keywordTerms) {
      const { queryTerms } = this.options.lexical;
      const long = queryTerms > 0 && new Set(typed).size > queryTerms;
      return {
        text: searched,
        termCount: typed.length,
        ...(long ? { lexicalText: distinctiveTermsQuery(searched, (term) => lexical.idf(term), queryTerms) } : {}),
      };
    }
    const papersMentioning = (word: string) =>
      lexical.query(word, ACRONYM_SOURCES, this.options.lexical.titleBoost).map((hit) => index.paper(hit.ordinal));
    const isRare = (word: string) => {
      const term = analyzeTerm(word);
      return term !== null && lexical.documentFrequency(term) <= Math.max(ACRONYM_SOURCES, index.size * RARE_SHARE);
    };
    const added = [
      ...compoundForms(searched, (term) => lexical.documentFrequency(term) > 0),
      ...acronymExpansions(searched, papersMentioning, isRare),
    ];
    const words = analyze(searched);
    return {
      text: [searched, ...added].join(' '),
      termCount: typed.length,
      ...(words.length >= 2 ? { phrase: words } : {}),
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
  /**
   * The paper's vector for the dense side, as `SimilarOptions.vector` says: the mean of its stored vector
   * and its title's, or of its passages' (`paperPassages`), each text embedded like a query, through the
   * bounded queue.
   */
  private async similarVector(index: SearchableIndex, ordinal: number): Promise<Float32Array> {
    const { vector, windowSentences } = this.options.similar;
    if (vector === 'stored') return index.vectorOf(ordinal);
    const paper = index.paper(ordinal);
    const key = embeddingText(paper);
    const cached = this.paperVectors.get(key);
    if (cached) return cached;
    const texts = vector === 'passages' ? paperPassages(paper, windowSentences) : [paper.title];
    const vectors = await Promise.all(texts.map((text) => this.encoder.embedLong(text)));
    if (vector === 'title') vectors.push(index.vectorOf(ordinal));
    const mean = new Float32Array(vectors[0]!.length);
    for (const v of vectors) for (let d = 0; d < mean.length; d++) mean[d]! += v[d]!;
    const unit = normalize(mean);
    this.paperVectors.set(key, unit);
    return unit;
  }

  private async queryVector(query: Query): Promise<Float32Array> {
    const cached = this.queryVectors.get(query.text);
    if (cached) return cached;
    const vector = await this.encoder.embedLong(query.text);
    this.queryVectors.set(query.text, vector);
    return vector;
  }
}

/**
 * The ordinals of a researcher's marks, each once; refused (RecommendRequestError) when an id is not in
 * the index (named), none is liked, or one is both liked and disliked. Recommendations and the digest
 * resolve marks with it, and the front ends check a liked set with it before saving it as a watch.
 */
export function resolveMarks(
  index: SearchableIndex,
  likedIds: readonly string[],
  dislikedIds: readonly string[],
): { liked: number[]; disliked: number[] } {
  const ordinals = (ids: readonly string[], list: 'liked' | 'disliked') =>
    [...new Set(ids)].map((id) => {
      const ordinal = index.ordinalOf(id);
      if (ordinal === undefined)
        throw new RecommendRequestError(`the ${list} paper "${id}" is not in the index; use the id a search result shows`);
      return ordinal;
    });
  const liked = ordinals(likedIds, 'liked');
  const disliked = ordinals(dislikedIds, 'disliked');
  if (liked.length === 0) throw new RecommendRequestError('no liked paper: like at least one paper of the index to get recommendations');
  const both = liked.find((ordinal) => disliked.includes(ordinal));
  if (both !== undefined)
    throw new RecommendRequestError(`paper "${index.paper(both).id}" is both liked and disliked; keep it in one list`);
  return { liked, disliked };
}
