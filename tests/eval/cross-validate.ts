import { seededRandom } from '../../src/index/map/layout.js';
import { type Encoder, type SearchableIndex, SearchEngine, type SearchOptions } from '../../src/search/index.js';
import type { EvalCollection, EvalQuery } from './collections.js';
import { ndcgAt } from './metrics.js';

/**
 * Cross-validated figures for the engine's tuned parameters: every labelled query of every collection
 * is scored under every configuration of a small grid, then, per fold, the configuration best on the
 * other folds is judged on the held-out one. The held-out figures say how well the tuning generalises;
 * the product's fixed defaults are reported beside them.
 */

export interface CvQuery extends EvalQuery {
  /** The papers searched (collections over one corpus are also reported together) ... */
  corpus: string;
  /** ... and the labelled set the query comes from: rows of the report. */
  collection: string;
  /** An engine over the collection's index, or over a variant's view of it (`Variant.index`). */
  engineOf: (options: SearchOptions, view?: IndexView) => SearchEngine;
}

/** What a variant changes below the engine: the index as it sees it (another lexical retriever). */
export type IndexView = (index: SearchableIndex) => SearchableIndex;

/** One configuration of the engine, named by its settings. */
export interface Configuration {
  name: string;
  options: SearchOptions;
}

/** One tunable: its values, and how a value is set on a copy of the options. */
export interface Axis {
  name: string;
  values: readonly number[];
  set(options: SearchOptions, value: number): SearchOptions;
}

export const FOLDS = 5;
/** Queries per collection and kind are dealt to folds in an order shuffled by this seed, the same every run. */
const FOLD_SEED = 17;

/** The parameters the hybrid ranker was tuned by hand on, each over a few values around today's default. */
export const HYBRID_AXES: readonly Axis[] = [
  {
    name: 'keyword lexical weight',
    values: [0.45, 0.6, 0.75],
    set: (o, v) => ({ ...o, fusion: { ...o.fusion, keywordLexicalWeight: v } }),
  },
  {
    name: 'question lexical weight',
    values: [0.15, 0.25, 0.35],
    set: (o, v) => ({ ...o, fusion: { ...o.fusion, questionLexicalWeight: v } }),
  },
  {
    name: 'passage lexical weight',
    values: [0.1, 0.2, 0.3],
    set: (o, v) => ({ ...o, fusion: { ...o.fusion, passageLexicalWeight: v } }),
  },
  { name: 'expansion papers', values: [0, 3, 5], set: (o, v) => ({ ...o, feedback: { ...o.feedback, documents: v } }) },
  { name: 'expansion weight', values: [0.5, 1], set: (o, v) => ({ ...o, feedback: { ...o.feedback, weight: v } }) },
  { name: 'title boost', values: [0.5, 0.7, 1], set: (o, v) => ({ ...o, lexical: { ...o.lexical, titleBoost: v } }) },
];

/** Every combination of the axes' values applied to `base` (expansion weight is moot without expansion papers, so dropped there). */
export function grid(base: SearchOptions, axes: readonly Axis[]): Configuration[] {
  let configurations: Configuration[] = [{ name: '', options: base }];
  for (const axis of axes) {
    configurations = configurations.flatMap((c) =>
      axis.values.map((value) => ({
        name: `${c.name}${c.name ? ', ' : ''}${axis.name} ${value}`,
        options: axis.set(c.options, value),
      })),
    );
  }
  const seen = new Set<string>();
  return configurations.filter((c) => {
    const key = JSON.stringify(c.options.feedback.documents === 0 ? { ...c.options, feedback: { documents: 0, weight: 0 } } : c.options);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The engine's encoder with every text embedded once, whatever number of engines share it. */
export function embeddingOnce(encoder: Encoder): Encoder {
  const vectors = new Map<string, Promise<Float32Array>>();
  return {
    info: encoder.info,
    embedLong(text) {
      let vector = vectors.get(text);
      if (!vector) {
        vector = encoder.embedLong(text);
        vectors.set(text, vector);
      }
      return vector;
    },
  };
}

/** The labelled queries of a collection, each able to get an engine over the collection's index with any options. */
export function cvQueries(corpus: string, collection: EvalCollection, index: SearchableIndex, encoder: Encoder): CvQuery[] {
  const engines = new Map<IndexView | undefined, Map<SearchOptions, SearchEngine>>();
  const engineOf = (options: SearchOptions, view?: IndexView) => {
    const ofView = engines.get(view) ?? new Map<SearchOptions, SearchEngine>();
    engines.set(view, ofView);
    let engine = ofView.get(options);
    if (!engine) {
      engine = new SearchEngine(view ? view(index) : index, encoder, options);
      ofView.set(options, engine);
    }
    return engine;
  };
  return collection.queries.map((query) => ({ ...query, corpus, collection: collection.name, engineOf }));
}

/** nDCG@10 of hybrid search per configuration (rows) and query (columns). */
export async function scoreGrid(
  configurations: readonly Configuration[],
  queries: readonly CvQuery[],
  view?: IndexView,
): Promise<Float64Array[]> {
  const rows: Float64Array[] = [];
  for (const { options } of configurations) {
    const row = new Float64Array(queries.length);
    for (const [i, query] of queries.entries()) {
      const answer = await query.engineOf(options, view).search(query.text, { k: 10, mode: 'hybrid' });
      row[i] = ndcgAt(
        answer.hits.map((hit) => hit.paper.id),
        query.judgments,
        10,
      );
    }
    rows.push(row);
  }
  return rows;
}

/** Fold of each query: within each collection and kind, queries are shuffled (seeded) and dealt in turn. */
export function assignFolds(queries: readonly CvQuery[], folds = FOLDS): number[] {
  const random = seededRandom(FOLD_SEED);
  const groups = new Map<string, number[]>();
  queries.forEach((query, i) => {
    const key = `${query.collection}/${query.kind}`;
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const assigned = new Array<number>(queries.length);
  let next = 0;
  for (const members of groups.values()) {
    for (let i = members.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [members[i], members[j]] = [members[j]!, members[i]!];
    }
    for (const member of members) assigned[member] = next++ % folds;
  }
  return assigned;
}

export interface CrossValidation {
  /** Per query: its nDCG@10 under the configuration chosen without its fold. */
  heldOut: Float64Array;
  /** Per fold: the index of the configuration chosen on the other folds. */
  chosen: number[];
}

/** Per fold, the configuration with the best mean nDCG@10 on the other folds (the first on a tie), judged on this fold. */
export function crossValidate(scores: readonly Float64Array[], folds: readonly number[]): CrossValidation {
  const foldCount = Math.max(...folds) + 1;
  const heldOut = new Float64Array(folds.length);
  const chosen: number[] = [];
  for (let fold = 0; fold < foldCount; fold++) {
    let best = 0;
    let bestMean = Number.NEGATIVE_INFINITY;
    scores.forEach((row, c) => {
      const mean = meanWhere(row, (i) => folds[i] !== fold);
      if (mean > bestMean + 1e-12) {
        best = c;
        bestMean = mean;
      }
    });
    chosen.push(best);
    folds.forEach((f, i) => {
      if (f === fold) heldOut[i] = scores[best]![i]!;
    });
  }
  return { heldOut, chosen };
}

/** The configuration with the best mean over all queries: what the defaults become when the held-out figures support it. */
export function bestInSample(scores: readonly Float64Array[]): number {
  let best = 0;
  scores.forEach((row, c) => {
    if (meanWhere(row, () => true) > meanWhere(scores[best]!, () => true) + 1e-12) best = c;
  });
  return best;
}

export function meanWhere(values: Float64Array, keep: (i: number) => boolean): number {
  let sum = 0;
  let count = 0;
  values.forEach((value, i) => {
    if (keep(i)) {
      sum += value;
      count++;
    }
  });
  return count === 0 ? Number.NaN : sum / count;
}

/** Rows of a report: every collection, each kind of query within it, and every kind over all collections. */
export function reportRows(queries: readonly CvQuery[]): Array<{ label: string; keep: (i: number) => boolean; count: number }> {
  const rows: Array<{ label: string; keep: (i: number) => boolean }> = [{ label: 'all', keep: () => true }];
  const kinds = [...new Set(queries.map((q) => q.kind))];
  for (const corpus of new Set(queries.map((q) => q.corpus))) {
    const ofCorpus = (i: number) => queries[i]!.corpus === corpus;
    const collections = new Set(queries.filter((q) => q.corpus === corpus).map((q) => q.collection));
    if (collections.size > 1) rows.push({ label: corpus, keep: ofCorpus });
    for (const collection of collections) rows.push({ label: collection, keep: (i) => queries[i]!.collection === collection });
    const corpusKinds = new Set(queries.filter((q) => q.corpus === corpus).map((q) => q.kind));
    if (corpusKinds.size > 1)
      for (const kind of kinds)
        if (corpusKinds.has(kind)) rows.push({ label: `${corpus}, ${kind}s`, keep: (i) => ofCorpus(i) && queries[i]!.kind === kind });
  }
  for (const kind of kinds) rows.push({ label: `${kind}s, all collections`, keep: (i) => queries[i]!.kind === kind });
  return rows.map((row) => ({ ...row, count: queries.filter((_, i) => row.keep(i)).length }));
}

/** A way of running the engine: options applied before the grid's. */
export interface Variant {
  name: string;
  options: SearchOptions;
  /** The grid tuned around it; the full `HYBRID_AXES` unless a smaller one is enough to compare variants. */
  axes?: readonly Axis[];
  /** Below the engine: the index as this variant searches it (absent: the index as built). */
  index?: IndexView;
}

export interface VariantResult {
  variant: string;
  /** Folds used: `FOLDS`, or fewer for a set of fewer queries. */
  folds: number;
  configurations: number;
  /** Row label → mean nDCG@10 of the variant's own settings (no tuning), cross-validated, and the best configuration in sample. */
  rows: Record<string, { queries: number; fixed: number; crossValidated: number; inSample: number }>;
  /** Per fold, the configuration chosen on the others. */
  chosen: string[];
  best: string;
}

/** Each variant's fixed figure, its cross-validated figure over the grid, and its best configuration in sample. */
export async function crossValidateVariants(queries: readonly CvQuery[], variants: readonly Variant[]): Promise<VariantResult[]> {
  const folds = assignFolds(queries);
  const rows = reportRows(queries);
  const results: VariantResult[] = [];
  for (const variant of variants) {
    const configurations = [{ name: 'fixed', options: variant.options }, ...grid(variant.options, variant.axes ?? HYBRID_AXES)];
    const scores = await scoreGrid(configurations, queries, variant.index);
    const { heldOut, chosen } = crossValidate(scores.slice(1), folds);
    const best = bestInSample(scores.slice(1));
    results.push({
      variant: variant.name,
      folds: chosen.length,
      configurations: configurations.length - 1,
      rows: Object.fromEntries(
        rows.map((row) => [
          row.label,
          {
            queries: row.count,
            fixed: meanWhere(scores[0]!, row.keep),
            crossValidated: meanWhere(heldOut, row.keep),
            inSample: meanWhere(scores[best + 1]!, row.keep),
          },
        ]),
      ),
      chosen: chosen.map((c) => configurations[c + 1]!.name),
      best: configurations[best + 1]!.name,
    });
  }
  return results;
}

/** The report as Markdown: one table per variant, then a summary of every variant's held-out figures. */
export function crossValidationTable(results: readonly VariantResult[]): string {
  const lines: string[] = [];
  for (const result of results) {
    lines.push(
      `\n## Cross-validated hybrid nDCG@10: ${result.variant} (${result.folds} folds, ${result.configurations} configurations)`,
      '| queries | n | fixed defaults | cross-validated | best in sample |',
      '| --- | --- | --- | --- | --- |',
      ...Object.entries(result.rows).map(
        ([label, r]) => `| ${label} | ${r.queries} | ${r.fixed.toFixed(3)} | ${r.crossValidated.toFixed(3)} | ${r.inSample.toFixed(3)} |`,
      ),
      ...result.chosen.map((name, fold) => `fold ${fold + 1} chose: ${name}`),
      `best in sample: ${result.best}`,
    );
  }
  if (results.length > 1) {
    const labels = Object.keys(results[0]!.rows);
    lines.push(
      '\n## Variants, cross-validated hybrid nDCG@10 (fixed settings in brackets)',
      `| variant | ${labels.join(' | ')} |`,
      `| --- | ${labels.map(() => '---').join(' | ')} |`,
      ...results.map(
        (r) =>
          `| ${r.variant} | ${labels.map((l) => `${r.rows[l]!.crossValidated.toFixed(3)} (${r.rows[l]!.fixed.toFixed(3)})`).join(' | ')} |`,
      ),
    );
  }
  return lines.join('\n');
}
