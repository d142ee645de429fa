import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runBuild } from '../../src/cli/build-runner.js';
import { parseCommandLine, runMain } from '../../src/cli/main.js';
import { loadSettings, settingFlags, type Settings } from '../../src/config/index.js';
import { loadIndex } from '../../src/index/index.js';
import { Embedder } from '../../src/model/index.js';
import { SearchEngine } from '../../src/search/index.js';
import { loadLabelledSet, loadMedCollection, type EvalCollection } from './collections.js';
import { evaluateCollection, METHODS, type CollectionReport, type EvalSubject } from './evaluate.js';
import { historyFolder } from './history-folder.js';
import { hasMedCollection, loadMed, medAsJsonLines } from './med.js';
import { METRIC_NAMES, type MetricScores } from './metrics.js';

const USAGE =
  'npm run eval -- [--dev <labelled.json>]... [--med <folder> | --skip-med] [--record] [--precision fp32|int8]' +
  ' (writes its record to .cache/eval/history/, or to tests/eval/history/ with --record)';
/** Where this machine keeps the MED collection; a fresh clone has no copy, and MED is then skipped. */
const DEFAULT_MED_FOLDER = '../shared/benchdata/med';
const WORK_DIR = resolve('.cache/eval');

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
    },
    USAGE,
  );
  const {
    med,
    'skip-med': skipMed,
    dev,
    record,
    ...flags
  } = values as Record<string, string> & { 'skip-med'?: boolean; dev?: string[]; record?: boolean };
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
  const reports: CollectionReport[] = [];

  const seedSubject = await subjectFor(settings, embedder, 'seeds', [resolve('seeds')]);
  for (const path of dev ?? ['tests/eval/seed-dev.json']) {
    const collection: EvalCollection = loadLabelledSet(path, `seeds: ${path}`, seedSubject.index.allPapers());
    reports.push(await evaluateCollection(seedSubject, collection));
    print(reports.at(-1)!);
  }

  if (measureMed) {
    const jsonl = join(WORK_DIR, 'med.jsonl');
    writeFileSync(jsonl, medAsJsonLines((await loadMed(medFolder)).documents));
    const medSubject = await subjectFor(settings, embedder, 'med', [jsonl]);
    reports.push(await evaluateCollection(medSubject, await loadMedCollection(medFolder)));
    print(reports.at(-1)!);
  }

  const historyDir = historyFolder(record ?? false);
  mkdirSync(historyDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = join(historyDir, `${stamp}-${embedder.info.precision}.json`);
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), model: embedder.info, methods: METHODS, reports }, null, 2)}\n`);
  console.log(`\nwritten ${file}`);
});
