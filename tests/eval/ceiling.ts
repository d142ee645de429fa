import { DEFAULT_SEARCH } from '../../src/search/index.js';
import { type CvQuery, grid, HYBRID_AXES, meanWhere, scoreGrid } from './cross-validate.js';

/**
 * How far choosing a question's lexical weight could go: every question scored at each weight, then the
 * mean of the best single weight and the mean of each question's own best weight (an oracle no rule can
 * beat: it knows the judgments). Beside it, how well what the engine knows before ranking (its two
 * candidate lists) predicts a question's best weight: the correlation a per-query rule would need.
 */

/** From dense alone (0) to lexical alone (1), around the product's 0.25 (which must be one of them). */
export const QUESTION_WEIGHTS: readonly number[] = [0, 0.1, 0.2, 0.25, 0.35, 0.5, 0.7, 1];

export interface CeilingRow {
  label: string;
  queries: number;
  /** nDCG@10 at the product's defaults. */
  product: number;
  /** The one weight best over these questions, and its nDCG@10. */
  bestWeight: number;
  bestSingle: number;
  /** Each question at its own best weight. */
  perQuestion: number;
}

export interface Ceiling {
  rows: CeilingRow[];
  /** Pearson correlation of each question's best weight (the mean of its tied best) with a signal known before ranking. */
  predictors: Array<{ signal: string; correlation: number }>;
}

export async function questionWeightCeiling(labelled: readonly CvQuery[]): Promise<Ceiling> {
  const questions = labelled.filter((query) => query.kind === 'question');
  const axis = HYBRID_AXES.find((a) => a.name === 'question lexical weight')!;
  const configurations = grid(DEFAULT_SEARCH, [{ ...axis, values: QUESTION_WEIGHTS }]);
  const scores = await scoreGrid(configurations, questions);
  // The grid's row at the product's weight is the product's defaults: they are not scored twice.
  const product = scores[QUESTION_WEIGHTS.indexOf(DEFAULT_SEARCH.fusion.questionLexicalWeight)]!;
  const best = questions.map((_, i) => Math.max(...scores.map((row) => row[i]!)));
  const bestWeights = questions.map((_, i) => mean(QUESTION_WEIGHTS.filter((_, c) => scores[c]![i]! >= best[i]! - 1e-12)));

  const groups: Array<{ label: string; keep: (i: number) => boolean }> = [
    ...[...new Set(questions.map((q) => q.corpus))].map((corpus) => ({
      label: `${corpus}, questions`,
      keep: (i: number) => questions[i]!.corpus === corpus,
    })),
    { label: 'questions, all collections', keep: () => true },
  ];
  const rows = groups.map(({ label, keep }) => {
    const means = scores.map((row) => meanWhere(row, keep));
    const single = means.indexOf(Math.max(...means));
    return {
      label,
      queries: questions.filter((_, i) => keep(i)).length,
      product: meanWhere(product, keep),
      bestWeight: QUESTION_WEIGHTS[single]!,
      bestSingle: means[single]!,
      perQuestion: meanWhere(Float64Array.from(best), keep),
    };
  });

  const signals = {
    'dense and lexical top 10 in common': [] as number[],
    "top BM25 score's lead over the second": [] as number[],
    'best cosine': [] as number[],
  };
  for (const query of questions) {
    const engine = query.engineOf(DEFAULT_SEARCH);
    const dense = (await engine.search(query.text, { k: 10, mode: 'dense' })).hits;
    const lexical = (await engine.search(query.text, { k: 10, mode: 'lexical' })).hits;
    const denseIds = new Set(dense.map((hit) => hit.paper.id));
    signals['dense and lexical top 10 in common'].push(lexical.filter((hit) => denseIds.has(hit.paper.id)).length);
    signals["top BM25 score's lead over the second"].push(
      lexical.length > 1 ? (lexical[0]!.score - lexical[1]!.score) / lexical[0]!.score : 1,
    );
    signals['best cosine'].push(dense[0]?.score ?? 0);
  }
  const predictors = Object.entries(signals).map(([signal, values]) => ({ signal, correlation: pearson(values, bestWeights) }));
  return { rows, predictors };
}

export function ceilingTable({ rows, predictors }: Ceiling): string {
  return [
    `\n## How far a per-question lexical weight could go (weights ${QUESTION_WEIGHTS.join(', ')}; hybrid nDCG@10)`,
    '| questions | n | product | best single weight | each question at its best weight (oracle) |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.label} | ${r.queries} | ${r.product.toFixed(3)} | ${r.bestSingle.toFixed(3)} (${r.bestWeight}) | ${r.perQuestion.toFixed(3)} |`,
    ),
    "\nCorrelation of a question's best weight with what is known before ranking:",
    ...predictors.map((p) => `- ${p.signal}: r = ${p.correlation.toFixed(2)}`),
  ].join('\n');
}

function mean(values: readonly number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}

function pearson(xs: readonly number[], ys: readonly number[]): number {
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  xs.forEach((x, i) => {
    sxy += (x - mx) * (ys[i]! - my);
    sxx += (x - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  });
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}
