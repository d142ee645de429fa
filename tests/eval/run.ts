import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { runBuild } from '../../src/cli/build-runner.js';
import { parseCommandLine, runMain } from '../../src/cli/main.js';
import { loadSettings, settingFlags, type Settings } from '../../src/config/index.js';
import { loadIndex } from '../../src/index/index.js';
import { Embedder } from '../../src/model/index.js';
import { SearchEngine } from '../../src/search/index.js';
import { loadLabelledSet, loadMedCollection, type EvalCollection } from './collections.js';
import { crossValidateVariants, crossValidationTable, cvQueries, embeddingOnce, type CvQuery } from './cross-validate.js';
import { ceilingTable, questionWeightCeiling } from './ceiling.js';
import { confidenceCorpora, confidenceRows, confidenceTable, fitWeights } from './confidence.js';
import { evaluateCollection, METHODS, type CollectionReport, type EvalSubject } from './evaluate.js';
import { historyFolder } from './history-folder.js';
import { hasMedCollection, loadMed, medAsJsonLines } from './med.js';
import { METRIC_NAMES, type MetricScores } from './metrics.js';
import { QUESTION_VARIANTS } from './variants.js';
import {
  DRAWS,
  evaluateRecommendations,
  LIKED,
  MIN_RELEVANT,
  RECOMMEND_METHODS,
  recommendTable,
  type RecommendReport,
} from './recommend.js';
import { evaluateSimilar, loadSimilarSet, similarTable, sweepSimilar, sweepTable, type SimilarReport } from './similar.js';

const USAGE =
  'npm run eval -- [--recommend | --similar | --confidence [--synthetic <papers>]] [--dev <labelled.json>]... [--similar-set <judged.json>] [--med <folder> | --skip-med] [--variants] [--record] [--precision fp32|int8]' +
  ' (writes its record to .cache/eval/history/, or to tests/eval/history/ with --record)';
/** The labelled sets measured (and cross-validated together with MED) unless --dev names others. */
const LABELLED_SETS = ['tests/eval/seed-dev.json', 'tests/eval/seed-holdout.json'];
/** Paper → related-papers judgments over the seed corpus, split into a dev half (tuned on) and a holdout half. */
const SIMILAR_SET = 'tests/eval/seed-similar.json';
/** Where this machine keeps the MED collection; a fresh clone has no copy, and MED is then skipped. */
const DEFAULT_MED_FOLDER = '../shared/benchdata/med';
const WORK_DIR = resolve('.cache/eval');
/** The largest library --confidence measures unless --synthetic says otherwise (0 leaves it out). */
const DEFAULT_SYNTHETIC_PAPERS = 100_000;

async function subjectFor(settings: Settings, embedder: Embedder, name: string, inputs: string[]): Promise<EvalSubject> {
  const indexDir = join(WORK_DIR, `${name}-${embedder.info.name}-${embedder.info.precision}`);
  await runBuild({ ...settings, indexDir }, { inputs }, embedder);
  const index = await loadIndex(indexDir);
  return { engine: new SearchEngine(index, embedder), index, embedder };
}

function table(title: string, rows: Record<string, MetricScores>): string {
  const header = `| method | ${METRIC_NAMES.join(' | ')} |`;
  const lines = Object.entries(rows).map(
    ([method, scores]) => `| ${method} | ${METRIC_NAMES.map((m) => scores[m].toFixed(3)).join(' | ')} |`,
  );
  return [`\n${title}`, header, `| --- | ${METRIC_NAMES.map(() => '---').join(' | ')} |`, ...lines].join('\n');
}

function print(report: CollectionReport): void {
  console.log(table(`## ${report.collection} (${report.queries} queries)`, report.overall));
  for (const [kind, rows] of Object.entries(report.byKind)) console.log(table(`### ${report.collection}, ${kind} queries`, rows!));
  const { answerableHigh, answerable, offTopicLow, offTopic } = report.confidence;
  console.log(
    `\nconfidence: high on ${answerableHigh}/${answerable} answerable queries` +
      (offTopic ? `, low on ${offTopicLow}/${offTopic} off-topic queries` : ''),
  );
  const best = Math.max(report.overall['bm25 (MiniSearch defaults)']['ndcg@10'], report.overall['dense (exact)']['ndcg@10']);
  console.log(
    `hybrid nDCG@10 ${report.overall.hybrid['ndcg@10'].toFixed(3)} vs best single baseline ${best.toFixed(3)} (${report.overall.hybrid['ndcg@10'] - best >= 0 ? '+' : ''}${(report.overall.hybrid['ndcg@10'] - best).toFixed(3)})`,
  );
}

runMain(async () => {
  const { values } = parseCommandLine(
    {
      ...settingFlags(),
      med: { type: 'string' },
      'skip-med': { type: 'boolean' },
      dev: { type: 'string', multiple: true },
      record: { type: 'boolean' },
      recommend: { type: 'boolean' },
      similar: { type: 'boolean' },
      'similar-set': { type: 'string' },
      variants: { type: 'boolean' },
      confidence: { type: 'boolean' },
      synthetic: { type: 'string' },
    },
    USAGE,
  );
  const {
    med,
    'skip-med': skipMed,
    dev,
    record,
    recommend,
    similar,
    'similar-set': similarSet,
    variants,
    confidence,
    synthetic,
    ...flags
  } = values as Record<string, string> & {
    'skip-med'?: boolean;
    dev?: string[];
    record?: boolean;
    recommend?: boolean;
    similar?: boolean;
    variants?: boolean;
    confidence?: boolean;
  };
  const settings = loadSettings(flags);
  const medFolder = resolve(med ?? DEFAULT_MED_FOLDER);
  const measureMed = !skipMed && hasMedCollection(medFolder);
  if (!skipMed && !measureMed) {
    process.stderr.write(
      `MED collection skipped: no MED.ALL, MED.QRY or MED.REL in ${medFolder}; to measure it, pass --med <folder> holding a copy of the MEDLINE test collection (SMART format)\n`,
    );
  }
  const embedder = await Embedder.load({
    modelsDir: settings.modelsDir,
    model: settings.model,
    precision: settings.precision,
    threads: settings.threads,
  });
  mkdirSync(WORK_DIR, { recursive: true });
  const historyDir = historyFolder(record ?? false);
  mkdirSync(historyDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const writeRecord = (name: string, contents: object) => {
    const file = join(historyDir, `${stamp}-${embedder.info.precision}${name}.json`);
    writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), model: embedder.info, ...contents }, null, 2)}\n`);
    console.log(`\nwritten ${file}`);
  };

  if (recommend) {
    const seedSubject = await subjectFor(settings, embedder, 'seeds', [resolve('seeds')]);
    const reports: RecommendReport[] = [];
    for (const path of dev ?? LABELLED_SETS) {
      const collection = loadLabelledSet(path, basename(path, '.json'), seedSubject.index.allPapers());
      reports.push(await evaluateRecommendations(seedSubject.engine, collection));
    }
    if (measureMed)
      reports.push(
        await evaluateRecommendations((await medSubject(settings, embedder, medFolder)).engine, await loadMedCollection(medFolder)),
      );
    console.log(
      `\n## Recommendations: nDCG@10 of the other relevant papers after liking ${LIKED} (${DRAWS} draws per query with at least ${MIN_RELEVANT} relevant)\n`,
    );
    console.log(recommendTable(reports));
    for (const report of reports) console.log(`${report.collection}: ${report.queries} queries, ${report.cases} cases`);
    writeRecord('-recommend', { methods: RECOMMEND_METHODS, reports });
    return;
  }

  const measureSimilar = async (subject: EvalSubject): Promise<SimilarReport> => {
    const path = similarSet ?? SIMILAR_SET;
    const report = await evaluateSimilar(subject.index, subject.embedder, loadSimilarSet(path, subject.index.allPapers()));
    console.log(`\n## Similar papers: nDCG@10 by method, ${path}\n`);
    console.log(similarTable(report));
    return report;
  };

  if (similar) {
    const seedSubject = await subjectFor(settings, embedder, 'seeds', [resolve('seeds')]);
    const report = await measureSimilar(seedSubject);
    const sweep = await sweepSimilar(seedSubject.index, embedder, loadSimilarSet(similarSet ?? SIMILAR_SET, seedSubject.index.allPapers()));
    console.log('\n### Similar papers: paper vector × lexical weight × distinctive terms\n');
    console.log(sweepTable(sweep));
    writeRecord('-similar', { report, sweep });
    return;
  }

  if (confidence) {
    const corpora = await confidenceCorpora(
      {
        subject: (name, inputs) => subjectFor(settings, embedder, name, inputs),
        med: measureMed
          ? async () => ({
              subject: await medSubject(settings, embedder, medFolder),
              queries: (await loadMed(medFolder)).queries.map((query) => query.text),
            })
          : undefined,
        synthetic: Number(synthetic ?? DEFAULT_SYNTHETIC_PAPERS),
        workDir: WORK_DIR,
      },
      embedder,
    );
    const rows = confidenceRows(corpora);
    const fitted = fitWeights(corpora);
    console.log('\n## Confidence: answerable queries judged "high", off-topic ones "low"\n');
    console.log(confidenceTable(rows, fitted));
    writeRecord('-confidence', { rows, fitted, corpora });
    return;
  }

  const reports: CollectionReport[] = [];
  // Cross-validation scores every query under many configurations: each text is embedded once.
  const encoder = embeddingOnce(embedder);
  const labelled: CvQuery[] = [];

  const seedSubject = await subjectFor(settings, embedder, 'seeds', [resolve('seeds')]);
  for (const path of dev ?? LABELLED_SETS) {
    const collection: EvalCollection = loadLabelledSet(path, `seeds: ${path}`, seedSubject.index.allPapers());
    if (!variants) {
      reports.push(await evaluateCollection(seedSubject, collection));
      print(reports.at(-1)!);
    }
    labelled.push(...cvQueries('seeds', collection, seedSubject.index, encoder));
  }

  if (measureMed) {
    const medCollection = await loadMedCollection(medFolder);
    const subject = await medSubject(settings, embedder, medFolder);
    if (!variants) {
      reports.push(await evaluateCollection(subject, medCollection));
      print(reports.at(-1)!);
    }
    labelled.push(...cvQueries('MED', medCollection, subject.index, encoder));
  }
  const similarReport = await measureSimilar(seedSubject);
  const crossValidation = await crossValidateVariants(labelled, variants ? QUESTION_VARIANTS : QUESTION_VARIANTS.slice(0, 1));
  console.log(crossValidationTable(crossValidation));
  const ceiling = variants ? await questionWeightCeiling(labelled) : undefined;
  if (ceiling) console.log(ceilingTable(ceiling));
  writeRecord('', { methods: METHODS, reports, similar: similarReport, crossValidation, ceiling });
});

/** The MED collection as an index of its own, built (or reused) through the product's JSON Lines import. */
async function medSubject(settings: Settings, embedder: Embedder, folder: string): Promise<EvalSubject> {
  const jsonl = join(WORK_DIR, 'med.jsonl');
  writeFileSync(jsonl, medAsJsonLines((await loadMed(folder)).documents));
  return subjectFor(settings, embedder, 'med', [jsonl]);
}
