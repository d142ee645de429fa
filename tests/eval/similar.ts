import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { embeddingText, type PaperIndex } from '../../src/index/index.js';
import type { Paper } from '../../src/papers/index.js';
import { DEFAULT_SEARCH, type Encoder, SearchEngine, type SearchOptions, type SimilarOptions } from '../../src/search/index.js';
import { DEPTH } from './evaluate.js';
import { evaluateRanking, summarize, type MetricScores } from './metrics.js';
import { embeddingOnce } from './cross-validate.js';

/**
 * Similar-to-paper quality: for each source paper of a judged set, nDCG@10 (and the other metrics) of
 * the papers each method ranks as similar to it, the source itself left out. The engine's variants run
 * through `SearchEngine.similarToPaper` with their `similar` options; plain dense and lexical read the
 * index directly, as a user of either mode would get them.
 */
export const SPLITS = ['dev', 'holdout'] as const;
export type Split = (typeof SPLITS)[number];

export interface SimilarSource {
  split: Split;
  id: string;
  title: string;
  /** Paper id → grade 1-3; unjudged papers are 0. */
  judgments: Map<string, number>;
}

const SimilarSetSchema = z.object({
  note: z.string(),
  sources: z.array(
    z.object({
      split: z.enum(SPLITS),
      paper: z.string(),
      judgments: z.record(z.string(), z.number().int().min(0).max(3)),
    }),
  ),
});

/** A judged set over the seed corpus, by exact title; titles are resolved to the index's paper ids. */
export function loadSimilarSet(path: string, papers: readonly Paper[]): SimilarSource[] {
  const set = SimilarSetSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  const idByTitle = new Map(papers.map((paper) => [paper.title, paper.id]));
  const idOf = (title: string, where: string) => {
    const id = idByTitle.get(title);
    if (!id) throw new Error(`${path}: ${where} names "${title}", which is not a title in the index`);
    return id;
  };
  return set.sources.map((source) => ({
    split: source.split,
    id: idOf(source.paper, 'a source'),
    title: source.paper,
    judgments: new Map(Object.entries(source.judgments).map(([title, grade]) => [idOf(title, `source "${source.paper}"`), grade])),
  }));
}

const DEFAULT_SIMILAR = DEFAULT_SEARCH.similar;

/** A way of ranking similar papers through the engine: `similar` options, and how papers are compared (centred unless said). */
type EngineMethod = Partial<SimilarOptions> & { paperSimilarity?: SearchOptions['paperSimilarity'] };

/** What the product did before this set existed: the paper's stored vector (plain cosine) and its whole text, fused as a pasted passage (lexical 0.2). */
export const BEFORE: EngineMethod = { vector: 'stored', distinctiveTerms: 0, lexicalWeight: 0.2, paperSimilarity: 'cosine' };

/** The product's behaviour: `DEFAULT_SIMILAR`. */
export const DEFAULT_METHOD = 'stored + title vectors + terms (default)';

/**
 * Each method: a plain retriever over the index, or the engine's similar papers with these options
 * (the rest as `DEFAULT_SIMILAR`). "terms" are the paper's most distinctive terms as a BM25 query.
 */
export const SIMILAR_METHODS = {
  dense: 'index',
  lexical: 'index',
  'hybrid (before)': BEFORE,
  'stored + title vectors': { vector: 'title', lexicalWeight: 0 },
  passages: { vector: 'passages', lexicalWeight: 0 },
  terms: { lexicalWeight: 1 },
  'stored vector + terms': { vector: 'stored' },
  'passages + terms': { vector: 'passages' },
  'stored + title vectors + terms, plain cosine': { paperSimilarity: 'cosine' },
  [DEFAULT_METHOD]: {},
} as const satisfies Record<string, 'index' | EngineMethod>;
export type SimilarMethod = keyof typeof SIMILAR_METHODS;

export interface SimilarReport {
  sources: Record<Split, number>;
  /** Method → split (and "all") → metrics. */
  methods: Record<SimilarMethod, Record<Split | 'all', MetricScores>>;
  /** Method → mean milliseconds per source paper, the model's work included (every paper asked once, uncached). */
  elapsedMs: Partial<Record<SimilarMethod, number>>;
  perSource: Array<{ title: string; split: Split; ndcg: Record<SimilarMethod, number> }>;
}

/** Ids of the engine's similar papers for each source, best first, and the mean time per source. */
async function engineRankings(index: PaperIndex, encoder: Encoder, method: EngineMethod, sources: readonly SimilarSource[]) {
  const { paperSimilarity = DEFAULT_SEARCH.paperSimilarity, ...options } = method;
  const engine = new SearchEngine(index, encoder, { similar: { ...DEFAULT_SIMILAR, ...options }, paperSimilarity });
  const rankings: string[][] = [];
  let elapsed = 0;
  for (const source of sources) {
    const answer = await engine.similarToPaper(source.id, { k: DEPTH });
    elapsed += answer.elapsedMs;
    rankings.push(answer.hits.map((hit) => hit.paper.id));
  }
  return { rankings, meanMs: elapsed / sources.length };
}

function indexRankings(index: PaperIndex, method: 'dense' | 'lexical', sources: readonly SimilarSource[]): string[][] {
  return sources.map((source) => {
    const self = index.ordinalOf(source.id)!;
    const ordinals =
      method === 'dense'
        ? index.nearest(index.vectorOf(self), DEPTH, self).map((n) => n.ordinal)
        : index.lexical
            .query(embeddingText(index.paper(self)), DEPTH + 1, DEFAULT_SEARCH.lexical.titleBoost)
            .map((hit) => hit.ordinal)
            .filter((ordinal) => ordinal !== self);
    return ordinals.map((ordinal) => index.paper(ordinal).id);
  });
}

function bySplit(scores: MetricScores[], sources: readonly SimilarSource[]): Record<Split | 'all', MetricScores> {
  const of = (split: Split) => summarize(scores.filter((_, i) => sources[i]!.split === split));
  return { dev: of('dev'), holdout: of('holdout'), all: summarize(scores) };
}

export async function evaluateSimilar(index: PaperIndex, encoder: Encoder, sources: readonly SimilarSource[]): Promise<SimilarReport> {
  const methods = {} as SimilarReport['methods'];
  const elapsedMs: SimilarReport['elapsedMs'] = {};
  const ndcgs = new Map<SimilarMethod, number[]>();
  for (const [method, how] of Object.entries(SIMILAR_METHODS) as Array<[SimilarMethod, 'index' | EngineMethod]>) {
    let rankings: string[][];
    if (how === 'index') rankings = indexRankings(index, method as 'dense' | 'lexical', sources);
    else {
      const measured = await engineRankings(index, encoder, how, sources);
      rankings = measured.rankings;
      elapsedMs[method] = measured.meanMs;
    }
    const scores = rankings.map((ranking, i) => {
      if (ranking.includes(sources[i]!.id)) throw new Error(`${method} ranked "${sources[i]!.title}" as similar to itself`);
      return evaluateRanking(ranking, sources[i]!.judgments);
    });
    methods[method] = bySplit(scores, sources);
    ndcgs.set(
      method,
      scores.map((s) => s['ndcg@10']),
    );
  }
  return {
    sources: { dev: sources.filter((s) => s.split === 'dev').length, holdout: sources.filter((s) => s.split === 'holdout').length },
    methods,
    elapsedMs,
    perSource: sources.map((source, i) => ({
      title: source.title,
      split: source.split,
      ndcg: Object.fromEntries([...ndcgs].map(([method, values]) => [method, values[i]!])) as Record<SimilarMethod, number>,
    })),
  };
}

/** The README's table: nDCG@10 by method on each half and overall, with the engine's time per paper. */
export function similarTable(report: SimilarReport): string {
  const { dev, holdout } = report.sources;
  const best = Math.max(...(['dense', 'lexical', 'hybrid (before)'] as const).map((method) => report.methods[method].holdout['ndcg@10']));
  return [
    `| method | dev (${dev}) | holdout (${holdout}) | all (${dev + holdout}) | ms per paper |`,
    '| --- | --- | --- | --- | --- |',
    ...(Object.keys(SIMILAR_METHODS) as SimilarMethod[]).map((method) => {
      const scores = report.methods[method];
      const ms = report.elapsedMs[method];
      return `| ${method} | ${scores.dev['ndcg@10'].toFixed(3)} | ${scores.holdout['ndcg@10'].toFixed(3)} | ${scores.all['ndcg@10'].toFixed(3)} | ${ms === undefined ? '' : ms.toFixed(0)} |`;
    }),
    '',
    `holdout: default ${report.methods[DEFAULT_METHOD].holdout['ndcg@10'].toFixed(3)} vs best of dense, lexical and hybrid (before) ${best.toFixed(3)} (target: +0.05)`,
  ].join('\n');
}

export interface SweepPoint {
  vector: SimilarOptions['vector'];
  lexicalWeight: number;
  distinctiveTerms: number;
  dev: number;
  holdout: number;
}

export interface SimilarSweep {
  points: SweepPoint[];
  /** Each half's best point scored on the other half, and their mean: the two-fold cross-validated nDCG@10. */
  fitOnDev: SweepPoint;
  fitOnHoldout: SweepPoint;
  crossValidated: number;
}

export const SWEEP = {
  vectors: ['stored', 'title', 'passages'] as const,
  lexicalWeights: [0.1, 0.2, 0.3, 0.4, 0.5],
  distinctiveTerms: [30, 50, 70, 0],
};

/** nDCG@10 on each half for every paper vector × lexical weight × number of distinctive terms (0: the whole text). */
export async function sweepSimilar(index: PaperIndex, encoder: Encoder, sources: readonly SimilarSource[]): Promise<SimilarSweep> {
  const shared = embeddingOnce(encoder);
  const points: SweepPoint[] = [];
  for (const vector of SWEEP.vectors) {
    for (const distinctiveTerms of SWEEP.distinctiveTerms) {
      for (const lexicalWeight of SWEEP.lexicalWeights) {
        const { rankings } = await engineRankings(index, shared, { vector, distinctiveTerms, lexicalWeight }, sources);
        const ndcg = (split: Split) => {
          const values = rankings.flatMap((ranking, i) =>
            sources[i]!.split === split ? [evaluateRanking(ranking, sources[i]!.judgments)['ndcg@10']] : [],
          );
          return values.reduce((sum, value) => sum + value, 0) / values.length;
        };
        points.push({ vector, lexicalWeight, distinctiveTerms, dev: ndcg('dev'), holdout: ndcg('holdout') });
      }
    }
  }
  const bestOn = (split: Split) => points.reduce((best, point) => (point[split] > best[split] ? point : best));
  const fitOnDev = bestOn('dev');
  const fitOnHoldout = bestOn('holdout');
  return { points, fitOnDev, fitOnHoldout, crossValidated: (fitOnDev.holdout + fitOnHoldout.dev) / 2 };
}

/** One table per paper vector: rows lexical weights, columns numbers of terms, cells dev / holdout nDCG@10. */
export function sweepTable(sweep: SimilarSweep): string {
  const terms = (count: number) => (count === 0 ? 'whole text' : `${count} terms`);
  const name = (point: SweepPoint) => `${point.vector} vector, lexical ${point.lexicalWeight}, ${terms(point.distinctiveTerms)}`;
  const tables = SWEEP.vectors.map((vector) =>
    [
      `| ${vector} vector: lexical weight | ${SWEEP.distinctiveTerms.map(terms).join(' | ')} |`,
      `| --- | ${SWEEP.distinctiveTerms.map(() => '---').join(' | ')} |`,
      ...SWEEP.lexicalWeights.map((weight) => {
        const cells = SWEEP.distinctiveTerms.map((count) => {
          const point = sweep.points.find((p) => p.vector === vector && p.lexicalWeight === weight && p.distinctiveTerms === count)!;
          return `${point.dev.toFixed(3)} / ${point.holdout.toFixed(3)}`;
        });
        return `| ${weight} | ${cells.join(' | ')} |`;
      }),
    ].join('\n'),
  );
  return [
    ...tables,
    `(dev / holdout nDCG@10) fitted on dev: ${name(sweep.fitOnDev)} → holdout ${sweep.fitOnDev.holdout.toFixed(3)};` +
      ` fitted on holdout: ${name(sweep.fitOnHoldout)} → dev ${sweep.fitOnHoldout.dev.toFixed(3)};` +
      ` two-fold cross-validated ${sweep.crossValidated.toFixed(3)}`,
  ].join('\n\n');
}
