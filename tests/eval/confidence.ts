import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import {
  type Calibration,
  CALIBRATION_BANDS,
  calibrationTexts,
  DEFAULT_HNSW,
  embeddingText,
  loadIndex,
  type PaperIndex,
  readManifestIfAny,
  writeIndex,
} from '../../src/index/index.js';
import type { Embedder } from '../../src/model/index.js';
import {
  type ConfidenceOptions,
  DEFAULT_CONFIDENCE,
  DEFAULT_SEARCH,
  isConfident,
  SearchEngine,
  similarityBar,
  termShare,
} from '../../src/search/index.js';
import { analyze, splitSentences } from '../../src/text/index.js';
import { syntheticVectors } from '../benchmarks/scale.js';
import { syntheticPapers } from '../benchmarks/synthetic.js';
import { loadLabelledSet } from './collections.js';
import type { EvalSubject } from './evaluate.js';

/**
 * Confidence on every corpus (`npm run eval -- --confidence`): for each, its answerable and
 * off-topic queries, the evidence the engine judges them by (best dense similarity, lexical
 * coverage, the query's term weight in the best paper), and the share judged right three ways:
 * with the fixed bars of before (0.42 / 0.57), with the bars the engine ships (the index's
 * calibration and the weights of `DEFAULT_CONFIDENCE`, fitted on every corpus, so in-sample), and
 * with weights fitted on the other corpora only (held out: the figure that says whether the
 * calibration travels).
 */

/** What `--confidence` fits: the bar's deviations above the probes per band, and how far the query's terms in the best paper lower it. */
export type Weights = Pick<ConfidenceOptions, 'probeDeviations' | 'termDeviations'>;

export interface QueryEvidence {
  text: string;
  answerable: boolean;
  termCount: number;
  similarity: number;
  coverage: number;
  /** The share of the query's idf weight held by the paper with that similarity (`termShare`). */
  termShare: number;
  /** What the engine itself answered (hybrid, k = 10). */
  engineHigh: boolean;
}

export interface CorpusEvidence {
  name: string;
  papers: number;
  calibration?: Calibration;
  queries: QueryEvidence[];
}

export interface Counts {
  answerableHigh: number;
  answerable: number;
  offTopicLow: number;
  offTopic: number;
}

/** A small library as a fixture: its papers (JSON Lines beside it), answerable queries with the paper expected first, off-topic ones. */
const LibrarySetSchema = z.object({
  library: z.string(),
  answerable: z.array(z.object({ kind: z.enum(['keyword', 'question', 'abstract']), text: z.string().min(1), expect: z.string() })),
  offTopic: z.array(z.string().min(1)),
});
export type LibrarySet = z.infer<typeof LibrarySetSchema> & { papersFile: string };

export function loadLibrarySet(path: string): LibrarySet {
  const set = LibrarySetSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  return { ...set, papersFile: join(dirname(path), set.library) };
}

/** The off-topic queries written for a collection that has none (MED). */
export function loadOffTopic(path: string): string[] {
  return z.object({ offTopic: z.array(z.string().min(1)) }).parse(JSON.parse(readFileSync(path, 'utf8'))).offTopic;
}

/** The evidence of every query, as the hybrid ranker gathers it (best of the dense pool, best lexical coverage of the lexical pool). */
export async function gatherEvidence(
  name: string,
  subject: EvalSubject,
  answerable: readonly string[],
  offTopic: readonly string[],
): Promise<CorpusEvidence> {
  const { index, engine, embedder } = subject;
  const { candidatePool, lexical } = DEFAULT_SEARCH;
  const queries: QueryEvidence[] = [];
  for (const [texts, isAnswerable] of [
    [answerable, true],
    [offTopic, false],
  ] as const) {
    for (const text of texts) {
      const vector = await embedder.embedLong(text);
      const hits = index.lexical.query(text, candidatePool, lexical.titleBoost);
      const [nearest] = index.nearest(vector, 1);
      const terms = analyze(text);
      const paperTerms = new Set(nearest ? analyze(embeddingText(index.paper(nearest.ordinal))) : []);
      queries.push({
        text,
        answerable: isAnswerable,
        termCount: terms.length,
        similarity: nearest?.similarity ?? -1,
        coverage: hits.reduce((best, hit) => Math.max(best, hit.coverage), 0),
        termShare: termShare(terms, paperTerms, (term) => index.lexical.idf(term)),
        engineHigh: (await engine.search(text, { k: 10 })).confidence === 'high',
      });
    }
  }
  return { name, papers: index.size, calibration: index.calibration, queries };
}

/** How the rule judges a corpus's queries with these deviations, or with the fixed bars (`calibrated` false). */
export function judge(corpus: CorpusEvidence, weights: Weights, calibrated = true, keep = (_: QueryEvidence) => true): Counts {
  const options = { ...DEFAULT_CONFIDENCE, ...weights };
  const counts: Counts = { answerableHigh: 0, answerable: 0, offTopicLow: 0, offTopic: 0 };
  for (const query of corpus.queries.filter(keep)) {
    const calibration = calibrated ? corpus.calibration : undefined;
    const bar = similarityBar(query.termCount, calibration, options, DEFAULT_SEARCH.fusion, query.termShare);
    const high = isConfident(query, bar);
    if (query.answerable) {
      counts.answerable++;
      if (high) counts.answerableHigh++;
    } else {
      counts.offTopic++;
      if (!high) counts.offTopicLow++;
    }
  }
  return counts;
}

const inBand = (band: (typeof CALIBRATION_BANDS)[number]) => (query: QueryEvidence) =>
  query.termCount >= band.fromTerms && query.termCount <= band.toTerms;

/** Candidate deviations above the probes: 0 to 12 in steps of 0.05. */
const GRID = Array.from({ length: 241 }, (_, i) => i * 0.05);
/** Candidate deviations the query's terms may take off: 0 to 6 in steps of 0.5. */
const TERM_GRID = Array.from({ length: 13 }, (_, i) => i * 0.5);

/** The middle one of the best candidates: the widest margin to both kinds of query. */
function middleOfBest(candidates: readonly number[], score: (candidate: number) => number): { value: number; score: number } {
  const scores = candidates.map(score);
  const best = Math.max(...scores);
  const winners = candidates.filter((_, i) => scores[i]! >= best - 1e-12);
  return { value: winners[Math.floor(winners.length / 2)]!, score: best };
}

/**
 * The weights that judge the training corpora best. Per band, the score of a candidate is the mean
 * over corpora (those with both kinds of query in the band) of the balanced accuracy: answerable
 * high and off-topic low, equally weighted. The term weight is shared by the bands and chosen by
 * the sum of their best scores; each choice is the middle one of the best candidates.
 */
export function fitWeights(training: readonly CorpusEvidence[]): Weights {
  const fitBands = (termDeviations: number) => {
    const probeDeviations = { ...DEFAULT_CONFIDENCE.probeDeviations };
    let total = 0;
    for (const band of CALIBRATION_BANDS) {
      const { value, score } = middleOfBest(GRID, (k) => {
        const accuracies = training.flatMap((corpus) => {
          const counts = judge(corpus, { termDeviations, probeDeviations: { ...probeDeviations, [band.name]: k } }, true, inBand(band));
          if (counts.answerable === 0 || counts.offTopic === 0) return [];
          return [(counts.answerableHigh / counts.answerable + counts.offTopicLow / counts.offTopic) / 2];
        });
        return accuracies.length ? accuracies.reduce((sum, a) => sum + a, 0) / accuracies.length : 0;
      });
      if (score > 0) probeDeviations[band.name] = value;
      total += score;
    }
    return { weights: { termDeviations, probeDeviations }, total };
  };
  const termDeviations = middleOfBest(TERM_GRID, (w) => fitBands(w).total).value;
  return fitBands(termDeviations).weights;
}

export interface ConfidenceRow {
  corpus: string;
  papers: number;
  before: Counts;
  shipped: Counts;
  heldOut: Counts;
  /** Weights fitted without this corpus. */
  heldOutWeights: Weights;
  /** The engine's own answers, which must agree with `shipped`. */
  engine: Counts;
}

/** Every corpus judged before, as shipped, and held out (deviations fitted on the other corpora). */
export function confidenceRows(corpora: readonly CorpusEvidence[]): ConfidenceRow[] {
  return corpora.map((corpus) => {
    const heldOutWeights = fitWeights(corpora.filter((other) => other !== corpus));
    const engine: Counts = {
      answerableHigh: corpus.queries.filter((q) => q.answerable && q.engineHigh).length,
      answerable: corpus.queries.filter((q) => q.answerable).length,
      offTopicLow: corpus.queries.filter((q) => !q.answerable && !q.engineHigh).length,
      offTopic: corpus.queries.filter((q) => !q.answerable).length,
    };
    return {
      corpus: corpus.name,
      papers: corpus.papers,
      before: judge(corpus, DEFAULT_CONFIDENCE, false),
      shipped: judge(corpus, DEFAULT_CONFIDENCE),
      heldOut: judge(corpus, heldOutWeights),
      heldOutWeights,
      engine,
    };
  });
}

const share = (part: number, whole: number) => `${part}/${whole} (${whole ? Math.round((100 * part) / whole) : 0}%)`;

export function confidenceTable(rows: readonly ConfidenceRow[], fittedOnAll: Weights): string {
  const weights = (w: Weights) =>
    `${CALIBRATION_BANDS.map((band) => w.probeDeviations[band.name].toFixed(2)).join(' / ')}, terms ${w.termDeviations.toFixed(1)}`;
  return [
    '| corpus | papers | answerable high: before | held out | shipped | off-topic low: before | held out | shipped | held-out weights (lookup / question / passage, terms) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows
      .map((row) =>
        [
          row.corpus,
          row.papers.toLocaleString('en'),
          share(row.before.answerableHigh, row.before.answerable),
          `**${share(row.heldOut.answerableHigh, row.heldOut.answerable)}**`,
          share(row.shipped.answerableHigh, row.shipped.answerable),
          share(row.before.offTopicLow, row.before.offTopic),
          `**${share(row.heldOut.offTopicLow, row.heldOut.offTopic)}**`,
          share(row.shipped.offTopicLow, row.shipped.offTopic),
          weights(row.heldOutWeights),
        ].join(' | '),
      )
      .map((line) => `| ${line} |`),
    '',
    `Fitted on every corpus: ${weights(fittedOnAll)}; shipped (DEFAULT_CONFIDENCE): ${weights(DEFAULT_CONFIDENCE)}.`,
  ].join('\n');
}

/** The corpora `--confidence` measures, each as an engine over its own index, built through the product. */
export interface ConfidenceCorpusSources {
  subject(name: string, inputs: string[]): Promise<EvalSubject>;
  med?(): Promise<{ subject: EvalSubject; queries: string[] }>;
  /** Papers of the synthetic library (0: none). */
  synthetic: number;
  workDir: string;
}

const SEED_SETS = ['tests/eval/seed-dev.json', 'tests/eval/seed-holdout.json'];
const LIBRARIES = ['tests/eval/fixtures/nlp-library.json', 'tests/eval/fixtures/bio-library.json'];
const MED_OFF_TOPIC = 'tests/eval/med-off-topic.json';

export async function confidenceCorpora(sources: ConfidenceCorpusSources, embedder: Embedder): Promise<CorpusEvidence[]> {
  const corpora: CorpusEvidence[] = [];
  const seeds = await sources.subject('seeds', [resolve('seeds')]);
  const seedSets = SEED_SETS.map((path) => loadLabelledSet(path, path, seeds.index.allPapers()));
  const seedAnswerable = seedSets.flatMap((set) => set.queries.map((query) => query.text));
  const seedOffTopic = seedSets.flatMap((set) => set.offTopic);
  corpora.push(await gatherEvidence('seed (dev + holdout)', seeds, seedAnswerable, seedOffTopic));
  if (sources.med) {
    const med = await sources.med();
    corpora.push(await gatherEvidence('MED', med.subject, med.queries, loadOffTopic(MED_OFF_TOPIC)));
  }
  for (const path of LIBRARIES) {
    const set = loadLibrarySet(path);
    const subject = await sources.subject(basename(path, '.json'), [resolve(set.papersFile)]);
    corpora.push(
      await gatherEvidence(
        `${basename(path, '.json')}`,
        subject,
        set.answerable.map((query) => query.text),
        set.offTopic,
      ),
    );
  }
  if (sources.synthetic > 0) {
    const index = await syntheticLibrary(join(sources.workDir, `synthetic-${sources.synthetic}`), seeds.index, sources.synthetic, embedder);
    const subject = { index, embedder, engine: new SearchEngine(index, embedder) };
    corpora.push(await gatherEvidence(`synthetic ${sources.synthetic.toLocaleString('en')}`, subject, seedAnswerable, seedOffTopic));
  }
  return corpora;
}

/**
 * The seed papers (real texts and vectors) among synthetic ones up to `n` papers: vectors scattered
 * around the seed papers' (as `npm run bench:living` makes them), texts made of sentences of the seed
 * abstracts, so its answerable queries are the seed sets' (their judged papers are all in it) and
 * its off-topic ones the seed sets' too. Its calibration is written as a build writes it. Kept in
 * `dir` and reused while it holds `n` papers.
 */
export async function syntheticLibrary(dir: string, seeds: PaperIndex, n: number, embedder: Embedder): Promise<PaperIndex> {
  const corpusHash = `confidence-synthetic-${n}`;
  if (readManifestIfAny(dir)?.corpusHash === corpusHash) return loadIndex(dir);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const ordinals = Array.from(seeds.liveOrdinals());
  const real = ordinals.map((ordinal) => seeds.vectorOf(ordinal));
  const seedPapers = ordinals.map((ordinal) => seeds.paper(ordinal));
  const sentences = seedPapers.flatMap((paper) => splitSentences(paper.abstract)).filter((sentence) => sentence.length > 20);
  const papers = [...seedPapers, ...syntheticPapers(sentences, n - seedPapers.length, 'synthetic', n)];
  const vectors = [...real, ...syntheticVectors(real, n - seedPapers.length)];
  const texts = calibrationTexts(papers);
  const queryVectors = await embedder.embed(texts.map((query) => query.text));
  writeIndex(dir, {
    papers,
    vectors,
    model: embedder.info,
    hnsw: DEFAULT_HNSW,
    corpusHash,
    sources: ['synthetic'],
    calibrationQueries: texts.map((query, i) => ({ ...query, vector: queryVectors[i]! })),
  });
  return loadIndex(dir);
}
