import { resolve } from 'node:path';
import { runBuild } from '../../src/cli/build-runner.js';
import { parseCommandLine, runMain } from '../../src/cli/main.js';
import { loadSettings, settingFlags } from '../../src/config/index.js';
import { loadIndex } from '../../src/index/index.js';
import { Embedder } from '../../src/model/index.js';
import { DEFAULT_SEARCH } from '../../src/search/index.js';
import { loadLabelledSet } from './collections.js';
import { type BarCounts, type BarReport, measureBar, measureLikedBar, precision, recall } from './digest-bar.js';

const USAGE = 'npm run eval:digest -- [--precision fp32|int8]';
const SETS = ['tests/eval/seed-dev.json', 'tests/eval/seed-holdout.json'];
const MIN_SCORES = [1.5, 2, 2.5, 3, 3.5];
const LIKED_MIN_SCORES = [2, 2.5, 3];
const LIKED_NEIGHBOURS = [3, 5, 10];

function row(label: string, report: BarReport, kind = 'all'): string {
  const counts = report.byKind[kind]!;
  const { offTopic } = report;
  return `| ${label} | ${counts.listed} | ${precision(counts, 2).toFixed(2)} | ${precision(counts, 1).toFixed(2)} | ${recall(counts).toFixed(2)} | ${counts.withPapers}/${counts.watches} | ${offTopic.withPapers}/${offTopic.watches} (${offTopic.listed} papers) |`;
}

function likedRow(label: string, counts: BarCounts): string {
  return `| ${label} | ${counts.listed} | ${precision(counts, 2).toFixed(2)} | ${precision(counts, 1).toFixed(2)} | ${recall(counts).toFixed(2)} | ${counts.withPapers}/${counts.watches} |`;
}

const LIKED_HEADER = [
  '| liked-set bar | papers listed | grade ≥ 2 | grade ≥ 1 | recall of grade ≥ 2 | liked sets with papers |',
  '| --- | --- | --- | --- | --- | --- |',
];

const HEADER = [
  '| bar | papers listed | grade ≥ 2 | grade ≥ 1 | recall of grade ≥ 2 | watches with papers | off-topic watches with papers |',
  '| --- | --- | --- | --- | --- | --- | --- |',
];

/**
 * Measures the digest's bar on the labelled seed sets: each labelled query as a watch, every paper
 * as new. Prints, per set, the share of listed papers judged relevant for a range of score bars,
 * with and without the per-paper confidence check, and how many off-topic watches list anything;
 * then the same for liked-set watches over a range of recommendation-score bars.
 */
runMain(async () => {
  const { values } = parseCommandLine(settingFlags(), USAGE);
  const settings = loadSettings(values as Record<string, string>);
  const embedder = await Embedder.load({ modelsDir: settings.modelsDir, model: settings.model, precision: settings.precision });
  const indexDir = resolve('.cache/eval', `seeds-${embedder.info.name}-${embedder.info.precision}`);
  await runBuild({ ...settings, indexDir }, { inputs: [resolve('seeds')] }, embedder);
  const index = await loadIndex(indexDir);
  for (const path of SETS) {
    const collection = loadLabelledSet(path, path, index.allPapers());
    console.log(`\n## ${path} (${collection.queries.length} watches, ${collection.offTopic.length} off-topic)\n`);
    const chosen = DEFAULT_SEARCH.digest.minScore;
    const reports: BarReport[] = [];
    console.log(HEADER.join('\n'));
    for (const minScore of MIN_SCORES) {
      reports.push(await measureBar(index, embedder, collection, minScore));
      console.log(row(`score ≥ ${minScore} and confident${minScore === chosen ? ' (the default)' : ''}`, reports.at(-1)!));
    }
    console.log(row(`score ≥ ${chosen} alone`, await measureBar(index, embedder, collection, chosen, false)));
    const defaultReport = reports.find((report) => report.minScore === chosen)!;
    console.log(`\nThe default bar by kind of query:\n\n${HEADER.join('\n')}`);
    for (const kind of Object.keys(defaultReport.byKind).filter((kind) => kind !== 'all'))
      console.log(row(`${kind} (${defaultReport.byKind[kind]!.watches})`, defaultReport, kind));

    const { likedMinScore, likedNeighbours } = DEFAULT_SEARCH.digest;
    console.log(
      `\nLiked sets (2 relevant papers of a query liked, 5 draws per query, judged by that query):\n\n${LIKED_HEADER.join('\n')}`,
    );
    const likedBar = async (label: string, bar: { likedMinScore: number; likedNeighbours: number }) => {
      const chosen = bar.likedMinScore === likedMinScore && bar.likedNeighbours === likedNeighbours;
      console.log(likedRow(`${label}${chosen ? ' (the default)' : ''}`, await measureLikedBar(index, embedder, collection, bar)));
    };
    for (const minScore of LIKED_MIN_SCORES)
      for (const neighbours of LIKED_NEIGHBOURS)
        await likedBar(`score ≥ ${minScore}, among a liked paper's ${neighbours} nearest`, {
          likedMinScore: minScore,
          likedNeighbours: neighbours,
        });
    // Every paper is among a liked paper's index.size nearest: the score alone.
    await likedBar(`score ≥ ${likedMinScore} alone`, { likedMinScore, likedNeighbours: index.size });
    await likedBar(`among a liked paper's ${likedNeighbours} nearest alone`, { likedMinScore: Number.NEGATIVE_INFINITY, likedNeighbours });
  }
});
