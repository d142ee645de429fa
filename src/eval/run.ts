import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runBuild, loadEmbedder } from '../cli/build-runner.js';
import { parseCommandLine, runMain } from '../cli/main.js';
import { loadSettings, settingFlags, type Settings } from '../config/index.js';
import { loadIndex } from '../index/index.js';
import type { Embedder } from '../model/index.js';
import { SearchEngine } from '../search/index.js';
import { loadLabelledSet, loadMedCollection, type EvalCollection } from './collections.js';
import { evaluateCollection, METHODS, type CollectionReport } from './evaluate.js';
import { medAsJsonLines, loadMed } from './med.js';
import { METRIC_NAMES, type MetricScores } from './metrics.js';

const USAGE = 'npm run eval -- [--med <folder>] [--dev <labelled.json>]... [--skip-med] [--precision fp32|int8]';
const WORK_DIR = resolve('.cache/eval');

async function engineFor(settings: Settings, embedder: Embedder, name: string, inputs: string[]): Promise<SearchEngine> {
  const indexDir = join(WORK_DIR, `${name}-${embedder.info.name}-${embedder.info.precision}`);
  await runBuild({ ...settings, indexDir }, inputs, embedder);
  return new SearchEngine(loadIndex(indexDir), embedder);
}

function table(title: string, rows: Record<string, MetricScores>): string {
  const header = `| method | ${METRIC_NAMES.join(' | ')} |`;
  const lines = Object.entries(rows).map(([method, scores]) => `| ${method} | ${METRIC_NAMES.map((m) => scores[m].toFixed(3)).join(' | ')} |`);
  return [`\n${title}`, header, `| --- | ${METRIC_NAMES.map(() => '---').join(' | ')} |`, ...lines].join('\n');
}

function print(report: CollectionReport): void {
  console.log(table(`## ${report.collection} (${report.queries} queries)`, report.overall));
  for (const [kind, rows] of Object.entries(report.byKind)) console.log(table(`### ${report.collection}, ${kind} queries`, rows!));
  const { answerableHigh, answerable, offTopicLow, offTopic } = report.confidence;
  console.log(`\nconfidence: high on ${answerableHigh}/${answerable} answerable queries` + (offTopic ? `, low on ${offTopicLow}/${offTopic} off-topic queries` : ''));
  const best = Math.max(report.overall['bm25 (MiniSearch defaults)']['ndcg@10'], report.overall['dense (exact)']['ndcg@10']);
  console.log(`hybrid nDCG@10 ${report.overall.hybrid['ndcg@10'].toFixed(3)} vs best single baseline ${best.toFixed(3)} (${(report.overall.hybrid['ndcg@10'] - best >= 0 ? '+' : '')}${(report.overall.hybrid['ndcg@10'] - best).toFixed(3)})`);
}

runMain(async () => {
  const { values } = parseCommandLine({
    ...settingFlags(),
    med: { type: 'string' },
    'skip-med': { type: 'boolean' },
    dev: { type: 'string', multiple: true },
  }, USAGE);
  const { med, 'skip-med': skipMed, dev, ...flags } = values as Record<string, string> & { 'skip-med'?: boolean; dev?: string[] };
  const settings = loadSettings(flags);
  const embedder = await loadEmbedder(settings);
  mkdirSync(WORK_DIR, { recursive: true });
  const reports: CollectionReport[] = [];

  const seedEngine = await engineFor(settings, embedder, 'seeds', [resolve('seeds')]);
  for (const path of dev ?? ['tests/eval/seed-dev.json']) {
    const collection: EvalCollection = loadLabelledSet(path, `seeds: ${path}`, seedEngine.index.allPapers());
    reports.push(await evaluateCollection(seedEngine, collection));
    print(reports.at(-1)!);
  }

  if (!skipMed) {
    const medFolder = resolve(med ?? '../shared/benchdata/med');
    const jsonl = join(WORK_DIR, 'med.jsonl');
    writeFileSync(jsonl, medAsJsonLines((await loadMed(medFolder)).documents));
    const medEngine = await engineFor(settings, embedder, 'med', [jsonl]);
    reports.push(await evaluateCollection(medEngine, await loadMedCollection(medFolder)));
    print(reports.at(-1)!);
  }

  const historyDir = resolve('tests/eval/history');
  mkdirSync(historyDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = join(historyDir, `${stamp}-${embedder.info.precision}.json`);
  writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), model: embedder.info, methods: METHODS, reports }, null, 2) + '\n');
  console.log(`\nwritten ${file}`);
});
