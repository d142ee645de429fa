import { describe, expect, it } from 'vitest';
import { paperLink } from '../../src/papers/citation.js';
import { typedFields } from '../../src/papers/fields.js';
import type { Paper } from '../../src/papers/types.js';

/** What a JSON Lines record's extra fields become: the typed fields of a paper. */
const fieldsOf = (extra: Record<string, unknown>) => typedFields(extra).fields;
/** The link a record's extra fields give, the way the server computes it. */
const linkOf = (extra: Record<string, unknown>) => paperLink({ id: 'p', title: 't', abstract: 'a', ...fieldsOf(extra) } satisfies Paper);

describe('citation fields from common metadata spellings', () => {
  it('reads authors from "and" or ";" lists, with "Family, Given" names turned around', () => {
    expect(fieldsOf({ authors: 'Ada Lovelace and Alan Turing' }).authors).toEqual(['Ada Lovelace', 'Alan Turing']);
    expect(fieldsOf({ author: 'Lovelace, Ada; Turing,  Alan' }).authors).toEqual(['Ada Lovelace', 'Alan Turing']);
    expect(fieldsOf({ authors: 'Lovelace, Ada and Turing, Alan' }).authors).toEqual(['Ada Lovelace', 'Alan Turing']);
  });

  it('reads authors from a list of names or CSL objects, skipping what is not a name', () => {
    expect(fieldsOf({ authors: ['Marie Curie', ' ', 'Curie, Pierre'] }).authors).toEqual(['Marie Curie', 'Pierre Curie']);
    expect(
      fieldsOf({
        author: [
          { family: 'Curie', given: 'Marie' },
          { family: 'Einstein' },
          { literal: 'The ATLAS Collaboration' },
          { name: 'Noether, Emmy' },
          42,
          null,
          {},
        ],
      }).authors,
    ).toEqual(['Marie Curie', 'Einstein', 'The ATLAS Collaboration', 'Emmy Noether']);
    expect(fieldsOf({ authors: 42 }).authors).toBeUndefined();
    expect(fieldsOf({ authors: [] }).authors).toBeUndefined();
  });

  it('reads the year from a number or a date string, and keeps a date more precise than a year', () => {
    expect(fieldsOf({ year: 2021 })).toMatchObject({ year: 2021 });
    expect(fieldsOf({ year: 2021 }).date).toBeUndefined();
    expect(fieldsOf({ year: '2019' }).year).toBe(2019);
    expect(fieldsOf({ date: '2019-05-01' })).toMatchObject({ year: 2019, date: '2019-05-01' });
    expect(fieldsOf({ published: '2024/5/7' })).toMatchObject({ year: 2024, date: '2024-05-07' });
    expect(fieldsOf({ issued: 'May 2019' }).year).toBe(2019);
    expect(fieldsOf({ year: 'n.d.' }).year).toBeUndefined();
  });

  it('keeps unrecognised fields as metadata', () => {
    expect(typedFields({ year: 2020, funding: 'ERC', note: '' }).rest).toEqual({ funding: 'ERC', note: '' });
  });
});

describe('paperLink', () => {
  it('links the URL first, else the DOI, arXiv or PubMed page', () => {
    expect(linkOf({ url: ' https://example.org/paper ', doi: '10.1234/abc' })).toBe('https://example.org/paper');
    expect(linkOf({ doi: 'https://doi.org/10.1234/ABC' })).toBe('https://doi.org/10.1234/abc');
    expect(linkOf({ DOI: 'doi: 10.5555/x.y' })).toBe('https://doi.org/10.5555/x.y');
    expect(linkOf({ arxiv_id: 'arXiv:2101.00001v3' })).toBe('https://arxiv.org/abs/2101.00001');
    expect(linkOf({ arxiv: 'hep-th/9901001' })).toBe('https://arxiv.org/abs/hep-th/9901001');
    expect(linkOf({ pmid: 31452104 })).toBe('https://pubmed.ncbi.nlm.nih.gov/31452104/');
    expect(linkOf({})).toBeUndefined();
  });

  it('never returns a link that is not http(s), whatever the record says', () => {
    const hostile = [
      'javascript:alert(1)',
      ' JavaScript:alert(document.cookie)',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      'vbscript:msgbox',
      '//evil.example/x',
      'https://evil.example/a b',
    ];
    for (const value of hostile) {
      for (const key of ['url', 'URL', 'link']) expect(linkOf({ [key]: value }), `${key}: ${value}`).toBeUndefined();
      expect(linkOf({ doi: value, arxiv_id: value, arxiv: value }), value).toBeUndefined();
    }
    expect(linkOf({ url: 'javascript:alert(1)', doi: '10.1234/abc' })).toBe('https://doi.org/10.1234/abc');
    expect(linkOf({ link: 'HTTP://EXAMPLE.ORG/p' })).toBe('HTTP://EXAMPLE.ORG/p');
  });
});

describe('author lists in strings', () => {
  const authors = (value: string) => typedFields({ authors: value }).fields.authors;
  it('reads arXiv-style comma lists of display names', () => {
    expect(authors('C. Balázs, E. L. Berger, P. M. Nadolsky, C.-P. Yuan')).toEqual([
      'C. Balázs',
      'E. L. Berger',
      'P. M. Nadolsky',
      'C.-P. Yuan',
    ]);
    expect(authors('Ada Lovelace, Alan Turing')).toEqual(['Ada Lovelace', 'Alan Turing']);
  });
  it('reads BibTeX/RIS "Family, Given and ..." lists', () => {
    expect(authors('Smith, John and Doe, Jane')).toEqual(['John Smith', 'Jane Doe']);
    expect(authors('Lovelace, Ada')).toEqual(['Ada Lovelace']);
    expect(authors('Ada Lovelace, Alan Turing and Grace Hopper')).toEqual(['Ada Lovelace', 'Alan Turing', 'Grace Hopper']);
    expect(authors('van der Berg, Jan; Hopper, Grace')).toEqual(['Jan van der Berg', 'Grace Hopper']);
  });
  it('takes a year only from exactly four digits', () => {
    expect(typedFields({ year: 12345 }).fields.year).toBeUndefined();
    expect(typedFields({ date: '2024-05-17' }).fields).toMatchObject({ year: 2024, date: '2024-05-17' });
  });
});
