import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { generatedPapers, typed } from './generated-papers.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toRis } from '../../src/papers/export/ris.js';
import { readCslJson } from '../../src/papers/formats/csl-json.js';
import { readRis, ris } from '../../src/papers/formats/ris.js';
import { paperId, readCorpus, type Paper, type PaperRecord, type ReadResult, type SkippedLine } from '../../src/papers/index.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const ZOTERO = join(FIXTURES, 'ris', 'zotero.ris');
const ENDNOTE = join(FIXTURES, 'ris', 'endnote.ris');
const SCOPUS = join(FIXTURES, 'ris', 'scopus.ris');
const BROKEN = join(FIXTURES, 'ris', 'broken.ris');
const SAME_LIBRARY_RIS = join(FIXTURES, 'same-library.ris');
const SAME_LIBRARY_CSL = join(FIXTURES, 'csl', 'zotero.json');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ris-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function collect(file: string, read: (file: string) => AsyncIterable<ReadResult> = readRis) {
  const records: PaperRecord[] = [];
  const skipped: SkippedLine[] = [];
  for await (const result of read(file)) {
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

describe('readRis on exports', () => {
  it("reads Zotero's RIS (BOM, CRLF): journal, conference, book section, PMID in Extra, arXiv preprint", async () => {
    const { records, skipped } = await collect(ZOTERO);
    expect(skipped).toEqual([]);
    expect(records).toHaveLength(5);
    const [imagenet, gan, chapter, lstm, diffusion] = records;

    expect(typed(imagenet!)).toEqual({
      title: 'ImageNet classification with deep convolutional neural networks',
      abstract: expect.stringMatching(/^We trained a large, deep convolutional neural network .* dropout to reduce overfitting\.$/),
      authors: ['Alex Krizhevsky', 'Ilya Sutskever', 'Geoffrey E. Hinton'],
      year: 2017,
      date: '2017-05-24',
      venue: 'Communications of the ACM',
      doi: '10.1145/3065386',
      url: 'https://dl.acm.org/doi/10.1145/3065386',
    });
    // The BOM did not hide the first TY; untyped tags stay as metadata, verbatim.
    expect(imagenet!.metadata).toEqual({
      TY: 'JOUR',
      DP: 'ACM Digital Library',
      VL: '60',
      IS: '6',
      SP: '84',
      EP: '90',
      J2: 'Commun. ACM',
      SN: '0001-0782',
      Y2: '2024/02/03/14:05:12',
    });
    // A conference paper with only a proceedings title (C3), a year-only date.
    expect(gan).toMatchObject({ venue: 'Advances in Neural Information Processing Systems', year: 2014 });
    expect(gan!.date).toBeUndefined();
    expect(gan!.authors).toHaveLength(8);
    // A book section: the book is the venue, editors (A2) are not authors, no abstract.
    expect(chapter).toMatchObject({
      abstract: '',
      authors: ['David E. Rumelhart', 'Geoffrey E. Hinton', 'Ronald J. Williams'],
      venue: expect.stringMatching(/^Parallel Distributed Processing/),
    });
    expect(chapter!.metadata!.A2).toEqual(['Rumelhart, David E.', 'McClelland, James L.']);
    expect(lstm).toMatchObject({
      authors: ['Sepp Hochreiter', 'Jürgen Schmidhuber'],
      pmid: '9377276',
      tags: ['Recurrent neural networks', 'Memory'],
      doi: '10.1162/neco.1997.9.8.1735',
    });
    expect(diffusion).toMatchObject({
      arxiv: '2006.11239',
      doi: '10.48550/arxiv.2006.11239',
      date: '2020-12-16',
      tags: ['Computer Science - Machine Learning', 'Statistics - Machine Learning'],
    });
    expect(diffusion!.venue).toBeUndefined();
  });

  it("reads EndNote's RIS: continuation lines, N2 abstracts, Y1 dates, A1 authors, M3 DOI, PubMed accession", async () => {
    const { records, skipped } = await collect(ENDNOTE);
    expect(skipped).toEqual([]);
    expect(records.map((record) => record.key)).toEqual(['12', '31', '47', '58']);
    const [lstm, bishop, dropout, steele] = records;

    expect(typed(lstm!)).toEqual({
      title: 'Long short-term memory',
      abstract:
        'Learning to store information over extended time intervals by recurrent backpropagation takes a very long time, mostly because of insufficient, decaying error backflow. We introduce a novel, efficient, gradient based method called long short-term memory (LSTM).',
      authors: ['S. Hochreiter', 'J. Schmidhuber'],
      year: 1997,
      date: '1997-11-15',
      venue: 'Neural Computation',
      // Untagged lines under KW are further keywords, commas and all.
      tags: ['Humans', 'Learning', 'Memory, Short-Term', 'Neural Networks, Computer'],
      doi: '10.1162/neco.1997.9.8.1735',
      pmid: '9377276',
    });
    expect(bishop).toMatchObject({
      title: 'Pattern Recognition and Machine Learning',
      abstract: '',
      year: 2006,
      tags: ['Machine learning', 'Pattern recognition', 'Bayesian statistics'],
    });
    expect(bishop!.date).toBeUndefined();
    // A blank line between abstract paragraphs does not end the abstract.
    expect(dropout!.abstract).toBe(
      'Deep neural nets with a large number of parameters are very powerful machine learning systems. However, overfitting is a serious problem in such networks. Dropout is a technique for addressing this problem. The key idea is to randomly drop units (along with their connections) from the neural network during training.',
    );
    expect(dropout).toMatchObject({ venue: 'Journal of Machine Learning Research', year: 2014 });
    expect(steele).toMatchObject({ authors: ['Guy L. Steele Jr.'], date: '1999-10', doi: '10.1023/a:1010085415024' });
  });

  it('reads Scopus\'s RIS: "Family, G." authors, repeated KW, DO, PubMed ID in N1', async () => {
    const { records, skipped } = await collect(SCOPUS);
    expect(skipped).toEqual([]);
    expect(records).toHaveLength(4);
    const [overview, go, batchNorm, ipython] = records;
    expect(overview).toMatchObject({
      authors: ['J. Schmidhuber'],
      year: 2015,
      venue: 'Neural Networks',
      doi: '10.1016/j.neunet.2014.09.003',
      pmid: '25462637',
      tags: [
        'Deep learning',
        'Evolutionary computation',
        'Reinforcement learning',
        'Supervised learning',
        'Unsupervised learning',
        'Neural networks',
      ],
    });
    expect(go!.authors).toHaveLength(20);
    expect(go!.authors!.slice(0, 6)).toEqual(['D. Silver', 'A. Huang', 'C.J. Maddison', 'A. Guez', 'L. Sifre', 'G. Van Den Driessche']);
    expect(go).toMatchObject({ doi: '10.1038/nature16961', pmid: '26819042', venue: 'Nature' });
    expect(batchNorm).toMatchObject({ venue: '32nd International Conference on Machine Learning, ICML 2015', year: 2015 });
    expect(batchNorm!.doi).toBeUndefined();
    expect(ipython).toMatchObject({ authors: ['F. Pérez', 'B.E. Granger'], doi: '10.1109/mcse.2007.53' });
    expect(ipython!.pmid).toBeUndefined();
  });

  it('reads the good records of a broken file and reports each bad one at its first line', async () => {
    const { records, skipped } = await collect(BROKEN);
    expect(records.map((record) => record.title)).toEqual([
      'Neural Machine Translation by Jointly Learning to Align and Translate',
      'Learning Phrase Representations using RNN Encoder-Decoder for Statistical Machine Translation',
    ]);
    expect(records[0]).toMatchObject({ arxiv: '1409.0473', authors: ['Dzmitry Bahdanau', 'Kyunghyun Cho', 'Yoshua Bengio'] });
    expect(records[1]!.authors).toEqual(['Kyunghyun Cho', 'Bart van Merriënboer']);
    // Header text and the garbage line are ignored; the tags that lost their TY are reported once.
    expect(skipped).toEqual([
      { source: BROKEN, line: 15, reason: 'TI line outside a TY … ER record (a record without its TY line?)' },
      { source: BROKEN, line: 19, reason: 'record has no title (TI or T1)' },
      { source: BROKEN, line: 25, reason: 'record has no ER line before the next TY; it may be incomplete' },
      { source: BROKEN, line: 39, reason: 'line 40 is not valid UTF-8; export the file as UTF-8' },
      { source: BROKEN, line: 44, reason: 'record has no ER line: the file ends inside it (cut off?)' },
    ]);
  });
});

describe('one library exported as CSL JSON and as RIS', () => {
  it('gives the same papers with the same ids, and reading both merges every paper once', async () => {
    const fromCsl = await readCorpus([SAME_LIBRARY_CSL]);
    const fromRis = await readCorpus([SAME_LIBRARY_RIS]);
    expect(fromCsl.skipped).toEqual([]);
    expect(fromRis.skipped).toEqual([]);
    expect(fromRis.perSource).toEqual([{ source: SAME_LIBRARY_RIS, format: 'RIS', records: 5, skipped: 0 }]);
    expect(fromRis.papers).toHaveLength(5);
    expect(fromRis.papers.map((paper) => paper.id)).toEqual(fromCsl.papers.map((paper) => paper.id));
    expect(fromRis.papers.map(typed)).toEqual(fromCsl.papers.map(typed));

    const both = await readCorpus([SAME_LIBRARY_CSL, SAME_LIBRARY_RIS]);
    expect(both).toMatchObject({ recordsRead: 10, duplicatesMerged: 5, skipped: [] });
    expect(both.papers.map((paper) => paper.id)).toEqual(fromCsl.papers.map((paper) => paper.id));
  });
});

describe('readRis edge cases', () => {
  it('reads old Mac line ends (CR), a one-space tag separator, indented tags, and prefers AU to A1', async () => {
    const { records, skipped } = await collectText(
      'cr.ris',
      [
        'TY - JOUR',
        'TI - Carriage returns',
        'A1 - Duplicate, Author',
        'AU - Lovelace, Ada',
        'AU - King, Martin Luther, Jr.',
        '  PY - 1843///',
        'ER -',
        '',
      ].join('\r'),
    );
    expect(skipped).toEqual([]);
    expect(records).toEqual([
      {
        title: 'Carriage returns',
        abstract: '',
        authors: ['Ada Lovelace', 'Martin Luther King Jr.'],
        year: 1843,
        metadata: { TY: 'JOUR', A1: 'Duplicate, Author' },
      },
    ]);
  });

  it('keeps the longer of AB and N2, takes a bare AN as a PMID only from PubMed, and never a non-http URL', async () => {
    const { records } = await collectText(
      'fields.ris',
      [
        'TY  - JOUR',
        'TI  - Short and long abstracts',
        'AB  - Short.',
        'N2  - The full abstract, which is longer.',
        'AN  - 12345678',
        'DB  - Web of Science',
        'UR  - javascript:alert(1)',
        'UR  - https://example.org/paper',
        'ER  - ',
        'TY  - JOUR',
        'TI  - From PubMed',
        'AN  - 12345678',
        'DP  - NLM',
        'M1  - arXiv: hep-th/9901001v3',
        'ER  - ',
      ].join('\n'),
    );
    expect(records[0]).toMatchObject({ abstract: 'The full abstract, which is longer.', url: 'https://example.org/paper' });
    expect(records[0]!.pmid).toBeUndefined();
    expect(records[0]!.metadata).toMatchObject({ AB: 'Short.', AN: '12345678' });
    expect(records[1]).toMatchObject({ pmid: '12345678', arxiv: 'hep-th/9901001' });
  });

  it('skips records over the limits instead of holding them', async () => {
    const { file, records, skipped } = await collectText(
      'limits.ris',
      [
        'TY  - JOUR',
        `TI  - ${'T'.repeat(1_001)}`,
        'ER  - ',
        'TY  - JOUR',
        'TI  - Long abstract',
        `AB  - ${'x'.repeat(100_001)}`,
        'ER  - ',
        'TY  - JOUR',
        'TI  - Runaway record',
        ...Array.from({ length: 30 }, () => 'y'.repeat(100_000)),
        'ER  - ',
        'TY  - JOUR',
        'TI  - Fits',
        'ER  - ',
      ].join('\n'),
    );
    expect(records.map((record) => record.title)).toEqual(['Fits']);
    expect(skipped).toEqual([
      { source: file, line: 1, reason: 'title is longer than 1000 characters' },
      { source: file, line: 4, reason: 'abstract is longer than 100000 characters' },
      { source: file, line: 8, reason: 'record is longer than 2000000 characters' },
    ]);
  });
});

describe('ris.looksLike', () => {
  it('finds a TY line at the start or after a header, and nothing in other formats', () => {
    expect(ris.looksLike('\uFEFFTY  - JOUR\r\nTI  - A\r\n')).toBe(true);
    expect(ris.looksLike('Provider: Elsevier\nDatabase: ScienceDirect\n\nTY  - JOUR\n')).toBe(true);
    expect(ris.looksLike('@article{key,\n  title = {TY  - not RIS}\n}')).toBe(false);
    expect(ris.looksLike('[{"title": "A"}]')).toBe(false);
    expect(ris.looksLike('PMID- 12345678\nTI  - MEDLINE is not RIS\n')).toBe(false);
  });
});

describe('toRis', () => {
  it('writes CRLF records: JOUR with a venue, GEN without, Family, Given authors, labelled ids', () => {
    const papers: Paper[] = [
      {
        id: 'numpy-1a2b3c4d',
        key: 'harris2020',
        title: 'Array programming with NumPy',
        abstract: 'Array programming\nprovides a powerful syntax.',
        authors: ['Stéfan J. van der Walt', 'Guy L. Steele Jr.', 'Plato'],
        year: 2020,
        date: '2020-09',
        venue: 'Nature',
        tags: ['Software', 'Memory, Short-Term'],
        doi: '10.1038/s41586-020-2649-2',
        pmid: '32939066',
        url: 'https://www.nature.com/articles/s41586-020-2649-2',
      },
      { id: 'attention-5e6f7a8b', title: 'Attention Is All You Need', abstract: '', year: 2017, arxiv: '1706.03762' },
    ];
    expect(toRis(papers)).toBe(
      [
        'TY  - JOUR',
        'ID  - harris2020',
        'TI  - Array programming with NumPy',
        'AU  - van der Walt, Stéfan J.',
        'AU  - Steele, Guy L., Jr.',
        'AU  - Plato',
        'PY  - 2020',
        'DA  - 2020/09//',
        'T2  - Nature',
        'AB  - Array programming provides a powerful syntax.',
        'KW  - Software',
        'KW  - Memory, Short-Term',
        'DO  - 10.1038/s41586-020-2649-2',
        'UR  - https://www.nature.com/articles/s41586-020-2649-2',
        'M1  - PMID: 32939066',
        'ER  - ',
        '',
        'TY  - GEN',
        'ID  - attention-5e6f7a8b',
        'TI  - Attention Is All You Need',
        'PY  - 2017',
        'AN  - arXiv:1706.03762',
        'ER  - ',
        '',
        '',
      ].join('\r\n'),
    );
    expect(toRis([])).toBe('');
  });

  it('round-trips the RIS fixtures, and the CSL library, through the reader', async () => {
    for (const [fixture, read] of [
      [ZOTERO, readRis],
      [ENDNOTE, readRis],
      [SCOPUS, readRis],
      [SAME_LIBRARY_CSL, readCslJson],
    ] as const) {
      const { records } = await collect(fixture, read);
      const papers = records.map((record) => ({ ...record, id: paperId(record.title, record) }));
      const reread = await collectText('round-trip.ris', toRis(papers));
      expect(reread.skipped).toEqual([]);
      expect(reread.records.map(typed)).toEqual(papers.map(typed));
    }
  });

  it('round-trips generated papers with awkward characters', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(generatedPaper, { minLength: 1, maxLength: 5 }), async (papers) => {
        const reread = await collectText('generated.ris', toRis(papers));
        expect(reread.skipped).toEqual([]);
        expect(reread.records.map(typed)).toEqual(papers.map(typed));
        expect(reread.records.map((record) => record.key)).toEqual(papers.map((paper) => paper.key ?? paper.id));
      }),
      { numRuns: 200 },
    );
  });
});

// RIS writes "Family, Given" (a comma inside a name cannot be told from that one) and splits KW at semicolons.
const generatedPaper = generatedPapers({ formatPieces: [',', '\r', 'TY  - ', 'AU  - '], notInNames: /,/g, notInTags: /;/ });
