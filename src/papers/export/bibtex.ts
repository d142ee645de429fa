import { normaliseWhitespace } from '../fields.js';
import type { Paper } from '../types.js';

/** Preprint servers: their papers are @misc with the server in `howpublished`. */
const PREPRINT_VENUE = /arxiv|biorxiv|medrxiv|chemrxiv|psyarxiv|ssrn|preprint|research square/i;
/** Proceedings: their papers are @inproceedings with a `booktitle`. */
const CONFERENCE_VENUE = /\b(proc\.|proceedings|conference|workshop|symposium|congress|meeting)\b|neural information processing systems/i;
/** Journals that merely have "Proceedings" in their name. */
const JOURNAL_NAMED_PROCEEDINGS = /proceedings of the (national academy|royal society|ieee\b)/i;

/** Authors that are organisations, written `{Name}` so BibTeX does not split them into given and family names. */
const ORGANISATION_NAME =
  /\d|\b(consortium|collaboration|contributors|group|team|organi[sz]ation|institute|university|association|society|committee|council|agency|cent(er|re)|foundation|laborator(y|ies)|project|initiative|inc|ltd|corporation|company|network|department|ministry|alliance|federation)\b/i;
const NAME_SUFFIX = /^(jr\.?|sr\.?|ii|iii|iv)$/i;

const MONTH_MACROS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** Characters of a citation key BibTeX and biber accept without complaint. */
const VALID_KEY = /^[\p{L}\p{N}_:.+/-]+$/u;
const KEY_STOP_WORDS = new Set(['a', 'an', 'the', 'on', 'of', 'in', 'for', 'to', 'and', 'with', 'from', 'at', 'by', 'is']);

const LATEX_ESCAPES: Record<string, string> = {
  '\\': '\\textbackslash{}',
  '{': '\\{',
  '}': '\\}',
  '&': '\\&',
  '%': '\\%',
  $: '\\$',
  '#': '\\#',
  _: '\\_',
  '~': '\\textasciitilde{}',
  '^': '\\textasciicircum{}',
  // A bare < or > prints as ¡ or ¿ in TeX's standard text font.
  '<': '\\textless{}',
  '>': '\\textgreater{}',
};

/**
 * Papers as a BibTeX file, one entry each, in order: @article for a journal, @inproceedings for
 * proceedings, @misc otherwise (preprints name their server in `howpublished`). Text is escaped for
 * BibTeX and kept as UTF-8 (BibTeX 8-bit and biber read it); capitals in titles are protected with
 * braces. Keys are the papers' own citation keys when valid, else `family2020firstword`, unique.
 */
export function toBibtex(papers: Paper[]): string {
  const usedKeys = new Set<string>();
  return papers.map((paper) => bibtexEntry(paper, uniqueKey(paper, usedKeys))).join('\n');
}

function bibtexEntry(paper: Paper, key: string): string {
  const venue = paper.venue ? normaliseWhitespace(paper.venue) : '';
  const type = entryTypeFor(venue);
  const venueField = type === 'article' ? 'journal' : type === 'inproceedings' ? 'booktitle' : 'howpublished';
  const year = paper.year ?? (paper.date ? Number(paper.date.slice(0, 4)) : undefined);
  const month = paper.date && paper.date.length >= 7 ? Number(paper.date.slice(5, 7)) : undefined;

  const fields: Array<[string, string | undefined]> = [
    ['title', latexText(paper.title, { protectCapitals: true })],
    ['author', paper.authors?.length ? paper.authors.map(bibtexName).join(' and ') : undefined],
    ['year', year === undefined ? undefined : String(year)],
    ['month', month === undefined ? undefined : MONTH_MACROS[month - 1]],
    // BibLaTeX reads `date` before year and month; BibTeX ignores it. Only worth writing with the day.
    ['date', paper.date && paper.date.length >= 10 ? paper.date : undefined],
    // Styles print journal and proceedings names as written, so they need no protection.
    [venueField, venue ? latexText(venue) : undefined],
    ['doi', paper.doi && verbatim(paper.doi)],
    ['eprint', paper.arxiv],
    ['archiveprefix', paper.arxiv ? 'arXiv' : undefined],
    ['pmid', paper.pmid],
    // A brace or backslash in a link is percent-encoded: it would unbalance the entry.
    ['url', paper.url && verbatim(paper.url.replace(/[{}\\]/g, encodeURIComponent))],
    ['keywords', paper.tags?.length ? paper.tags.map((tag) => verbatim(tag.replace(/[{}\\]/g, ''))).join(', ') : undefined],
    ['abstract', paper.abstract ? latexText(paper.abstract) : undefined],
  ];
  const lines = fields.flatMap(([name, value]) => {
    if (value === undefined || value === '') return [];
    // Month macros are written bare, as BibTeX styles expect (`month = may`).
    return name === 'month' ? [`  month = ${value},`] : [`  ${name} = {${value}},`];
  });
  return `@${type}{${key},\n${lines.join('\n')}\n}\n`;
}

/** Any venue that is not a preprint server or proceedings is taken for a journal, as most are. */
function entryTypeFor(venue: string): 'article' | 'inproceedings' | 'misc' {
  if (venue === '' || PREPRINT_VENUE.test(venue)) return 'misc';
  return CONFERENCE_VENUE.test(venue) && !JOURNAL_NAMED_PROCEEDINGS.test(venue) ? 'inproceedings' : 'article';
}

/**
 * Text as BibTeX reads it back: special characters escaped, TeX ligatures (-- `` '' ,, ?` !`) broken
 * with `{}` so they stay as typed, and optionally words with capitals braced against restyling.
 * Whitespace is collapsed: BibTeX reads a line break as a space and a blank line as a paragraph.
 */
function latexText(text: string, { protectCapitals = false } = {}): string {
  const escaped = normaliseWhitespace(text)
    .replace(/[\\{}&%$#_~^<>]/g, (character) => LATEX_ESCAPES[character]!)
    .replace(/([-`',?!])(?=[-`',])/g, '$1{}');
  if (!protectCapitals) return escaped;
  // As Zotero does, except that a title's first word keeps a plain initial capital: styles capitalise it anyway.
  return escaped.replace(/[\p{L}\p{N}]*\p{Lu}[\p{L}\p{N}]*/gu, (word, offset: number) =>
    offset === 0 && /^\p{Lu}[^\p{Lu}]*$/u.test(word) ? word : `{${word}}`,
  );
}

/**
 * A verbatim field (doi, url, keywords) is not LaTeX, but parsers still pair its `$` signs as math:
 * a lone one is escaped, and readers drop the backslash again.
 */
function verbatim(value: string): string {
  return value.replace(/\$/g, '\\$');
}

/**
 * A display name as BibTeX's "Family, Given": the family name is the last word, from the first
 * lower-case particle on ("Ludwig van Beethoven" → "van Beethoven, Ludwig"), with a suffix after it
 * ("King, Jr., Martin Luther"). Organisations, and names BibTeX would split (a comma, "and"), are braced whole.
 */
function bibtexName(name: string): string {
  const clean = normaliseWhitespace(name);
  if (ORGANISATION_NAME.test(clean) || /,|\band\b/i.test(clean)) return `{${latexText(clean)}}`;
  const words = clean.split(' ');
  if (words.length === 1) return latexText(clean);
  const suffix = words.length > 2 && NAME_SUFFIX.test(words.at(-1)!) ? words.pop() : undefined;
  const particle = words.findIndex((word, index) => index > 0 && index < words.length - 1 && /^\p{Ll}/u.test(word));
  const familyStart = particle > 0 ? particle : words.length - 1;
  const family = latexText(words.slice(familyStart).join(' '));
  const given = latexText(words.slice(0, familyStart).join(' '));
  return suffix ? `${family}, ${latexText(suffix)}, ${given}` : `${family}, ${given}`;
}

function uniqueKey(paper: Paper, usedKeys: Set<string>): string {
  const base = paper.key && VALID_KEY.test(paper.key) ? paper.key : generatedKey(paper);
  let key = base;
  // Like Better BibTeX: smith2020deep, smith2020deepa, smith2020deepb, ...
  for (let count = 0; usedKeys.has(key); count++) key = `${base}${letterSuffix(count)}`;
  usedKeys.add(key);
  return key;
}

/** "a", "b", ..., "z", "aa", "ab", ... */
function letterSuffix(count: number): string {
  const letter = String.fromCharCode(97 + (count % 26));
  return count < 26 ? letter : `${letterSuffix(Math.floor(count / 26) - 1)}${letter}`;
}

/** Google Scholar's pattern: first author's family name, year, first significant title word ("vaswani2017attention"). */
function generatedKey(paper: Paper): string {
  const firstAuthor = paper.authors?.[0] ? normaliseWhitespace(paper.authors[0]) : '';
  const family = ORGANISATION_NAME.test(firstAuthor) ? firstAuthor.split(' ')[0] : firstAuthor.split(' ').at(-1);
  const titleWord = paper.title
    .split(/\s+/)
    .map(asciiWord)
    .find((word) => word !== '' && !KEY_STOP_WORDS.has(word));
  const key = `${asciiWord(family ?? '')}${paper.year ?? ''}${titleWord ?? ''}`;
  return key === '' ? 'paper' : key;
}

function asciiWord(word: string): string {
  return word
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9]/g, '')
    .toLowerCase();
}
