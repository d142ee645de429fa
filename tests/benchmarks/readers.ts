/**
 * Reader throughput without embedding, per input format, and the arXiv reader's peak memory while
 * streaming a generated snapshot: `npm run bench:readers [-- --papers N] [-- --arxiv-lines N]`.
 * Files are generated into a temporary folder (removed afterwards); nothing in the repository changes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { exportPapers, FORMATS, readCorpus, type Paper } from '../../src/papers/index.js';
import { median, round } from './stats.js';

const ROUNDS = 3;

/** A library of `count` papers with every field a reader fills, deterministic. */
function syntheticPapers(count: number): Paper[] {
  const words =
    'robot policy learning diffusion tactile grasp humanoid locomotion transformer dataset benchmark simulation transfer manipulation reward'.split(
      ' ',
    );
  const text = (i: number, length: number) => Array.from({ length }, (_, w) => words[(i * 7 + w * 3) % words.length]).join(' ');
  return Array.from({ length: count }, (_, i) => ({
    id: `paper-${i}`,
    title: `${text(i, 9)} ${i}`,
    abstract: `${text(i + 1, 160)}.`,
    authors: [`Ada Lovelace${i % 17}`, `Alan Turing${i % 13}`, `Grace Hopper${i % 11}`],
    year: 1990 + (i % 35),
    venue: ['Science Robotics', 'IEEE Transactions on Robotics', 'Nature Machine Intelligence'][i % 3],
    tags: ['robotics', `topic ${i % 40}`],
    doi: `10.1234/synthetic.${i}`,
    url: `https://example.org/papers/${i}`,
  }));
}

function pubmedXml(papers: Paper[]): string {
  const escapeXml = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const articles = papers.map(
    (paper, i) =>
      `<PubmedArticle><MedlineCitation><PMID>${10_000_000 + i}</PMID><Article><Journal><Title>${escapeXml(paper.venue!)}</Title><JournalIssue><PubDate><Year>${paper.year}</Year></PubDate></JournalIssue></Journal><ArticleTitle>${escapeXml(paper.title)}</ArticleTitle><Abstract><AbstractText>${escapeXml(paper.abstract)}</AbstractText></Abstract><AuthorList>${paper.authors!.map((name) => `<Author><LastName>${name.split(' ')[1]}</LastName><ForeName>${name.split(' ')[0]}</ForeName></Author>`).join('')}</AuthorList></Article></MedlineCitation><PubmedData><ArticleIdList><ArticleId IdType="doi">${paper.doi}</ArticleId></ArticleIdList></PubmedData></PubmedArticle>`,
  );
  return `<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n<PubmedArticleSet>\n${articles.join('\n')}\n</PubmedArticleSet>\n`;
}

function medline(papers: Paper[]): string {
  return `${papers
    .map((paper, i) =>
      [
        `PMID- ${20_000_000 + i}`,
        `TI  - ${paper.title}`,
        `AB  - ${paper.abstract}`,
        ...paper.authors!.map((name) => `FAU - ${name.split(' ')[1]}, ${name.split(' ')[0]}`),
        `DP  - ${paper.year}`,
        `JT  - ${paper.venue}`,
        `LID - ${paper.doi} [doi]`,
      ].join('\n'),
    )
    .join('\n\n')}\n`;
}

async function readAll(file: string, formatName: string): Promise<number> {
  const format = FORMATS.find((candidate) => candidate.name === formatName)!;
  let records = 0;
  for await (const result of format.read(file)) if ('record' in result) records++;
  return records;
}

/** In a child process (fresh heap): read a file, print records and peak RSS in MB. */
async function child(file: string, through: 'reader' | 'corpus'): Promise<void> {
  const started = performance.now();
  const records =
    through === 'reader'
      ? await readAll(
          file,
          FORMATS.find((format) => format.extensions.includes('.json') && format.name.toLowerCase().includes('arxiv'))!.name,
        )
      : (await readCorpus([file])).papers.length;
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(JSON.stringify({ records, seconds, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { papers: { type: 'string' }, 'arxiv-lines': { type: 'string' }, child: { type: 'string' }, through: { type: 'string' } },
  });
  if (values.child) return child(values.child, values.through === 'corpus' ? 'corpus' : 'reader');
  const count = Number(values.papers ?? 20_000);
  const arxivLines = Number(values['arxiv-lines'] ?? 200_000);
  const folder = mkdtempSync(join(tmpdir(), 'paper-search-readers-'));
  const log = (line: string) => process.stderr.write(`${line}\n`);
  try {
    const papers = syntheticPapers(count);
    const files = [
      { file: join(folder, 'papers.jsonl') },
      ...(['bibtex', 'csl-json', 'ris'] as const).map((format) => ({ file: join(folder, `papers${exportPapers([], format).extension}`) })),
      { file: join(folder, 'papers.xml') },
      { file: join(folder, 'papers.nbib') },
    ];
    writeFileSync(files[0]!.file, papers.map((paper) => JSON.stringify(paper)).join('\n'));
    for (const format of ['bibtex', 'csl-json', 'ris'] as const)
      writeFileSync(join(folder, `papers${exportPapers([], format).extension}`), exportPapers(papers, format).body);
    writeFileSync(files[4]!.file, pubmedXml(papers));
    writeFileSync(files[5]!.file, medline(papers));

    const rows: string[] = [];
    for (const { file } of files) {
      const detected = (await readCorpus([file])).perSource[0]!.format;
      const seconds: number[] = [];
      let records = 0;
      for (let r = 0; r < ROUNDS; r++) {
        const started = performance.now();
        records = await readAll(file, detected);
        seconds.push((performance.now() - started) / 1000);
      }
      log(`${detected}: ${records} records, median of ${ROUNDS}: ${round(median(seconds), 2)} s`);
      rows.push(
        `| ${detected} | ${records.toLocaleString('en')} | ${round(statSync(file).size / 2 ** 20, 1)} MB | ${Math.round(records / median(seconds)).toLocaleString('en')} |`,
      );
    }

    log(`generating a ${arxivLines.toLocaleString('en')}-line arXiv snapshot ...`);
    const generator = join(folder, 'generate-arxiv.mjs');
    execFileSync('node_modules/.bin/esbuild', [
      'tests/papers/generate-arxiv.ts',
      '--bundle',
      '--platform=node',
      '--format=esm',
      `--outfile=${generator}`,
      '--log-level=warning',
    ]);
    const snapshot = join(folder, 'arxiv-metadata-oai-snapshot.json');
    execFileSync(process.execPath, [generator, snapshot, String(arxivLines)], { stdio: 'ignore' });
    const measured = (through: 'reader' | 'corpus') =>
      JSON.parse(
        execFileSync(process.execPath, [process.argv[1]!, '--child', snapshot, '--through', through], {
          encoding: 'utf8',
          maxBuffer: 1 << 20,
        }),
      ) as { records: number; seconds: number; peakRssMb: number };
    const reader = measured('reader');
    const corpus = measured('corpus');
    log(
      `arXiv snapshot: reader ${reader.records} records in ${round(reader.seconds, 1)} s, peak RSS ${Math.round(reader.peakRssMb)} MB; readCorpus peak RSS ${Math.round(corpus.peakRssMb)} MB`,
    );

    process.stdout.write(
      [
        `# Readers (${count.toLocaleString('en')} synthetic papers per format, median of ${ROUNDS}; \`npm run bench:readers\`)`,
        '',
        '| format | records | file | records/s |',
        '| --- | --- | --- | --- |',
        ...rows,
        '',
        `arXiv snapshot, ${arxivLines.toLocaleString('en')} lines (${round(statSync(snapshot).size / 2 ** 30, 2)} GB): the reader alone streams ${Math.round(reader.records / reader.seconds).toLocaleString('en')} records/s with a peak RSS of ${Math.round(reader.peakRssMb)} MB (flat in the file's size); reading it as a library (readCorpus, which keeps every merged paper for the build) peaks at ${Math.round(corpus.peakRssMb)} MB.`,
        '',
      ].join('\n'),
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

await main();
