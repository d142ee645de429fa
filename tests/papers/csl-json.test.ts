import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { generatedPapers, typed } from './generated-papers.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toCslJson } from '../../src/papers/export/csl-json.js';
import { cslJson, readCslJson } from '../../src/papers/formats/csl-json.js';
import { paperId, readCorpus, type Paper, type PaperRecord, type SkippedLine } from '../../src/papers/index.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/csl/', import.meta.url));
const ZOTERO = join(FIXTURES, 'zotero.json');
const BETTER_BIBTEX = join(FIXTURES, 'better-bibtex.json');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'csl-json-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function collect(file: string): Promise<{ records: PaperRecord[]; skipped: SkippedLine[] }> {
  const records: PaperRecord[] = [];
  const skipped: SkippedLine[] = [];
  for await (const result of readCslJson(file)) {
    if ('record' in result) records.push(result.record);
    else skipped.push(result.skipped);
  }
  return { records, skipped };
}

async function collectText(name: string, text: string | Buffer) {
  const file = join(dir, name);
  await writeFile(file, text);
  return { file, ...(await collect(file)) };
}

describe("readCslJson on Zotero's CSL JSON export", () => {
  it('reads all five items with their typed fields, the rest kept as metadata', async () => {
    const { records, skipped } = await collect(ZOTERO);
    expect(skipped).toEqual([]);
    expect(records.map((record) => record.title)).toEqual([
      'Attention Is All You Need',
      'Array programming with NumPy',
      'SciPy 1.0: fundamental algorithms for scientific computing in Python',
      'Highly accurate protein structure prediction with AlphaFold',
      'Gradient-based learning applied to document recognition',
    ]);

    const [attention, numpy, scipy, , lecun] = records;
    // An arXiv preprint: no venue, the id from `number`, the DOI lower-cased.
    expect(typed(attention!)).toEqual({
      title: 'Attention Is All You Need',
      abstract: expect.stringMatching(/^Sequence transduction models .* limited training data\.$/),
      authors: [
        'Ashish Vaswani',
        'Noam Shazeer',
        'Niki Parmar',
        'Jakob Uszkoreit',
        'Llion Jones',
        'Aidan N. Gomez',
        'Łukasz Kaiser',
        'Illia Polosukhin',
      ],
      year: 2017,
      date: '2017-06-12',
      tags: ['Computer Science - Computation and Language', 'Computer Science - Machine Learning'],
      doi: '10.48550/arxiv.1706.03762',
      arxiv: '1706.03762',
      url: 'http://arxiv.org/abs/1706.03762',
    });
    expect(attention!.key).toBe('http://zotero.org/users/local/kQ3x7bVn/items/7QZ9F2KD');

    // Particles ("van der") and accents; the year of date-parts is a string in Zotero's export.
    expect(numpy!.authors!.slice(0, 3)).toEqual(['Charles R. Harris', 'K. Jarrod Millman', 'Stéfan J. van der Walt']);
    expect(numpy!.authors).toContain('Jaime Fernández del Río');
    expect(numpy!.authors).toContain('Pierre Gérard-Marchant');
    expect(numpy!.authors).toHaveLength(26);
    expect(numpy).toMatchObject({
      year: 2020,
      date: '2020-09-16',
      venue: 'Nature',
      doi: '10.1038/s41586-020-2649-2',
      pmid: '32939066',
      tags: ['Computational science', 'Computer science', 'Software'],
    });
    expect(numpy!.metadata).toEqual({
      type: 'article-journal',
      ISSN: '1476-4687',
      issue: '7825',
      journalAbbreviation: 'Nature',
      language: 'en',
      license: '2020 The Author(s)',
      page: '357-362',
      source: 'www.nature.com',
      volume: '585',
      accessed: { 'date-parts': [['2024', 1, 15]] },
    });

    // A literal author, a month-only date.
    expect(scipy!.authors!.at(-1)).toBe('SciPy 1.0 Contributors');
    expect(scipy!.authors).toContain('İlhan Polat');
    expect(scipy).toMatchObject({ year: 2020, date: '2020-03', venue: 'Nature Methods', pmid: '32015543' });
    expect(lecun).toMatchObject({
      authors: ['Y. Lecun', 'L. Bottou', 'Y. Bengio', 'P. Haffner'],
      year: 1998,
      date: '1998-11',
      venue: 'Proceedings of the IEEE',
      doi: '10.1109/5.726791',
    });
    expect(lecun!.pmid).toBeUndefined();
  });

  it('is picked for .json by readCorpus, and ids hash the DOI', async () => {
    const result = await readCorpus([ZOTERO]);
    expect(result.perSource).toEqual([{ source: ZOTERO, format: 'CSL JSON', records: 5, skipped: 0 }]);
    expect(result.papers[1]!.id).toBe(paperId('Array programming with NumPy', { doi: '10.1038/s41586-020-2649-2' }));
  });
});

describe("readCslJson on Better BibTeX's CSL JSON export", () => {
  it('reads seven papers and skips the untitled item at the line its object starts on', async () => {
    const { records, skipped } = await collect(BETTER_BIBTEX);
    expect(records).toHaveLength(7);
    expect(skipped).toEqual([{ source: BETTER_BIBTEX, line: 364, reason: 'item "mullerUntitled2023" has no title' }]);
    expect(records.map((record) => record.key)).toEqual([
      'blattnerCompleteGenomeSequence1997',
      'heDeepResidualLearning2016',
      'kingmaAdamMethodStochastic2017',
      'mnihHumanlevelControlDeep2015',
      'devlinBERTPretrainingDeep2019',
      'internationalhumangenomesequencingconsortiumInitialSequencingAnalysis2001',
      'steeleGrowingLanguage1999',
    ]);

    const [genome, resnet, adam, , bert, humanGenome, steele] = records;
    // Rich-text markup is dropped from the title; a suffix follows the family name.
    expect(genome!.title).toBe('The complete genome sequence of Escherichia coli K-12');
    expect(genome!.authors!.slice(0, 2)).toEqual(['Frederick R. Blattner', 'Guy Plunkett III']);
    expect(genome).toMatchObject({ year: 1997, date: '1997-09-05', venue: 'Science', pmid: '9278503' });
    // CSL's `keyword` is one comma-separated string, so MeSH terms with a comma ("Genome, Bacterial") split.
    expect(genome!.tags).toEqual(['Chromosome Mapping', 'Escherichia coli', 'Genome', 'Bacterial', 'Sequence Analysis', 'DNA']);
    expect(resnet).toMatchObject({
      venue: '2016 IEEE Conference on Computer Vision and Pattern Recognition (CVPR)',
      doi: '10.1109/cvpr.2016.90',
      date: '2016-06',
    });
    expect(resnet!.metadata).toMatchObject({ type: 'paper-conference', 'event-place': 'Las Vegas, NV, USA' });
    // A bare id in archive_location counts because the archive is arXiv; BERT's comes from Zotero's old "arXiv: ..." note.
    expect(adam).toMatchObject({ arxiv: '1412.6980', authors: ['Diederik P. Kingma', 'Jimmy Ba'] });
    expect(adam!.venue).toBeUndefined();
    expect(bert).toMatchObject({ arxiv: '1810.04805', doi: '10.18653/v1/n19-1423', url: 'https://aclanthology.org/N19-1423' });
    expect(humanGenome!.authors).toEqual(['International Human Genome Sequencing Consortium']);
    // No abstract: a title-only paper.
    expect(steele).toMatchObject({
      title: 'Growing a Language',
      abstract: '',
      authors: ['Guy L. Steele Jr.'],
      year: 1999,
      date: '1999-10',
    });
  });
});

describe('readCslJson edge cases', () => {
  it('reads an empty array as no papers', async () => {
    expect(await collectText('empty.json', '[]\n')).toMatchObject({ records: [], skipped: [] });
  });

  it('reads {"items": [...]} and skips bad items at their own line', async () => {
    const { file, records, skipped } = await collectText(
      'wrapped.json',
      ['{"items": [', '  {"id": "k1", "title": "One"},', '  {"id": "k2"},', '  "not an item",', '  {"title": "   "}', ']}'].join('\n'),
    );
    expect(records).toEqual([{ title: 'One', abstract: '', key: 'k1' }]);
    expect(skipped).toEqual([
      { source: file, line: 3, reason: 'item "k2" has no title' },
      { source: file, line: 4, reason: 'item is not a JSON object' },
      { source: file, line: 5, reason: 'item has no title' },
    ]);
  });

  it('reports invalid JSON once, at the line and column of the error, and reads nothing else', async () => {
    const lines = ['[', '  {"id": "a", "title": "A"},', '  {"id": "b", "title": "B" "abstract": "x"},', '  {"id": "c", "title": "C"}', ']'];
    const missingComma = await collectText('missing-comma.json', lines.join('\n'));
    expect(missingComma.records).toEqual([]);
    expect(missingComma.skipped).toEqual([
      {
        source: missingComma.file,
        line: 3,
        reason: `invalid JSON at line 3, column ${lines[2]!.indexOf('"abstract"') + 1}: Expected ',' or '}' after property value; no item of this file was read`,
      },
    ]);

    // Node 20 gives no position for "Unexpected token": the line comes from scanning the text.
    const badToken = await collectText('bad-token.json', '[\n  {"title": "A"},\n  {"title": B}\n]');
    expect(badToken.skipped).toEqual([
      { source: badToken.file, line: 3, reason: expect.stringMatching(/^invalid JSON at line 3, column 13: Unexpected token 'B'/) },
    ]);

    const trailingComma = await collectText('trailing-comma.json', '[\n  {"title": "A"},\n]');
    expect(trailingComma.skipped).toEqual([
      { source: trailingComma.file, line: 3, reason: expect.stringMatching(/^invalid JSON at line 3, column 1: /) },
    ]);

    // A cut-off file: the string that never ends is pointed at where it starts.
    const cutOff = await collectText('cut-off.json', '[\n  {"title": "A"},\n  {"title": "B", "abstract": "The export stopped he');
    expect(cutOff.skipped).toEqual([
      { source: cutOff.file, line: 3, reason: 'invalid JSON at line 3, column 30: Unterminated string; no item of this file was read' },
    ]);
  });

  it('refuses a file that is not UTF-8, or JSON that is not CSL, with one line', async () => {
    const latin1 = await collectText(
      'latin1.json',
      Buffer.concat([Buffer.from('[\n  {"title": "A"},\n  {"title": "R'), Buffer.from([0xe9]), Buffer.from('seaux"}\n]')]),
    );
    expect(latin1.skipped).toEqual([
      { source: latin1.file, line: 3, reason: 'file is not valid UTF-8 (first bad byte on this line); export it as UTF-8' },
    ]);
    expect(latin1.records).toEqual([]);

    const object = await collectText('object.json', '{"title": "A lone object"}');
    expect(object.skipped).toEqual([
      { source: object.file, line: 1, reason: 'file is JSON but not CSL JSON: expected an array of items or {"items": [...]}' },
    ]);
  });

  it('reads a BOM, raw and literal dates, seasons, particles, citation-key and a numeric PMID', async () => {
    const items = [
      {
        id: 'ITEM-1',
        'citation-key': 'vangogh2019',
        title: 'Raw date',
        issued: { raw: '2019-10-23' },
        author: [{ family: 'Gogh', given: 'Vincent', 'non-dropping-particle': 'van' }],
        PMID: 31234567,
      },
      {
        id: 'ITEM-2',
        title: 'Literal date',
        issued: { literal: 'Spring 2015' },
        author: [
          { family: 'Beethoven', given: 'Ludwig', 'dropping-particle': 'van' },
          { literal: 'ATLAS Collaboration' },
          'Lovelace, Ada',
          {},
        ],
      },
      { id: 'ITEM-3', title: 'Season as month', issued: { 'date-parts': [[2020, 21]] }, note: 'Some note\nPMID: 7654321' },
      { id: 'ITEM-4', title: 'String date', issued: '2018-07', number: '1234.56789', URL: 'javascript:alert(1)' },
      { id: 5, title: 'Numeric id', 'event-title': 'NeurIPS 2023', keyword: 'a; b, a' },
    ];
    const { records, skipped } = await collectText('edge.json', `\uFEFF${JSON.stringify(items)}`);
    expect(skipped).toEqual([]);
    expect(records.map(({ metadata, ...record }) => record)).toEqual([
      {
        title: 'Raw date',
        abstract: '',
        authors: ['Vincent van Gogh'],
        year: 2019,
        date: '2019-10-23',
        pmid: '31234567',
        key: 'vangogh2019',
      },
      {
        title: 'Literal date',
        abstract: '',
        authors: ['Ludwig van Beethoven', 'ATLAS Collaboration', 'Ada Lovelace'],
        year: 2015,
        key: 'ITEM-2',
      },
      { title: 'Season as month', abstract: '', year: 2020, pmid: '7654321', key: 'ITEM-3' },
      // A bare number is not an arXiv id unless the item comes from arXiv; a non-http URL is dropped.
      { title: 'String date', abstract: '', year: 2018, date: '2018-07', key: 'ITEM-4' },
      { title: 'Numeric id', abstract: '', venue: 'NeurIPS 2023', tags: ['a', 'b'], key: '5' },
    ]);
    expect(records[0]!.metadata).toEqual({ id: 'ITEM-1' });
  });

  it('skips an item whose title or abstract is over the limits', async () => {
    const { file, records, skipped } = await collectText(
      'long.json',
      JSON.stringify([{ title: 'T'.repeat(1_001) }, { title: 'Long abstract', abstract: 'x'.repeat(100_001) }, { title: 'Fits' }], null, 1),
    );
    expect(records.map((record) => record.title)).toEqual(['Fits']);
    expect(skipped).toEqual([
      { source: file, line: 2, reason: 'title is longer than 1000 characters' },
      { source: file, line: 5, reason: 'abstract is longer than 100000 characters' },
    ]);
  });
});

describe('cslJson.looksLike', () => {
  it('accepts CSL arrays, an empty array and {"items": [...]}, and nothing else', () => {
    expect(cslJson.looksLike('[\n\t{\n\t\t"id": "http://zotero.org/users/local/x/items/Y",\n\t\t"type": "article"')).toBe(true);
    expect(cslJson.looksLike('\uFEFF[{"title": "A"}]')).toBe(true);
    expect(cslJson.looksLike('[ ]')).toBe(true);
    expect(cslJson.looksLike('{"items": [{"id": "a"}]}')).toBe(true);
    // JSON Lines, the arXiv snapshot, other JSON.
    expect(cslJson.looksLike('{"title": "A", "abstract": "B"}\n')).toBe(false);
    expect(cslJson.looksLike('{"id":"0704.0001","submitter":"Pavel Nadolsky","authors":"C. Bal\\\'azs","title":"Calculation"')).toBe(false);
    expect(cslJson.looksLike('[1, 2, 3]')).toBe(false);
    expect(cslJson.looksLike('[{"name": "not a paper"}]')).toBe(false);
  });
});

describe('toCslJson', () => {
  it('writes an item per paper that CSL processors read: id, type, names, date-parts, arXiv id in number', () => {
    const paper: Paper = {
      id: 'walt-2020',
      title: 'Array programming with NumPy',
      abstract: 'NumPy.',
      authors: ['Stéfan J. van der Walt', 'Guy L. Steele Jr.', 'Plato'],
      year: 2020,
      date: '2020-09',
      venue: 'Nature',
      tags: ['Software', 'Python'],
      doi: '10.1038/s41586-020-2649-2',
      arxiv: '2006.10256',
      pmid: '32939066',
      url: 'https://www.nature.com/articles/s41586-020-2649-2',
      source: 'x.bib',
      metadata: { publisher: 'not written' },
    };
    expect(JSON.parse(toCslJson([paper]))).toEqual([
      {
        id: 'walt-2020',
        type: 'article-journal',
        title: 'Array programming with NumPy',
        abstract: 'NumPy.',
        author: [
          { family: 'Walt', given: 'Stéfan J.', 'non-dropping-particle': 'van der' },
          { family: 'Steele', given: 'Guy L.', suffix: 'Jr.' },
          { family: 'Plato' },
        ],
        issued: { 'date-parts': [[2020, 9]] },
        'container-title': 'Nature',
        DOI: '10.1038/s41586-020-2649-2',
        URL: 'https://www.nature.com/articles/s41586-020-2649-2',
        PMID: '32939066',
        number: 'arXiv:2006.10256',
        keyword: 'Software, Python',
      },
    ]);
    expect(JSON.parse(toCslJson([{ id: 'p', title: 'T', abstract: '', key: 'smith2020' }]))).toEqual([
      { id: 'smith2020', type: 'article', title: 'T' },
    ]);
    expect(toCslJson([])).toBe('[]\n');
  });

  it('round-trips both fixtures through the reader', async () => {
    for (const fixture of [ZOTERO, BETTER_BIBTEX]) {
      const { records } = await collect(fixture);
      const papers = records.map((record) => ({ ...record, id: paperId(record.title, record) }));
      const reread = await collectText('round-trip.json', toCslJson(papers));
      expect(reread.skipped).toEqual([]);
      expect(reread.records.map(typed)).toEqual(papers.map(typed));
    }
  });

  it('round-trips generated papers with awkward characters', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(generatedPaper, { minLength: 1, maxLength: 5 }), async (papers) => {
        const reread = await collectText('generated.json', toCslJson(papers));
        expect(reread.skipped).toEqual([]);
        expect(reread.records.map(typed)).toEqual(papers.map(typed));
        expect(reread.records.map((record) => record.key)).toEqual(papers.map((paper) => paper.key ?? paper.id));
      }),
      { numRuns: 200 },
    );
  });
});

// CSL's `keyword` is split at commas and semicolons.
const generatedPaper = generatedPapers({ formatPieces: ['[', ']', 'arXiv:'], notInNames: /(?!)/g, notInTags: /[,;]/ });
