import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBibtex } from '../../src/papers/export/bibtex.js';
import { bibtex, readBibtex } from '../../src/papers/formats/bibtex.js';
import { type Paper, type PaperRecord, type SkippedLine, paperId, readCorpus } from '../../src/papers/index.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/bibtex/${name}`, import.meta.url));
const ZOTERO = fixture('zotero.bib');
const BETTER_BIBTEX = fixture('better-bibtex.bib');
const SCHOLAR_DBLP = fixture('scholar-dblp.bib');
const BROKEN = fixture('broken.bib');
const FIXTURES = [ZOTERO, BETTER_BIBTEX, SCHOLAR_DBLP, BROKEN];

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bibtex-test-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function collect(file: string, options?: { chunkChars: number }): Promise<{ records: PaperRecord[]; skipped: SkippedLine[] }> {
  const records: PaperRecord[] = [];
  const skipped: SkippedLine[] = [];
  for await (const result of readBibtex(file, options)) {
    if ('record' in result) records.push(result.record);
    else skipped.push(result.skipped);
  }
  return { records, skipped };
}

const byKey = (records: PaperRecord[], key: string) => records.find((record) => record.key === key)!;

describe('BibTeX reader', () => {
  it("reads Zotero's export: the same library as its CSL JSON export, file paths and access dates as metadata", async () => {
    const { records, skipped } = await collect(ZOTERO);
    expect(skipped).toEqual([]);
    expect(records.map((record) => record.key)).toEqual([
      'vaswani_attention_2017',
      'harris_array_2020',
      'virtanen_scipy_2020',
      'jumper_highly_2021',
      'lecun_gradient-based_1998',
    ]);

    const attention = byKey(records, 'vaswani_attention_2017');
    expect(attention).toMatchObject({
      title: 'Attention Is All You Need',
      year: 2017,
      date: '2017-06',
      doi: '10.48550/arxiv.1706.03762',
      arxiv: '1706.03762',
      url: 'http://arxiv.org/abs/1706.03762',
      tags: ['Computer Science - Computation and Language', 'Computer Science - Machine Learning'],
    });
    expect(attention.venue).toBeUndefined();
    expect(attention.authors).toHaveLength(8);
    expect(attention.authors![6]).toBe('Łukasz Kaiser');
    expect(attention.metadata).toMatchObject({
      entryType: 'misc',
      urldate: '2024-01-15',
      publisher: 'arXiv',
      note: 'arXiv:1706.03762 [cs]',
    });
    // The file field is kept as Zotero escapes it (`\:` and `\\`), a Windows path and its snapshot.
    expect(attention.metadata!.file).toBe(
      'Full Text PDF:C\\:\\\\Users\\\\ada\\\\Zotero\\\\storage\\\\7QZ9F2KD\\\\Vaswani et al. - 2017 - Attention Is All You Need.pdf:application/pdf;' +
        'arXiv.org Snapshot:C\\:\\\\Users\\\\ada\\\\Zotero\\\\storage\\\\X4TQ2N8M\\\\1706.html:text/html',
    );

    const scipy = byKey(records, 'virtanen_scipy_2020');
    // Zotero's case-protecting braces are gone; particles and a literal (institutional) author survive.
    expect(scipy.title).toBe('SciPy 1.0: fundamental algorithms for scientific computing in Python');
    expect(scipy).toMatchObject({ venue: 'Nature Methods', pmid: '32015543', year: 2020, date: '2020-03' });
    expect(scipy.authors).toContain('Stéfan J. van der Walt');
    expect(scipy.authors!.at(-1)).toBe('SciPy 1.0 Contributors');

    // Title, abstract, DOI and authors agree with the CSL JSON export of the same Zotero library.
    const cslItems = JSON.parse(await readFile(fileURLToPath(new URL('./fixtures/csl/zotero.json', import.meta.url)), 'utf8')) as Array<{
      title: string;
      abstract: string;
      DOI: string;
      author: Array<{ given?: string; family?: string; 'non-dropping-particle'?: string; literal?: string }>;
    }>;
    expect(records.map((record) => [record.title, record.abstract, record.doi, record.authors])).toEqual(
      cslItems.map((item) => [
        item.title,
        item.abstract,
        item.DOI.toLowerCase(),
        item.author.map((name) => name.literal ?? [name.given, name['non-dropping-particle'], name.family].filter(Boolean).join(' ')),
      ]),
    );
  });

  it('reads Better BibTeX: LaTeX to Unicode, protected capitals unbraced, @string macros, arXiv and PubMed eprints', async () => {
    const { records, skipped } = await collect(BETTER_BIBTEX);
    expect(skipped).toEqual([]);
    expect(records).toHaveLength(5);

    expect(byKey(records, 'mullerMuCalculusDNA2021')).toEqual({
      title: 'The μ-Calculus of DNA & RNA Folding – a Gödel-Style View',
      abstract:
        'We give a μ-calculus for secondary structures of DNA and RNA: folding is a least fixed point, and 95% of the benchmark folds are decided in under 10 ms.',
      authors: ['Jörg Müller', 'François Dupont', 'Jiří Škoda'],
      year: 2021,
      // `month = jul` with jul redefined by @string as "July".
      date: '2021-07',
      // `{Proceedings of the 38th } # icml`, icml an @string.
      venue: 'Proceedings of the 38th International Conference on Machine Learning',
      tags: ['DNA folding', 'modal logic', 'secondary structure'],
      arxiv: '2107.01234',
      key: 'mullerMuCalculusDNA2021',
      metadata: {
        entryType: 'inproceedings',
        series: 'Proceedings of Machine Learning Research',
        volume: '139',
        pages: '1234–1245',
        publisher: 'PMLR',
        address: 'Virtual',
        primaryclass: 'cs.LG',
        file: 'C\\:\\\\Users\\\\ada\\\\Zotero\\\\storage\\\\ABCD1234\\\\Muller et al. - 2021 - The mu-Calculus of DNA.pdf',
      },
    });

    expect(byKey(records, 'smithDeepLearning2020')).toMatchObject({
      title: 'Deep Learning for Protein–Ligand Binding: A Review',
      authors: ['Ada Smith', 'Søren Østergaard', "Cathy O'Neil"],
      year: 2020,
      date: '2020-05-17',
      venue: 'Journal of Chemical Information and Modeling',
      tags: ['binding affinity', 'deep learning', 'drug discovery'],
      doi: '10.1021/acs.jcim.0c00123',
      pmid: '32412345',
    });

    const edge = byKey(records, 'smithDeepLearning2020a');
    expect(edge).toMatchObject({
      title: 'Deep Learning at the Edge: Ångström-Scale Sensors in Vivo',
      abstract: 'Straße, Ångström, École and naïve sensors at 50 μm resolution.',
      authors: ['Ada Smith', 'European Organization for Nuclear Research'],
      date: '2020-11',
      doi: '10.1038/s41928-020-0499-x',
      arxiv: '2011.04567',
    });
    // Composed characters, as every other format gives them: é is one code point, not e + U+0301.
    expect(edge.abstract).toBe(edge.abstract.normalize('NFC'));

    const thesis = byKey(records, 'garciaLearningRepresentations2019');
    expect(thesis.authors).toEqual(['María García Núñez']);
    expect(thesis.abstract).toBe('A thesis on morphology: señor, niño and açaí are tokenised alike.');
    // The entry type and BibLaTeX's own `type` field do not collide.
    expect(thesis.metadata).toEqual({ entryType: 'thesis', institution: 'Universidad Politécnica de Madrid', type: 'phdthesis' });

    const online = byKey(records, 'doeSmallModelsBig2023');
    expect(online).toMatchObject({
      title: 'Small Models, Big Claims',
      abstract: '',
      year: 2023,
      url: 'https://example.org/blog/small-models',
    });
    expect(online.date).toBeUndefined();
  });

  it('reads Google Scholar, DBLP and ACL entries: no abstracts, crossref inheritance, @comment and @preamble ignored', async () => {
    const { records, skipped } = await collect(SCHOLAR_DBLP);
    expect(skipped).toEqual([]);
    // The @proceedings only lends its fields to the paper crossref-ing it: it is not a paper itself.
    expect(records.map((record) => record.key)).toEqual([
      'devlin2018bert',
      'he2016deep',
      'wolf2019huggingface',
      'DBLP:conf/nips/VaswaniSPUJGKP17',
      'DBLP:conf/naacl/DevlinCLT19',
      'lewis-etal-2020-bart',
    ]);
    expect(records.filter((record) => record.abstract === '')).toHaveLength(5);

    // Scholar names an arXiv preprint in `journal`.
    expect(byKey(records, 'devlin2018bert')).toMatchObject({ venue: 'arXiv preprint arXiv:1810.04805', arxiv: '1810.04805', year: 2018 });
    expect(byKey(records, 'wolf2019huggingface')).toMatchObject({
      title: "HuggingFace's Transformers: State-of-the-art Natural Language Processing",
      arxiv: '1910.03771',
      metadata: { entryType: 'misc', primaryclass: 'cs.CL' },
    });

    const vaswani = byKey(records, 'DBLP:conf/nips/VaswaniSPUJGKP17');
    // Booktitle, year and editors come from the crossref-ed proceedings, which follow at the end of the file.
    expect(vaswani).toMatchObject({
      title: 'Attention is All you Need',
      year: 2017,
      venue:
        'Advances in Neural Information Processing Systems 30: Annual Conference on Neural Information Processing Systems 2017, December 4-9, 2017, Long Beach, CA, USA',
    });
    expect(vaswani.authors).toEqual([
      'Ashish Vaswani',
      'Noam Shazeer',
      'Niki Parmar',
      'Jakob Uszkoreit',
      'Llion Jones',
      'Aidan N. Gomez',
      'Lukasz Kaiser',
      'Illia Polosukhin',
    ]);
    expect(vaswani.metadata).toMatchObject({
      crossref: 'DBLP:conf/nips/2017',
      editor: 'Isabelle Guyon and Ulrike von Luxburg and Samy Bengio',
    });

    expect(byKey(records, 'DBLP:conf/naacl/DevlinCLT19')).toMatchObject({
      title: 'BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding',
      authors: ['Jacob Devlin', 'Ming-Wei Chang', 'Kenton Lee', 'Kristina Toutanova'],
      venue: 'NAACL-HLT (1)',
      doi: '10.18653/v1/n19-1423',
    });
    expect(byKey(records, 'lewis-etal-2020-bart')).toMatchObject({
      title: 'BART: Denoising Sequence-to-Sequence Pre-training for Natural Language Generation, Translation, and Comprehension',
      date: '2020-07',
      venue: 'Proceedings of the 58th Annual Meeting of the Association for Computational Linguistics',
      url: 'https://aclanthology.org/2020.acl-main.703',
    });
  });

  it('reports broken entries with their line and key, keeps the first of a duplicate key, and reads the rest', async () => {
    const { records, skipped } = await collect(BROKEN);
    expect(records.map((record) => [record.key, record.title])).toEqual([
      ['good1', 'A Good Paper Before the Damage'],
      ['good2', 'Second Good Paper'],
      ['good3', 'Quoted Values Work Too'],
    ]);
    expect(skipped).toEqual([
      {
        source: BROKEN,
        line: 10,
        reason: '@article{unbalanced2020}: not closed before the next entry or the end of the file (unbalanced braces?); skipped',
      },
      {
        source: BROKEN,
        line: 22,
        reason: '@article{good1}: duplicate key, first used at line 3; BibTeX keeps the first entry, so this one is skipped',
      },
      {
        source: BROKEN,
        line: 27,
        reason: '@article{missingcomma2020}: expected "}" but found "author = {Someone, S" (a missing comma or brace?); skipped',
      },
      { source: BROKEN, line: 32, reason: '@misc{notitle2021}: no title' },
      { source: BROKEN, line: 44, reason: '@article{cut2024}: a { is never closed (unbalanced braces, or the entry is cut off); skipped' },
    ]);
  });

  it('gives the same results when a file is parsed in many small chunks (@string and crossref carried across)', async () => {
    for (const file of FIXTURES) {
      const whole = await collect(file);
      const chunked = await collect(file, { chunkChars: 200 });
      // Only the reason for an entry left open may differ: a chunk ends before the next entry.
      expect(chunked.records).toEqual(whole.records);
      expect(chunked.skipped.map(({ line }) => line)).toEqual(whole.skipped.map(({ line }) => line));
    }
  });

  it('loses only the directive at fault when the parser throws (a bare \\newcommand in an @string)', async () => {
    const file = join(dir, 'throws.bib');
    await writeFile(
      file,
      [
        '@string{venue = {Good Venue}}',
        '@misc{first, title = {First}, howpublished = venue}',
        '@string{bad = {\\newcommand}}',
        '@misc{second, title = {Second}, howpublished = venue}',
        '',
      ].join('\n'),
    );
    const { records, skipped } = await collect(file);
    expect(records.map(({ key, venue }) => [key, venue])).toEqual([
      ['first', 'Good Venue'],
      ['second', 'Good Venue'],
    ]);
    expect(skipped).toEqual([{ source: file, line: 3, reason: '@string{bad}: cannot be read: missing name for \\newcommand; skipped' }]);
  });

  it('skips an entry that is not valid UTF-8 and reads the others', async () => {
    const file = join(dir, 'latin1.bib');
    const entry = (key: string, title: string) =>
      Buffer.concat([Buffer.from(`@article{${key},\n  title = {`), Buffer.from(title, 'latin1'), Buffer.from('},\n}\n\n')]);
    await writeFile(
      file,
      Buffer.concat([entry('first', 'Plain ASCII'), entry('latin', 'M\u00fcller in Latin-1'), entry('last', 'Also ASCII')]),
    );
    const { records, skipped } = await collect(file);
    expect(records.map((record) => record.key)).toEqual(['first', 'last']);
    expect(skipped).toEqual([
      { source: file, line: 5, reason: '@article{latin}: not valid UTF-8 (a Latin-1 file?); save the file as UTF-8' },
    ]);
  });

  it('reads an empty file, or one of comments only, as no papers', async () => {
    for (const [name, content] of [
      ['empty.bib', ''],
      ['blank.bib', '\n\n  \n'],
      ['comments.bib', '% nothing here yet\n@comment{TODO}\n'],
    ] as const) {
      const file = join(dir, name);
      await writeFile(file, content);
      expect(await collect(file)).toEqual({ records: [], skipped: [] });
    }
  });

  it('recognises BibTeX heads, including comment and free-text preambles, and rejects markup, JSON and RIS', async () => {
    const zoteroHead = (await readFile(ZOTERO, 'utf8')).slice(0, 4096);
    expect(bibtex.looksLike(zoteroHead)).toBe(true);
    expect(bibtex.looksLike('')).toBe(true);
    expect(bibtex.looksLike('\uFEFF% Encoding: UTF-8\n\n@Article{key,\n title = {T}}')).toBe(true);
    expect(
      bibtex.looksLike('Automatically generated by Mendeley Desktop 1.19.8\nAny changes to this file will be lost.\n\n@article{key,'),
    ).toBe(true);
    expect(bibtex.looksLike('<!DOCTYPE html>\n<style>\n@page { margin: 0 }\n</style>')).toBe(false);
    expect(bibtex.looksLike('[{"id": "x", "title": "@misc{y,"}]')).toBe(false);
    expect(bibtex.looksLike('TY  - JOUR\nTI  - A title\nER  - \n')).toBe(false);
    // A banner of %s before the first entry, answered at once (a naive pattern backtracks for ever).
    expect(bibtex.looksLike(`${'%'.repeat(4000)}\n@misc{key,`)).toBe(true);
    expect(bibtex.extensions).toEqual(['.bib', '.bibtex']);
  });

  it('merges a paper found in a .bib and a .jsonl (same DOI) into one, through readCorpus', async () => {
    const folder = await mkdtemp(join(dir, 'corpus-'));
    await copyFile(ZOTERO, join(folder, 'library.bib'));
    const numpy = {
      title: 'Array Programming with NumPy',
      abstract: 'Short abstract.',
      doi: 'https://doi.org/10.1038/S41586-020-2649-2',
      tags: ['arrays'],
    };
    const other = { title: 'A Paper Only in JSON Lines', abstract: 'Not in the BibTeX library.' };
    await writeFile(join(folder, 'notes.jsonl'), `${JSON.stringify(numpy)}\n${JSON.stringify(other)}\n`);

    const corpus = await readCorpus([folder]);
    expect(corpus.skipped).toEqual([]);
    expect(corpus.perSource.map(({ format, records }) => [format, records])).toEqual([
      ['BibTeX', 5],
      ['JSON Lines', 2],
    ]);
    expect(corpus.recordsRead).toBe(7);
    expect(corpus.duplicatesMerged).toBe(1);
    expect(corpus.papers).toHaveLength(6);
    const merged = corpus.papers.filter((paper) => paper.doi === '10.1038/s41586-020-2649-2');
    expect(merged).toHaveLength(1);
    // The .bib came first (files are read in name order): its title and key, the longer abstract, both sets of tags.
    expect(merged[0]).toMatchObject({
      title: 'Array programming with NumPy',
      key: 'harris_array_2020',
      source: join(folder, 'library.bib'),
    });
    expect(merged[0]!.abstract).toMatch(/^Array programming provides a powerful/);
    expect(merged[0]!.tags).toEqual(['Computational science', 'Computer science', 'Software', 'arrays']);
  });
});

const paper = (fields: Omit<Paper, 'id'>): Paper => ({ id: paperId(fields.title, fields), ...fields });

/** The fields a BibTeX round trip must keep; tags are compared as a set (the parser sorts keywords). */
function kept(record: PaperRecord) {
  const { title, abstract, authors, year, date, venue, doi, arxiv, pmid, url } = record;
  return { title, abstract, authors, year, date, venue, doi, arxiv, pmid, url, tags: record.tags && [...record.tags].sort() };
}

async function roundTrip(
  papers: Paper[],
  name = 'round-trip.bib',
): Promise<{ records: PaperRecord[]; skipped: SkippedLine[]; text: string }> {
  const text = toBibtex(papers);
  const file = join(dir, name);
  await writeFile(file, text);
  return { ...(await collect(file)), text };
}

describe('toBibtex', () => {
  it('writes @article, @inproceedings and @misc entries with escaped, case-protected fields', () => {
    const text = toBibtex([
      paper({
        title: 'Gödel & DNA: 50% of $x_1$ in {braces} -- ~ ^ # \\',
        abstract: 'An abstract with 100% \\LaTeX-free text.',
        authors: ['Ludwig van Beethoven', 'Martin Luther King Jr.', 'World Health Organization', 'Ada Lovelace'],
        year: 2020,
        date: '2020-05-17',
        venue: 'Journal of Awkward Characters',
        tags: ['music', 'logic'],
        doi: '10.1000/a_b',
        pmid: '123456',
        url: 'https://example.org/a_b?x=1&y=%20',
        key: 'beethoven2020godel',
      }),
      paper({
        title: 'Attention in Conferences',
        abstract: '',
        authors: ['Ada Lovelace'],
        year: 2017,
        venue: 'Proceedings of the Conference on Examples',
      }),
      paper({ title: 'A Preprint', abstract: '', authors: ['Ada Lovelace'], year: 2017, arxiv: '1706.03762', venue: 'arXiv' }),
      paper({ title: 'A Preprint', abstract: '', authors: ['Ada Lovelace'], year: 2017 }),
    ]);
    expect(text).toBe(
      [
        '@article{beethoven2020godel,',
        '  title = {Gödel \\& {DNA}: 50\\% of \\$x\\_1\\$ in \\{braces\\} -{}- \\textasciitilde{} \\textasciicircum{} \\# \\textbackslash{}},',
        '  author = {van Beethoven, Ludwig and King, Jr., Martin Luther and {World Health Organization} and Lovelace, Ada},',
        '  year = {2020},',
        '  month = may,',
        '  date = {2020-05-17},',
        '  journal = {Journal of Awkward Characters},',
        '  doi = {10.1000/a_b},',
        '  pmid = {123456},',
        '  url = {https://example.org/a_b?x=1&y=%20},',
        '  keywords = {music, logic},',
        '  abstract = {An abstract with 100\\% \\textbackslash{}LaTeX-free text.},',
        '}',
        '',
        '@inproceedings{lovelace2017attention,',
        '  title = {Attention in {Conferences}},',
        '  author = {Lovelace, Ada},',
        '  year = {2017},',
        '  booktitle = {Proceedings of the Conference on Examples},',
        '}',
        '',
        '@misc{lovelace2017preprint,',
        '  title = {A {Preprint}},',
        '  author = {Lovelace, Ada},',
        '  year = {2017},',
        '  howpublished = {arXiv},',
        '  eprint = {1706.03762},',
        '  archiveprefix = {arXiv},',
        '}',
        '',
        // Keys are unique within the output, as Better BibTeX makes them.
        '@misc{lovelace2017preprinta,',
        '  title = {A {Preprint}},',
        '  author = {Lovelace, Ada},',
        '  year = {2017},',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('round-trips every fixture: reading its export gives the same papers', async () => {
    for (const file of FIXTURES) {
      const { records } = await collect(file);
      const exported = await roundTrip(records.map((record) => ({ id: paperId(record.title, record), ...record })));
      expect(exported.skipped).toEqual([]);
      expect(exported.records.map(kept)).toEqual(records.map(kept));
      expect(exported.records.map((record) => record.key)).toEqual(records.map((record) => record.key));
    }
  });

  it('round-trips generated papers with awkward characters', async () => {
    // Characters BibTeX or LaTeX treat specially, TeX ligatures, quotes, accents, other scripts.
    const awkward = fc.constantFrom(...'{}\\&%$#_~^<>-`\'",.?!@=;:()[]|/ éüßøÅçñłŽİıÆœ日本語ΩμЖ–—“”‘’…'.split(''));
    const letter = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.split(''));
    const text = (minLength: number) =>
      fc
        .array(fc.oneof(letter, awkward), { minLength, maxLength: 40 })
        .map((characters) => characters.join('').replace(/\s+/g, ' ').trim())
        // A literal tag the parser's rich-text markup uses cannot be told from that markup.
        .filter((value) => value.length >= minLength && !/<\/?(i|b|code|sup|sub|p|br|li|ul|h\d)>|<span|<\/span|<a href|<\/a/.test(value));
    const nameWord = fc
      .tuple(
        fc.constantFrom(...'ABCDÉÖŁŽ'.split('')),
        fc.array(fc.constantFrom(..."aeiouélnrst'-".split('')), { minLength: 1, maxLength: 6 }),
      )
      .map(([initial, rest]) => initial + rest.join(''))
      .filter((word) => !/['-]$|['-]{2}/.test(word));
    const personName = fc
      .tuple(
        fc.array(nameWord, { minLength: 1, maxLength: 2 }),
        fc.option(fc.constantFrom('van', 'de la', 'von'), { nil: undefined }),
        nameWord,
      )
      .map(([given, particle, family]) => [...given, particle, family].filter(Boolean).join(' '));
    const generatedPaper = fc.record(
      {
        title: text(1),
        abstract: fc.oneof(fc.constant(''), text(1)),
        authors: fc.array(fc.oneof(personName, fc.constant('SciPy 1.0 Contributors')), { minLength: 1, maxLength: 3 }),
        year: fc.integer({ min: 1900, max: 2030 }),
        venue: text(1),
        tags: fc.uniqueArray(
          fc.array(fc.stringMatching(/^[a-zA-Z0-9&%$#_~^<>-]{1,5}$/), { minLength: 1, maxLength: 3 }).map((words) => words.join(' ')),
          { maxLength: 3 },
        ),
        doi: fc.stringMatching(/^10\.\d{4,6}\/[a-z0-9._;()<>#%&~-]{1,15}$/),
        arxiv: fc.stringMatching(/^\d{4}\.\d{5}$/),
        pmid: fc.stringMatching(/^[1-9]\d{0,7}$/),
        url: fc.webUrl({ withQueryParameters: true, withFragments: true }),
      },
      { requiredKeys: ['title', 'abstract', 'authors', 'year'] },
    );

    await fc.assert(
      fc.asyncProperty(fc.array(generatedPaper, { minLength: 1, maxLength: 4 }), async (fields) => {
        const papers = fields.map(({ tags, ...field }) => paper(tags?.length ? { ...field, tags } : field));
        const { records, skipped, text: exported } = await roundTrip(papers, 'generated.bib');
        expect(skipped, exported).toEqual([]);
        expect(records.map(kept), exported).toEqual(papers.map(kept));
      }),
      { numRuns: 60 },
    );
  });
});
