import { LRUCache } from 'lru-cache';
import { analyze, embeddingText, type LexicalHit, type LexicalIndex, type Neighbour, type PaperIndex } from '../index/index.js';
import { normalize, type Embedder } from '../model/index.js';
import type { Paper } from '../papers/index.js';
import { DEFAULT_CONFIDENCE, isConfident, type ConfidenceOptions, type Evidence } from './confidence.js';
import { DEFAULT_FUSION, fuse, lexicalWeight, type Candidate, type FusionOptions } from './fusion.js';
import { Snippets } from './snippet.js';

export const MODES = ['hybrid', 'dense', 'lexical'] as const;
export type Mode = (typeof MODES)[number];

export interface SearchRequest {
  k?: number;
  mode?: Mode;
}

export interface SearchResult {
  id: string;
  title: string;
  score: number;
  snippet: string;
  abstract: string;
}

export interface SearchAnswer {
  query: string;
  mode: Mode;
  took_ms: number;
  confidence: 'high' | 'low';
  results: SearchResult[];
}

export interface LexicalOptions {
  /** BM25 weight of a title match relative to an abstract match. */
  titleBoost: number;
}

export interface SearchOptions {
  fusion: FusionOptions;
  lexical: LexicalOptions;
  /** Papers taken from each retriever before fusion. */
  candidatePool: number;
  confidence: ConfidenceOptions;
  /** Query embeddings kept for repeated queries. */
  queryCacheSize: number;
  /** Query expansion for lookups and questions (not passages): the query vector moves towards the top `documents` of a first fusion by `weight`. */
  feedback: { documents: number; weight: number };
}

export const DEFAULT_SEARCH: SearchOptions = {
  fusion: DEFAULT_FUSION,
  lexical: { titleBoost: 0.7 },
  candidatePool: 100,
  confidence: DEFAULT_CONFIDENCE,
  queryCacheSize: 1000,
  feedback: { documents: 3, weight: 1 },
};

export class PaperNotFoundError extends Error {
  constructor(readonly id: string) {
    super(`no paper with id "${id}"`);
  }
}

interface Query {
  text: string;
  /** Present when the query is a paper of the index: its stored vector is reused and it is left out of the results. */
  self?: number;
}

/**
 * Question answering and similar-paper search over one index: dense (HNSW), lexical (BM25) and
 * hybrid (adaptive score fusion) retrieval, shared by every front end.
 *
 * ```ts
 * const engine = new SearchEngine(loadIndex('index'), await Embedder.load({ modelsDir: 'models' }));
 * const answer = await engine.search('how do robots learn from demonstrations?', { k: 5 });
 * ```
 */
export class SearchEngine {
  readonly options: SearchOptions;
  private readonly lexical: LexicalIndex;
  private readonly queryVectors: LRUCache<string, Float32Array>;
  private readonly snippets: Snippets;

  constructor(readonly index: PaperIndex, readonly embedder: Embedder, options: Partial<SearchOptions> = {}) {
    this.options = { ...DEFAULT_SEARCH, ...options };
    const built = index.manifest.model;
    if (built.checksum !== embedder.info.checksum) {
      throw new Error(`index was built with ${built.name} (${built.precision}, checksum ${built.checksum.slice(0, 12)}) but the loaded model is ${embedder.info.name} (${embedder.info.precision}, ${embedder.info.checksum.slice(0, 12)}); rebuild the index or choose that model`);
    }
    this.lexical = index.lexical;
    this.queryVectors = new LRUCache({ max: this.options.queryCacheSize });
    this.snippets = new Snippets((term) => this.lexical.idf(term));
  }

  paper(id: string): Paper | undefined {
    const ordinal = this.index.ordinalOf(id);
    return ordinal === undefined ? undefined : this.index.paper(ordinal);
  }

  /**
   * Papers for any text: a question, a few keywords, or a pasted abstract of any length (embedded
   * whole, passage by passage). The mix of signals adapts to the text's length, so one method serves all.
   */
  search(text: string, request: SearchRequest = {}): Promise<SearchAnswer> {
    return this.answer({ text }, request);
  }

  /** Papers similar to one in the index, never including itself. */
  similarToPaper(id: string, request: SearchRequest = {}): Promise<SearchAnswer> {
    const ordinal = this.index.ordinalOf(id);
    if (ordinal === undefined) throw new PaperNotFoundError(id);
    return this.answer({ text: embeddingText(this.index.paper(ordinal)), self: ordinal }, request, id);
  }

  private async answer(query: Query, request: SearchRequest, label = query.text): Promise<SearchAnswer> {
    const started = performance.now();
    const k = request.k ?? 10;
    const mode = request.mode ?? 'hybrid';
    const terms = analyze(query.text);
    const ranked = await this.rank(query, terms.length, mode, k);
    const queryTerms = new Set(terms);
    return {
      query: label,
      mode,
      took_ms: Math.round((performance.now() - started) * 100) / 100,
      confidence: ranked.confident ? 'high' : 'low',
      results: ranked.hits.map(({ ordinal, score }) => {
        const paper = this.index.paper(ordinal);
        return { id: paper.id, title: paper.title, score: round(score), snippet: this.snippets.best(paper.abstract, queryTerms), abstract: paper.abstract };
      }),
    };
  }

  private async rank(query: Query, termCount: number, mode: Mode, k: number): Promise<{ hits: Array<{ ordinal: number; score: number }>; confident: boolean }> {
    const pool = Math.max(this.options.candidatePool, k);
    const confident = (evidence: Omit<Evidence, 'termCount'>) => isConfident({ termCount, ...evidence }, this.options.confidence, this.options.fusion);
    const lexicalHits = () => this.lexical.query(query.text, pool + 1, this.options.lexical.titleBoost).filter((hit) => hit.ordinal !== query.self);
    if (mode === 'lexical') {
      const hits = lexicalHits();
      return { hits: hits.slice(0, k), confident: confident({ coverage: bestCoverage(hits) }) };
    }
    const vector = await this.queryVector(query);
    const dense = this.index.nearest(vector, pool, query.self);
    const similarity = dense[0]?.similarity;
    if (mode === 'dense') return { hits: dense.slice(0, k).map((n) => ({ ordinal: n.ordinal, score: n.similarity })), confident: confident({ similarity }) };

    const weight = lexicalWeight(termCount, this.options.fusion);
    const candidates = new Map<number, Candidate>();
    const vectors = new Map<number, Float32Array>();
    const vectorOf = (ordinal: number) => {
      let stored = vectors.get(ordinal);
      if (!stored) vectors.set(ordinal, (stored = this.index.vectorOf(ordinal)));
      return stored;
    };
    const addDense = (neighbours: Neighbour[]) => {
      for (const n of neighbours) if (!candidates.has(n.ordinal)) candidates.set(n.ordinal, { ordinal: n.ordinal, dense: 0, lexical: 0 });
    };
    addDense(dense);
    const lexical = lexicalHits();
    for (const hit of lexical) {
      const candidate = candidates.get(hit.ordinal) ?? { ordinal: hit.ordinal, dense: 0, lexical: 0 };
      candidate.lexical = hit.score;
      candidates.set(hit.ordinal, candidate);
    }
    const scoreDense = (queryVector: Float32Array) => {
      for (const candidate of candidates.values()) candidate.dense = dot(queryVector, vectorOf(candidate.ordinal));
      return fuse([...candidates.values()], weight);
    };

    let fused = scoreDense(vector);
    const { documents, weight: feedbackWeight } = this.options.feedback;
    if (documents > 0 && feedbackWeight > 0 && termCount < this.options.fusion.passageTerms) {
      // Query expansion: move the query towards the papers the first fusion ranked highest, so a
      // question's vocabulary gap to the abstracts narrows; new dense neighbours join the pool.
      const expanded = Float32Array.from(vector);
      const top = fused.slice(0, documents);
      for (const { ordinal } of top) {
        const neighbour = vectorOf(ordinal);
        for (let d = 0; d < expanded.length; d++) expanded[d]! += (feedbackWeight / top.length) * neighbour[d]!;
      }
      normalize(expanded);
      addDense(this.index.nearest(expanded, pool, query.self));
      fused = scoreDense(expanded);
    }
    return { hits: fused.slice(0, k).map((c) => ({ ordinal: c.ordinal, score: c.score })), confident: confident({ similarity, coverage: bestCoverage(lexical) }) };
  }

  private async queryVector(query: Query): Promise<Float32Array> {
    if (query.self !== undefined) return this.index.vectorOf(query.self);
    const cached = this.queryVectors.get(query.text);
    if (cached) return cached;
    const vector = await this.embedder.embedLong(query.text);
    this.queryVectors.set(query.text, vector);
    return vector;
  }
}

function bestCoverage(hits: readonly LexicalHit[]): number {
  return hits.reduce((best, hit) => Math.max(best, hit.coverage), 0);
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

function round(score: number): number {
  return Math.round(score * 1e4) / 1e4;
}
