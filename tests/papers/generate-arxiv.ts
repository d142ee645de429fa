/**
 * Writes a synthetic arXiv metadata snapshot shaped like Cornell's `arxiv-metadata-oai-snapshot.json`
 * (2.6 million lines by default, ~1,000-character hard-wrapped abstracts, 3-6 authors, some LaTeX,
 * old-style ids), to measure the arXiv reader's throughput and memory. Deterministic: the same
 * arguments give the same file. Not a test; run by hand, writing outside the repository:
 *
 *   npx esbuild tests/papers/generate-arxiv.ts --bundle --platform=node --format=esm --outfile=/tmp/generate-arxiv.mjs
 *   nice -n 10 node /tmp/generate-arxiv.mjs /tmp/arxiv-snapshot.json 2600000
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { seededRandom } from '../../src/index/map/layout.js';

const DEFAULT_LINES = 2_600_000;
const LINES_PER_WRITE = 1_000;
const OLD_STYLE_EVERY = 20;
const WRAP_COLUMNS = 80;

const WORDS = (
  'we propose a novel method for learning robust representations from large scale data and show that it improves ' +
  'accuracy on several benchmarks the model is trained end to end with stochastic gradient descent our analysis reveals ' +
  'that the spectral gap controls convergence of the estimator in high dimensional regimes experiments on synthetic and ' +
  'real datasets confirm the theoretical predictions we further derive tight bounds on the sample complexity and discuss ' +
  'implications for quantum many body systems dark matter halos protein folding graph neural networks reinforcement ' +
  'learning agents language models diffusion processes lattice gauge theory superconducting qubits topological phases ' +
  'black hole entropy galaxy clusters gravitational waves stellar populations optimal transport random matrices ' +
  'stochastic differential equations Bayesian inference variational approximation Markov chains Monte Carlo sampling ' +
  'in addition the proposed framework is simple to implement scales linearly with the number of parameters and ' +
  'outperforms strong baselines by a wide margin while requiring less memory and compute'
).split(' ');
const LATEX = [
  '$\\alpha$',
  '$O(n \\log n)$',
  '\\emph{provably}',
  'Schr\\"odinger',
  '10--20',
  '$10^{-3}$',
  '$\\sqrt{s}=13$ TeV',
  "{\\'e}tale",
  '$\\mathcal{N}=4$',
  '$\\ell_1$',
];
const GIVEN = [
  'Ada',
  'Alan',
  'Grace',
  "Jos\\'e",
  'Chidinma',
  'Wei',
  'Priya',
  'Hans',
  'Fran\\c{c}ois',
  'Yuki',
  'Olga',
  'Kwame',
  'Maria',
  'Ahmed',
  'Lena',
];
const FAMILY = [
  'Lovelace',
  'Turing',
  'Hopper',
  "Garc\\'ia",
  'Okafor',
  'Zhang',
  'Raman',
  'M\\"uller',
  'Lef\\`evre',
  'Tanaka',
  'Ivanova',
  'Mensah',
  'Rossi',
  'Haddad',
  'Berg',
];
const CATEGORIES = [
  'cs.LG',
  'cs.CL',
  'cs.CV',
  'stat.ML',
  'hep-th',
  'hep-ph',
  'quant-ph',
  'astro-ph.CO',
  'cond-mat.str-el',
  'math.PR',
  'math.AG',
  'q-bio.NC',
];
const OLD_ARCHIVES = ['hep-th', 'hep-ph', 'astro-ph', 'cond-mat', 'quant-ph', 'math'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Seeded, so runs are repeatable. */
const random = seededRandom(20070402);
const between = (low: number, high: number) => low + Math.floor(random() * (high - low + 1));
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** Words up to `chars` characters, with the odd LaTeX fragment, as sentences. */
function prose(chars: number): string {
  const words: string[] = [];
  let length = 0;
  let sentenceStart = true;
  while (length < chars) {
    let word = random() < 0.02 ? pick(LATEX) : pick(WORDS);
    if (sentenceStart) word = word[0]!.toUpperCase() + word.slice(1);
    sentenceStart = random() < 0.07;
    if (sentenceStart) word += '.';
    words.push(word);
    length += word.length + 1;
  }
  return `${words.join(' ').replace(/\.?$/, '.')}`;
}

/** Breaks text into lines of at most `columns`, as arXiv stores titles and abstracts. */
function hardWrap(text: string, columns: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > columns) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  lines.push(line);
  return lines;
}

/** "Mon, 2 Apr 2007 19:18:42 GMT", the snapshot's version date format. */
function versionDate(date: Date): string {
  const time = date.toISOString().slice(11, 19);
  return `${WEEKDAYS[date.getUTCDay()]}, ${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} ${time} GMT`;
}

/** New-style ids fill months from April 2007 (four-digit numbers before 2015, five after); every 20th line is old-style. */
function idGenerator(): (index: number) => { id: string; year: number; month: number } {
  let year = 2007;
  let month = 4;
  let inMonth = 0;
  let oldStyle = 0;
  return (index) => {
    if (index % OLD_STYLE_EVERY === 0) {
      oldStyle++;
      const oldYear = 1992 + (Math.floor(oldStyle / 12_000) % 15);
      const oldMonth = 1 + (Math.floor(oldStyle / 1_000) % 12);
      const id = `${pick(OLD_ARCHIVES)}/${String(oldYear % 100).padStart(2, '0')}${String(oldMonth).padStart(2, '0')}${String(oldStyle % 1_000).padStart(3, '0')}`;
      return { id, year: oldYear, month: oldMonth };
    }
    const capacity = year < 2015 ? 9_999 : 20_000;
    if (inMonth === capacity) {
      inMonth = 0;
      month = month === 12 ? 1 : month + 1;
      if (month === 1) year++;
    }
    inMonth++;
    const prefix = `${String(year % 100).padStart(2, '0')}${String(month).padStart(2, '0')}`;
    return { id: `${prefix}.${String(inMonth).padStart(year < 2015 ? 4 : 5, '0')}`, year, month };
  };
}

function snapshotLine(index: number, nextId: ReturnType<typeof idGenerator>): string {
  const { id, year, month } = nextId(index);
  const authorCount = between(3, 6);
  const parsed = Array.from({ length: authorCount }, () => [pick(FAMILY), pick(GIVEN), ''] as const);
  const created = new Date(Date.UTC(year, month - 1, between(1, 28), between(0, 23), between(0, 59), between(0, 59)));
  const versions = Array.from({ length: between(1, 3) }, (_, v) => ({
    version: `v${v + 1}`,
    created: versionDate(new Date(created.getTime() + v * 86_400_000 * between(5, 90))),
  }));
  const categories = [...new Set(Array.from({ length: between(1, 3) }, () => pick(CATEGORIES)))].join(' ');
  const hasDoi = random() < 0.4;
  const entry = {
    id,
    submitter: `${parsed[0]![1]} ${parsed[0]![0]}`,
    authors: parsed
      .map(([family, given]) => `${given[0]}. ${family}`)
      .join(', ')
      .replace(/, ([^,]*)$/, ' and $1'),
    title: hardWrap(prose(between(50, 140)).replace(/\.$/, ''), 72).join('\n  '),
    comments: random() < 0.7 ? `${between(4, 60)} pages, ${between(1, 15)} figures` : null,
    'journal-ref': hasDoi && random() < 0.8 ? `Phys. Rev. D ${between(50, 110)}, ${between(1, 99999)} (${year + 1})` : null,
    // From the line number: random DOIs would collide, and the merger would rightly take them for one paper.
    doi: hasDoi ? `10.1103/PhysRevD.${year - 1900}.${index}` : null,
    'report-no': random() < 0.1 ? `CERN-TH-${year}-${between(1, 300)}` : null,
    categories,
    license: random() < 0.5 ? 'http://arxiv.org/licenses/nonexclusive-distrib/1.0/' : null,
    abstract: `  ${hardWrap(prose(between(700, 1_300)), WRAP_COLUMNS).join('\n')}\n`,
    versions,
    update_date: created.toISOString().slice(0, 10),
    authors_parsed: parsed,
  };
  return `${JSON.stringify(entry)}\n`;
}

async function main(): Promise<void> {
  const [output, linesArgument] = process.argv.slice(2);
  if (!output) throw new Error('Usage: node generate-arxiv.mjs <output.json> [lines]');
  const lineCount = linesArgument ? Number(linesArgument) : DEFAULT_LINES;
  if (!Number.isInteger(lineCount) || lineCount < 1) throw new Error(`lines must be a positive integer, not ${linesArgument}`);
  const out = createWriteStream(output);
  const nextId = idGenerator();
  for (let start = 0; start < lineCount; start += LINES_PER_WRITE) {
    let chunk = '';
    for (let index = start; index < Math.min(start + LINES_PER_WRITE, lineCount); index++) chunk += snapshotLine(index, nextId);
    // Respect backpressure so memory stays flat however many lines are written.
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  console.log(`wrote ${lineCount} lines to ${output}`);
}

await main();
