import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arxivSnapshot, latexToText, readArxivSnapshot } from '../../src/papers/formats/arxiv.js';
import { formatForFile } from '../../src/papers/formats/index.js';
import { paperId, readCorpus, type Paper } from '../../src/papers/index.js';

const SNAPSHOT = fileURLToPath(new URL('./fixtures/arxiv/arxiv-metadata-oai-snapshot.json', import.meta.url));

let dir: string;
let papers: Map<string, Paper>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'arxiv-test-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('arXiv metadata snapshot', () => {
  it('reads 18 papers and reports the invalid JSON line and the line without an abstract', async () => {
    const result = await readCorpus([SNAPSHOT]);
    expect(result.recordsRead).toBe(18);
    expect(result.papers).toHaveLength(18);
    expect(result.skipped).toEqual([
      { source: SNAPSHOT, line: 4, reason: expect.stringMatching(/^invalid JSON: Unterminated string/) },
      { source: SNAPSHOT, line: 5, reason: 'abstract is required' },
    ]);
    expect(result.perSource).toEqual([{ source: SNAPSHOT, format: 'arXiv metadata snapshot', records: 18, skipped: 2 }]);
    papers = new Map(result.papers.map((paper) => [paper.arxiv!, paper]));
  });

  it('maps every field of a record: un-wrapped text, authors_parsed, first version date, journal-ref, categories, DOI', () => {
    expect(papers.get('0704.0001')).toEqual({
      id: paperId('Calculation of prompt diphoton production cross sections at Tevatron and LHC energies', {
        doi: '10.1103/physrevd.76.013009',
      }),
      title: 'Calculation of prompt diphoton production cross sections at Tevatron and LHC energies',
      abstract: expect.stringMatching(
        /^A fully differential calculation in perturbative quantum chromodynamics is presented for the production of massive photon pairs at hadron colliders\. All next-to-leading order .* more detailed tests with CDF and DO data\.$/,
      ),
      authors: ['C. Balázs', 'E. L. Berger', 'P. M. Nadolsky', 'C. -P. Yuan'],
      // The first version's date (2 Apr 2007), not the last update (2008) nor v2's.
      year: 2007,
      date: '2007-04-02',
      venue: 'Phys.Rev.D76:013009,2007',
      tags: ['hep-ph'],
      doi: '10.1103/physrevd.76.013009',
      arxiv: '0704.0001',
      url: 'https://arxiv.org/abs/0704.0001',
      source: SNAPSHOT,
      metadata: {
        submitter: 'Pavel Nadolsky',
        comments: '37 pages, 15 figures; published version',
        'report-no': 'ANL-HEP-PR-07-12',
        update_date: '2008-11-13',
      },
    });
    expect(papers.get('0704.0001')!.abstract).not.toMatch(/\n| {2}/);
  });

  it('keeps an old-style id and turns the LaTeX of title, abstract and names into readable Unicode', () => {
    const old = papers.get('hep-th/9901001')!;
    expect(old).toMatchObject({
      title: "Holography and the α' expansion of N=4 super Yang–Mills",
      abstract:
        "We compute the leading α'³ corrections to the free energy of N=4 super Yang–Mills theory at strong coupling, using the AdS/CFT correspondence. The result agrees with the weak coupling expansion up to a factor of 3/4, as expected. We comment on the rôle of higher derivative terms and on the implications for Schrödinger-type equations in the bulk.",
      authors: ['José García', 'Hans Müller'],
      year: 1999,
      date: '1999-01-01',
      arxiv: 'hep-th/9901001',
      url: 'https://arxiv.org/abs/hep-th/9901001',
      doi: '10.1016/s0550-3213(99)00123-4',
    });
    expect(papers.get('0912.4321')).toMatchObject({
      title: 'A note on the étale cohomology of stacky curves',
      authors: ['Pierre Lefèvre', 'François Châtelet', 'Jiří Novák'],
      abstract: expect.stringContaining('formula for H¹ and H² in terms of the coarse space, valid for p ≥ 3.'),
      tags: ['math.AG', 'math.NT'],
    });
    expect(papers.get('0912.4321')!.abstract).toMatch(/a classical result of Deligne—up to a sign\.$/);
    expect(papers.get('1809.04281')).toMatchObject({
      title: 'Music generation with long-range structure — a foo relative attention study',
      authors: ['Inês Möller', 'Kai Zhang'],
      abstract: expect.stringContaining('costs O(L² D) memory; we reduce it to O(LD)'),
    });
    expect(papers.get('1809.04281')!.abstract).toMatch(
      /with ∼ 2,000 tokens practical\. Listening tests prefer our samples in 83% of pairwise comparisons\.$/,
    );
    expect(papers.get('astro-ph/0512345')).toMatchObject({
      authors: ['John Smith Jr', "Mary O'Neil"],
      abstract: expect.stringMatching(/the 2175 Å bump\.$/),
    });
  });

  it('takes the first of several DOIs and keeps a collaboration as one author', () => {
    expect(papers.get('1207.7214')).toMatchObject({
      doi: '10.1016/j.physletb.2012.08.020',
      authors: ['The ATLAS Collaboration'],
      abstract: expect.stringContaining('approximately 4.8 fb⁻¹ collected at √s = 7 TeV in 2011'),
    });
  });

  it('streams through the reader alone with line numbers of the file', async () => {
    const lines: number[] = [];
    let records = 0;
    for await (const result of readArxivSnapshot(SNAPSHOT)) {
      if ('record' in result) records++;
      else lines.push(result.skipped.line);
    }
    expect(records).toBe(18);
    expect(lines).toEqual([4, 5]);
  });

  it('reports a line that is not an arXiv record with one clear reason', async () => {
    const file = join(dir, 'odd.json');
    const valid = { id: '2401.00001', title: 'T', abstract: 'A', categories: 'cs.LG', authors_parsed: [['Doe', 'Jane', '']] };
    await writeFile(
      file,
      [
        JSON.stringify(valid),
        JSON.stringify(['not', 'an', 'object']),
        JSON.stringify({ ...valid, id: 'not-an-id' }),
        JSON.stringify({ ...valid, id: undefined }),
        JSON.stringify({ ...valid, title: '  \n  ' }),
        JSON.stringify({ ...valid, abstract: 7 }),
        '',
        JSON.stringify({
          ...valid,
          id: '2401.00002v3',
          versions: 'garbled',
          authors_parsed: undefined,
          authors: 'A. One (MIT), B. Two and C. Three',
        }),
      ].join('\r\n'),
    );
    const result = await readCorpus([file]);
    expect(result.skipped.map(({ line, reason }) => ({ line, reason }))).toEqual([
      { line: 2, reason: 'line is not a JSON object' },
      { line: 3, reason: 'id is not an arXiv id: not-an-id' },
      { line: 4, reason: 'id is required' },
      { line: 5, reason: 'title is empty' },
      { line: 6, reason: 'abstract must be a string' },
    ]);
    // No versions: the month is read from a new-style id; no authors_parsed: the raw author line, affiliations dropped.
    expect(result.papers[1]).toMatchObject({ arxiv: '2401.00002', year: 2024, date: '2024-01', authors: ['A. One', 'B. Two', 'C. Three'] });
  });
});

describe('format selection for .json', () => {
  const arxivLine = JSON.stringify({
    id: '0704.0001',
    submitter: 'X',
    authors: 'X',
    title: 'T',
    categories: 'hep-ph',
    abstract: `  ${'word '.repeat(2_000)}`,
    authors_parsed: [],
  });

  it('claims a snapshot by its first line, even when the head ends before authors_parsed', () => {
    const head = arxivLine.slice(0, 4_096);
    expect(head).not.toContain('authors_parsed');
    expect(arxivSnapshot.looksLike(head)).toBe(true);
    expect(formatForFile('.json', head)).toBe(arxivSnapshot);
  });

  it('leaves CSL-JSON (an array) and other JSON objects to the other .json readers', () => {
    const csl = JSON.stringify([{ id: 'x', type: 'article-journal', title: 'T', abstract: 'A', categories: 'c' }]);
    expect(arxivSnapshot.looksLike(csl)).toBe(false);
    expect(formatForFile('.json', csl)).not.toBe(arxivSnapshot);
    expect(arxivSnapshot.looksLike('{"title": "T", "abstract": "A"}\n')).toBe(false);
  });

  it('skips a .json file that no .json reader accepts, naming them all and what it looks like', async () => {
    const file = join(dir, 'papers.json');
    await writeFile(file, '{"title": "T", "abstract": "A"}\n');
    const result = await readCorpus([file]);
    expect(result.papers).toEqual([]);
    expect(result.skipped).toEqual([
      {
        source: file,
        line: 1,
        reason: expect.stringMatching(/^file looks like JSON Lines, not .+ or arXiv metadata snapshot; rename it to \.jsonl$/),
      },
    ]);
  });
});

describe('latexToText', () => {
  it.each([
    [
      'Schr\\"odinger, G\\"{o}del, {\\\'e}tude, Erd\\H{o}s, \\c{C}elik, Pe\\~na, Na\\"{\\i}ve',
      'Schrödinger, Gödel, étude, Erdős, Çelik, Peña, Naïve',
    ],
    ['Stra\\ss e and {\\o}rsted', 'Straße and ørsted'],
    ['$\\alpha$-stable laws with $\\beta \\leq 1$', 'α-stable laws with β ≤ 1'],
    ['$10^{-3}$, $x^2$, $H_0$, $T_{\\rm eff}$, $\\frac{1}{2}$, $\\sqrt{s}$', '10⁻³, x², H₀, T_(eff), 1/2, √s'],
    ['\\emph{sparse} and \\textbf{\\textit{nested}}', 'sparse and nested'],
    ["1990--2000 --- or ``so'' they say", '1990–2000 — or “so” they say'],
    ['an \\unknown macro and \\cite{ref}', 'an unknown macro and cite ref'],
    ['50\\% \\& a \\$5 fee, {B}ayesian', '50% & a $5 fee, Bayesian'],
    ['  hard\n  wrapped\n  lines\n', 'hard wrapped lines'],
  ])('%s', (latex, text) => {
    expect(latexToText(latex)).toBe(text);
  });
});
