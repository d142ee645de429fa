import fc from 'fast-check';
import { normaliseWhitespace, plainTitle } from '../../src/papers/fields.js';
import type { Paper, PaperRecord } from '../../src/papers/index.js';

/** The fields an export must carry over unchanged. */
const TYPED = ['title', 'abstract', 'authors', 'year', 'date', 'venue', 'tags', 'doi', 'arxiv', 'pmid', 'url'] as const;

export function typed(paper: PaperRecord) {
  return Object.fromEntries(TYPED.filter((field) => paper[field] !== undefined).map((field) => [field, paper[field]]));
}

export interface GeneratedPaperOptions {
  /** Text that looks like the format's own syntax, added to the awkward pieces. */
  formatPieces: readonly string[];
  /** What a generated author name's words may not hold (the format's name separators). */
  notInNames: RegExp;
  /** What a generated tag may not hold (the format's tag separators). */
  notInTags: RegExp;
}

/**
 * Papers with every typed field, built from awkward pieces (quotes, backslashes, braces, markup-like
 * text, accents, CJK, emoji, odd spaces) and any grapheme, for export → import round trips.
 */
export function generatedPapers(options: GeneratedPaperOptions): fc.Arbitrary<Paper> {
  const awkwardPiece = fc.constantFrom(
    'a',
    'Z',
    'é',
    'ß',
    'Ł',
    '中',
    '😀',
    '—',
    '"',
    "'",
    '\\',
    '{',
    '}',
    '<',
    '>',
    '&',
    '/',
    ':',
    '-',
    ' ',
    '\t',
    '\n',
    '\r\n',
    '\u00a0',
    '\u2028',
    'ER  - ',
    '%',
    ...options.formatPieces,
  );
  const anyGrapheme = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 });
  const text = (maxLength: number) =>
    fc
      .string({ unit: fc.oneof(awkwardPiece, anyGrapheme), maxLength })
      .map(normaliseWhitespace)
      .filter((value) => !value.includes('\uFFFD'));
  // Markup tags in a title are read as rich text (see plainTitle), so a generated title has none.
  const title = text(40).filter((value) => value !== '' && plainTitle(value) === value);
  const word = fc
    .string({ unit: fc.oneof(awkwardPiece, anyGrapheme), minLength: 1, maxLength: 8 })
    .map((value) => value.replace(/\s+/g, '').replace(options.notInNames, ''))
    .filter((value) => value !== '' && !value.includes('\uFFFD'));
  const name = fc.array(word, { minLength: 1, maxLength: 4 }).map((words) => words.join(' '));
  const tag = text(15).filter((value) => value !== '' && !options.notInTags.test(value));
  const dateOfYear = (year: number) =>
    fc.oneof(
      fc.constant(undefined),
      fc.integer({ min: 1, max: 12 }).map((month) => `${year}-${String(month).padStart(2, '0')}`),
      fc
        .tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }))
        .map(([month, day]) => `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`),
    );
  return fc
    .record(
      {
        id: fc.stringMatching(/^[a-z0-9-]{1,20}$/),
        title,
        abstract: text(200),
        authors: fc.array(name, { minLength: 1, maxLength: 4 }),
        year: fc.integer({ min: 1800, max: 2100 }),
        venue: text(30).filter((value) => value !== ''),
        tags: fc.uniqueArray(tag, { minLength: 1, maxLength: 4 }),
        doi: fc
          .tuple(fc.integer({ min: 1000, max: 999_999_999 }), fc.stringMatching(/^[a-z0-9.;()<>_:/-]{1,20}$/))
          .map(([registrant, suffix]) => `10.${registrant}/${suffix}`),
        arxiv: fc.oneof(
          fc
            .tuple(fc.integer({ min: 0, max: 9999 }), fc.integer({ min: 0, max: 99_999 }))
            .map(([month, number]) => `${String(month).padStart(4, '0')}.${String(number).padStart(5, '0')}`),
          fc
            .tuple(fc.constantFrom('hep-th', 'math.AG', 'cond-mat'), fc.integer({ min: 0, max: 9_999_999 }))
            .map(([archive, number]) => `${archive}/${String(number).padStart(7, '0')}`),
        ),
        pmid: fc.integer({ min: 1, max: 99_999_999 }).map(String),
        url: fc.stringMatching(/^[a-z0-9/._~%-]{0,30}$/).map((path) => `https://example.org/${path}`),
        key: fc.stringMatching(/^[A-Za-z0-9:_-]{1,30}$/),
      },
      { requiredKeys: ['id', 'title', 'abstract'] },
    )
    .chain((paper) =>
      paper.year === undefined ? fc.constant(paper) : dateOfYear(paper.year).map((date) => (date ? { ...paper, date } : paper)),
    );
}
