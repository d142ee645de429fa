import dns from 'node:dns';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { medline, readMedline } from '../../src/papers/formats/medline.js';
import { pubmedDate, pubmedXml, readPubmedXml } from '../../src/papers/formats/pubmed.js';
import { paperId, readCorpus, type Paper, type ReadResult } from '../../src/papers/index.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/pubmed/${name}`, import.meta.url));
const XML = fixture('pubmed.xml');
const NBIB = fixture('pubmed.nbib');
const BROKEN = fixture('broken.xml');
const HTML_PAGE = fixture('pubmed-search-results.xml');

const MALARIA_TITLE = 'Deep learning detects Plasmodium falciparum in thin blood smears across laboratories and microscopes.';
const HIV_TITLE = 'CD4(+) T-cell recovery after switching to dolutegravir-based therapy: a multicentre cohort study.';
const LETTER_TITLE = 'Mefloquine prophylaxis and neuropsychiatric events.';
const BATS_TITLE =
  'Place cells in the hippocampus of freely flying bats encode three-dimensional space with isotropic resolution, and their firing fields remap when the room is rotated.';

/** The four articles of pubmed.xml and pubmed.nbib, as either gives them. */
const ARTICLES: Array<Omit<Paper, 'source'>> = [
  {
    id: paperId(MALARIA_TITLE, { doi: '10.1038/s41586-019-1702-3' }),
    title: MALARIA_TITLE,
    abstract:
      'BACKGROUND: Microscopy of Giemsa-stained blood smears remains the reference method for malaria diagnosis, but its accuracy depends on scarce expert readers. ' +
      'METHODS: We trained a convolutional neural network on 27,558 annotated cell images from four laboratories and evaluated it on smears imaged with unseen microscopes. ' +
      'RESULTS: The network detected infected erythrocytes with a sensitivity of 96.2% and a specificity of 98.1%, and parasitaemia estimates agreed with expert counts (r = 0.97). ' +
      'CONCLUSIONS: Automated reading of thin smears is accurate across sites and could support diagnosis where microscopists are few.',
    // The author marked ValidYN="N" (a misspelling PubMed keeps) is left out.
    authors: ['Chidinma Okafor', 'Jonas Müller', 'K Nakamura'],
    year: 2019,
    date: '2019-11-05',
    venue: 'Nature',
    tags: ['Humans', 'Malaria, Falciparum', 'Neural Networks, Computer', 'deep learning', 'malaria', 'microscopy'],
    doi: '10.1038/s41586-019-1702-3',
    pmid: '31694021',
    url: 'https://pubmed.ncbi.nlm.nih.gov/31694021/',
    metadata: { pmc: 'PMC6987654' },
  },
  {
    id: paperId(HIV_TITLE, { doi: '10.1016/s1473-3099(19)30412-7' }),
    title: HIV_TITLE,
    abstract:
      'In 3,412 adults followed for a median of 2.1 years, CD4(+) counts rose by 112 cells per mm(3) in the first year after the switch; viral load stayed below 50 copies per mL in 94% of participants. Weight gain above 10% occurred in 8% and was more frequent in women.',
    authors: ['Thandiwe Dlamini', 'María José García-López', 'Southern African HIV Cohort Collaboration'],
    year: 2019,
    date: '2019-11',
    venue: 'The Lancet. Infectious diseases',
    tags: ['Adult', 'HIV Infections', 'CD4-Positive T-Lymphocytes'],
    doi: '10.1016/s1473-3099(19)30412-7',
    pmid: '31727388',
    url: 'https://pubmed.ncbi.nlm.nih.gov/31727388/',
  },
  {
    id: paperId(LETTER_TITLE, { pmid: '8411204' }),
    title: LETTER_TITLE,
    // A letter: no abstract, searched by its title.
    abstract: '',
    authors: ['R A Hartley'],
    year: 1993,
    date: '1993-10',
    venue: 'Lancet (London, England)',
    tags: ['Antimalarials', 'Mefloquine'],
    pmid: '8411204',
    url: 'https://pubmed.ncbi.nlm.nih.gov/8411204/',
  },
  {
    id: paperId(BATS_TITLE, { doi: '10.7554/elife.71234' }),
    title: BATS_TITLE,
    abstract:
      'Bats navigate in three dimensions. We recorded 412 CA1 neurons in Egyptian fruit bats flying in a 5 × 4 × 3 m room and found place fields that were nearly spherical. Rotating the room by 90° remapped 63% of fields, whereas darkness did not.',
    authors: ['Noa Ben-Ami', 'Nachum Ulanovsky'],
    year: 2022,
    date: '2022',
    venue: 'eLife',
    tags: ['Egyptian fruit bat', 'hippocampus', 'place cells'],
    doi: '10.7554/elife.71234',
    pmid: '35012345',
    url: 'https://pubmed.ncbi.nlm.nih.gov/35012345/',
  },
];

const fromSource = (source: string) => ARTICLES.map((article) => ({ ...article, source }));

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pubmed-test-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function collect(results: AsyncIterable<ReadResult>) {
  const all: ReadResult[] = [];
  for await (const result of results) all.push(result);
  return all;
}

describe('PubMed XML', () => {
  it('reads the four articles: structured abstract, inline markup, collective author, MedlineDate, MeSH then keywords', async () => {
    const result = await readCorpus([XML]);
    expect(result.skipped).toEqual([]);
    expect(result.perSource).toEqual([{ source: XML, format: 'PubMed XML', records: 4, skipped: 0 }]);
    expect(result.papers).toEqual(fromSource(XML));
  });

  it('never touches the network for the online DTD', async () => {
    const connect = vi.spyOn(net.Socket.prototype, 'connect').mockImplementation(() => {
      throw new Error('network access attempted');
    });
    const lookup = vi.spyOn(dns, 'lookup').mockImplementation(() => {
      throw new Error('DNS lookup attempted');
    });
    const fetch = vi.spyOn(globalThis, 'fetch').mockRejectedValue(new Error('fetch attempted'));
    try {
      expect(await readFile(XML, 'utf8')).toContain('"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd"');
      const results = await collect(readPubmedXml(XML));
      expect(results.filter((result) => 'record' in result)).toHaveLength(4);
      expect(connect).not.toHaveBeenCalled();
      expect(lookup).not.toHaveBeenCalled();
      expect(fetch).not.toHaveBeenCalled();
    } finally {
      vi.restoreAllMocks();
    }
  });

  it('keeps the articles before the cut of a truncated file and names the cut one', async () => {
    const result = await readCorpus([BROKEN]);
    expect(result.papers).toEqual([{ ...ARTICLES[2], source: BROKEN }]);
    expect(result.skipped).toEqual([
      { source: BROKEN, line: 60, reason: 'file ends in the middle of this PubmedArticle (unclosed tag: AbstractText); it was cut short' },
    ]);
  });

  it('stops at malformed XML with the line and column, keeping what came before', async () => {
    const xml = await readFile(XML, 'utf8');
    const file = join(dir, 'malformed.xml');
    // An HTML entity the XML has no definition for, inside the second article.
    await writeFile(file, xml.replace('viral load stayed', 'viral&nbsp;load stayed'));
    const results = await collect(readPubmedXml(file));
    expect(results).toEqual([
      { record: expect.objectContaining({ pmid: '31694021' }) },
      {
        skipped: {
          source: file,
          line: 140,
          reason: expect.stringMatching(/^invalid XML at line 167, column \d+: undefined entity; the rest of the file is not read$/),
        },
      },
    ]);
  });

  it('gives one clear line for a web page saved as .xml', async () => {
    const result = await readCorpus([HTML_PAGE]);
    expect(result.papers).toEqual([]);
    expect(result.skipped).toEqual([
      { source: HTML_PAGE, line: 1, reason: 'file is an HTML page, not PubMed XML; save the export itself, not the page that offers it' },
    ]);
  });

  it('recognises PubMed XML by its root, not by a mention of it', () => {
    expect(
      pubmedXml.looksLike(
        '<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" "https://dtd.nlm.nih.gov/x.dtd">',
      ),
    ).toBe(true);
    expect(pubmedXml.looksLike('\uFEFF<PubmedArticleSet>\n<PubmedArticle>')).toBe(true);
    expect(pubmedXml.looksLike('<!DOCTYPE html><html><pre>&lt;PubmedArticleSet&gt;</pre>')).toBe(false);
    expect(pubmedXml.looksLike('<?xml version="1.0"?><rdf:RDF>')).toBe(false);
  });

  it('reports a book chapter rather than dropping it silently', async () => {
    const file = join(dir, 'book.xml');
    await writeFile(
      file,
      '<PubmedArticleSet>\n<PubmedBookArticle>\n<BookDocument><PMID>20301295</PMID></BookDocument>\n</PubmedBookArticle>\n</PubmedArticleSet>\n',
    );
    expect(await collect(readPubmedXml(file))).toEqual([
      { skipped: { source: file, line: 2, reason: 'PubmedBookArticle (a book chapter) is not read; only journal articles are' } },
    ]);
  });
});

describe('MEDLINE / .nbib', () => {
  it('gives the same papers as the XML of the same articles', async () => {
    const result = await readCorpus([NBIB]);
    expect(result.skipped).toEqual([]);
    expect(result.perSource).toEqual([{ source: NBIB, format: 'MEDLINE/PubMed text', records: 4, skipped: 0 }]);
    expect(result.papers).toEqual(fromSource(NBIB));
  });

  it('merges each article read from both exports into one paper', async () => {
    const result = await readCorpus([XML, NBIB]);
    expect(result.recordsRead).toBe(8);
    expect(result.duplicatesMerged).toBe(4);
    expect(result.papers).toEqual(fromSource(XML));
  });

  it('falls back to AU names, joins continuation lines and reports stray lines and records without PMID', async () => {
    const file = join(dir, 'short.medline');
    await writeFile(
      file,
      [
        'PMID- 12345678',
        'TI  - A title that goes on',
        '      over two lines.',
        'AB  - An abstract.',
        'AU  - Lovelace A',
        'AU  - Babbage CJ',
        'CN  - The Analytical Engine Group',
        'DP  - 1843 Oct 5',
        'MH  - Mathematics/*history',
        'this line is not MEDLINE',
        '',
        'TI  - No PMID here.',
        '',
      ].join('\r\n'),
    );
    const results = await collect(readMedline(file));
    expect(results).toEqual([
      { skipped: { source: file, line: 10, reason: 'not a MEDLINE line ("TAG - value"): this line is not MEDLINE' } },
      {
        record: {
          title: 'A title that goes on over two lines.',
          abstract: 'An abstract.',
          authors: ['A Lovelace', 'CJ Babbage', 'The Analytical Engine Group'],
          year: 1843,
          date: '1843-10-05',
          tags: ['Mathematics'],
          pmid: '12345678',
          url: 'https://pubmed.ncbi.nlm.nih.gov/12345678/',
        },
      },
      { skipped: { source: file, line: 12, reason: 'article has no PMID' } },
    ]);
  });

  it('recognises MEDLINE text by a PMID line near the top', () => {
    expect(medline.looksLike('\nPMID- 31694021\nOWN - NLM\n')).toBe(true);
    expect(medline.looksLike('TY  - JOUR\nTI  - x\n')).toBe(false);
  });
});

describe('pubmedDate', () => {
  it.each([
    ['2019 Nov 5', { year: 2019, date: '2019-11-05' }],
    ['2019 11 05', { year: 2019, date: '2019-11-05' }],
    ['2019 Nov-Dec', { year: 2019, date: '2019-11' }],
    ['1998 Dec-1999 Jan', { year: 1998, date: '1998-12' }],
    ['2000 Spring', { year: 2000, date: '2000' }],
    ['2022', { year: 2022, date: '2022' }],
    ['Spring', undefined],
  ])('%s', (text, expected) => {
    expect(pubmedDate(text)).toEqual(expected);
  });
});
