import { z } from 'zod';
import type { Paper } from '../papers/index.js';
import { sha256 } from '../storage/index.js';
import { analyze, splitSentences } from '../text/index.js';
import type { Neighbour } from './dense.js';
import { PROBES } from './probes.js';

/**
 * What a match looks like in this library, measured when a generation is written: how close the
 * best paper comes to text the library does not cover (the probes, `probes.ts`), and to text
 * taken from the library itself, per query length. The search engine places its confidence bar
 * between the two (`src/search/confidence.ts`); a fixed bar does not travel, because the best
 * similarity any text reaches grows with the library's size and with how close its papers are.
 */

/** Query lengths in analyzed terms, as the engine tells lookups, questions and pasted passages apart. */
export const CALIBRATION_BANDS = [
  { name: 'lookup', fromTerms: 1, toTerms: 3 },
  { name: 'question', fromTerms: 4, toTerms: 39 },
  { name: 'passage', fromTerms: 40, toTerms: Number.MAX_SAFE_INTEGER },
] as const;
export type CalibrationBandName = (typeof CALIBRATION_BANDS)[number]['name'];

/** Papers whose titles and sentences are sampled as answerable queries: enough for a median, few enough to embed in seconds. */
const LIBRARY_SAMPLE = 30;

const ScoresSchema = z.object({
  count: z.number().int().nonnegative(),
  mean: z.number(),
  deviation: z.number().nonnegative(),
  median: z.number(),
});
export type Scores = z.infer<typeof ScoresSchema>;

const BandSchema = z.object({
  name: z.enum(CALIBRATION_BANDS.map((band) => band.name) as [CalibrationBandName, ...CalibrationBandName[]]),
  fromTerms: z.number().int().positive(),
  toTerms: z.number().int().positive(),
  /** Best cosine similarity reached by the probes of this length: text the library does not cover. */
  probes: ScoresSchema,
  /** The same for text taken from the library's own titles and abstracts: answerable by construction. */
  library: ScoresSchema,
});
export type CalibrationBand = z.infer<typeof BandSchema>;

export const CalibrationSchema = z.object({
  version: z.literal(1),
  bands: z.array(BandSchema),
  /**
   * The mean of the live papers' unit vectors: the direction every paper of this library shares, which
   * the engine takes out when it compares papers with papers (`src/search/modes/context.ts`,
   * `paperSimilarity`). Absent in a calibration written before it was measured; the next build adds it.
   */
  centroid: z.array(z.number()).optional(),
});
export type Calibration = z.infer<typeof CalibrationSchema>;

/** A text the build scores against its own generation, with its query vector. */
export interface CalibrationQuery {
  text: string;
  vector: Float32Array;
  /** A probe (not covered) or a text taken from the library (covered). */
  from: 'probe' | 'library';
}

/**
 * The texts a build scores: every probe, and from a stable sample of the library's papers (those
 * whose ids hash lowest, so an incremental build mostly keeps its sample) a two-word phrase of the
 * title, the title, one sentence of the abstract and its opening sentences up to passage length.
 */
export function calibrationTexts(papers: readonly Paper[]): Array<Omit<CalibrationQuery, 'vector'>> {
  const sample = papers
    .map((paper) => ({ paper, rank: sha256(paper.id) }))
    .sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0))
    .slice(0, LIBRARY_SAMPLE)
    .map(({ paper }) => paper);
  const library: string[] = [];
  for (const paper of sample) {
    const words = paper.title.split(/\s+/).filter((word) => analyze(word).length > 0);
    const start = Number.parseInt(sha256(`${paper.id}:phrase`).slice(0, 8), 16) % Math.max(1, words.length - 1);
    library.push(words.slice(start, start + 2).join(' '), paper.title);
    const sentences = splitSentences(paper.abstract);
    if (sentences.length > 0) library.push(sentences[Math.floor(sentences.length / 2)]!);
    const opening: string[] = [];
    for (const sentence of sentences) {
      opening.push(sentence);
      if (analyze(opening.join(' ')).length >= CALIBRATION_BANDS[2].fromTerms) {
        library.push(opening.join(' '));
        break;
      }
    }
  }
  return [
    ...PROBES.map((text) => ({ text, from: 'probe' as const })),
    ...library.filter((text) => text.trim().length > 0).map((text) => ({ text, from: 'library' as const })),
  ];
}

/** Scores each query's best paper (`nearest(vector, 1)`) and summarizes them per band and origin, beside the library's `centroid`. */
export function measureCalibration(
  queries: readonly CalibrationQuery[],
  nearest: (vector: Float32Array, k: number) => Neighbour[],
  centroid: Float32Array | undefined,
): Calibration {
  const best = queries.map((query) => ({
    ...query,
    terms: analyze(query.text).length,
    similarity: nearest(query.vector, 1)[0]?.similarity ?? 0,
  }));
  return {
    version: 1,
    bands: CALIBRATION_BANDS.map((band) => {
      const of = (from: CalibrationQuery['from']) =>
        summarize(best.filter((q) => q.from === from && q.terms >= band.fromTerms && q.terms <= band.toTerms).map((q) => q.similarity));
      return { ...band, probes: of('probe'), library: of('library') };
    }),
    ...(centroid ? { centroid: Array.from(centroid) } : {}),
  };
}

/** The band of a query of `termCount` analyzed terms, when the calibration measured it. */
export function calibrationBand(calibration: Calibration, termCount: number): CalibrationBand | undefined {
  return calibration.bands.find((band) => termCount >= band.fromTerms && termCount <= band.toTerms);
}

export function summarize(values: readonly number[]): Scores {
  if (values.length === 0) return { count: 0, mean: 0, deviation: 0, median: 0 };
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const deviation = Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length);
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { count: values.length, mean, deviation, median };
}
