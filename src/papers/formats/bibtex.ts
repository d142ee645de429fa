import { stat } from 'node:fs/promises';
import { type Creator, type Entry, type Library, type Options, parseAsync } from '@retorquere/bibtex-parser';
import {
  MAX_ABSTRACT_CHARS,
  MAX_TITLE_CHARS,
  dateOf,
  httpUrl,
  labelledArxivId,
  normaliseArxivId,
  normaliseDoi,
  normaliseWhitespace,
  tagList,
} from '../fields.js';
import type { PaperFormat, PaperRecord, ReadResult } from '../types.js';
import { linesOf } from './lines.js';

/**
 * The parser needs a whole text, and takes several times its size in memory, so a file is parsed in
 * chunks of about this many characters, cut where a line starts a new entry. A library of a few MB
 * (the usual size) is one chunk, read whole; a 200 MB file is many, one at a time. `@string` macros,
 * `@preamble` commands and crossref parents are carried into every chunk that needs them, so the
 * papers read do not depend on chunking.
 */
const CHUNK_CHARS = 4 * 1024 * 1024;

/** A line that starts an entry or directive: where a file can be cut into chunks. */
const ENTRY_START = /^@\s*([A-Za-z]+)\s*[{(]\s*([^\s,{}()"#%'=\\]*)/;
const CROSSREF_FIELD = /\bcrossref\s*=\s*[{"]?\s*([^\s,{}"]+)/gi;

/**
 * Volumes that only exist to lend their title, editors and year to the papers crossref-ing them
 * (DBLP exports one per conference); they are not papers of the library.
 */
const CONTAINER_TYPES = new Set(['proceedings', 'mvproceedings', 'periodical']);
/** BibLaTeX entries that hold data for other entries, never a work. */
const DATA_TYPES = new Set(['xdata', 'set']);

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

const PARSE_OPTIONS: Options = {
  // Titles are shown and searched as written: no sentence-casing, and so no case-protection markup.
  sentenceCase: false,
  unsupported: unsupportedLatex,
};

/**
 * BibTeX and BibLaTeX as Zotero, Better BibTeX, JabRef, Google Scholar, DBLP and the ACL Anthology
 * write them. Any text may precede the first entry (JabRef and Mendeley start with a comment).
 */
export const bibtex: PaperFormat = {
  name: 'BibTeX',
  extensions: ['.bib', '.bibtex'],
  looksLike: looksLikeBibtex,
  read: (file) => readBibtex(file),
};

function looksLikeBibtex(head: string): boolean {
  const text = head.replace(/^\uFEFF/, '');
  // Empty, or only `%` comments: a library with nothing in it yet. (Line by line: one regular expression
  // over all lines backtracks exponentially on a banner line of %%%%.)
  if (text.split('\n').every((line) => /^\s*(%.*)?$/.test(line))) return true;
  // Markup or JSON is never BibTeX, even when a CSS `@page {` or an email address follows.
  if (/^\s*[<{[]/.test(text)) return false;
  return /^[ \t]*@[A-Za-z]+[ \t]*[{(]/m.test(text);
}

/** One directive with the lines up to the next: the unit a file is cut into chunks by. */
interface Segment {
  text: string;
  /** 1-based line of the segment's first line. */
  line: number;
  directive: string;
  key: string;
  crossrefs: string[];
}

/** What every chunk of one file shares. */
interface FileContext {
  file: string;
  /** The raw `@string`s (macros) and `@preamble`s (\newcommand) of the chunks read so far, replayed before each later chunk. */
  definitions: string;
  /** Crossref targets (upper-cased, as BibTeX compares keys) and, in a file of several chunks, their raw text. */
  crossrefTargets: Set<string>;
  crossrefParents: Map<string, string>;
  /** Keys already used, with the line of their entry. */
  keyLines: Map<string, number>;
}

/**
 * Reads a .bib file in file order. An entry that cannot be parsed (unbalanced braces, cut off), has
 * no title, repeats an earlier key (BibTeX keeps the first entry, and so does this reader) or is not
 * valid UTF-8 is yielded as `skipped` with its line and key; every other entry is read.
 * `chunkChars` is only lowered by tests, to cross chunk boundaries in small files.
 */
export async function* readBibtex(file: string, { chunkChars = CHUNK_CHARS } = {}): AsyncGenerator<ReadResult> {
  const context: FileContext = { file, definitions: '', crossrefTargets: new Set(), crossrefParents: new Map(), keyLines: new Map() };
  // Crossref parents may follow their children by any distance; a file of several chunks is scanned for them first.
  if ((await stat(file)).size > chunkChars) Object.assign(context, await crossrefParents(file));

  let chunk: Segment[] = [];
  let chunkLength = 0;
  for await (const segment of segmentsOf(file)) {
    if (chunkLength + segment.text.length > chunkChars && chunk.length > 0) {
      yield* readChunk(chunk, context);
      chunk = [];
      chunkLength = 0;
    }
    chunk.push(segment);
    chunkLength += segment.text.length;
  }
  if (chunk.length > 0) yield* readChunk(chunk, context);
}

/** The file's lines grouped by directive. Invalid UTF-8 decodes to U+FFFD, reported per entry. */
async function* segmentsOf(file: string): AsyncGenerator<Segment> {
  let segment: Segment = { text: '', line: 1, directive: '', key: '', crossrefs: [] };
  for await (const { text: line, number } of linesOf(file)) {
    const start = ENTRY_START.exec(line);
    if (start) {
      if (segment.text !== '') yield segment;
      segment = { text: '', line: number, directive: start[1]!.toLowerCase(), key: start[2]!, crossrefs: [] };
    }
    segment.text += `${line}\n`;
    for (const match of line.matchAll(CROSSREF_FIELD)) segment.crossrefs.push(match[1]!.toUpperCase());
  }
  if (segment.text !== '') yield segment;
}

/** Two scans of a large file: the keys crossref-ed, then the raw text of their entries. */
async function crossrefParents(file: string): Promise<Pick<FileContext, 'crossrefTargets' | 'crossrefParents'>> {
  const crossrefTargets = new Set<string>();
  for await (const segment of segmentsOf(file)) for (const target of segment.crossrefs) crossrefTargets.add(target);
  const parents = new Map<string, string>();
  if (crossrefTargets.size > 0) {
    for await (const segment of segmentsOf(file)) {
      const key = segment.key.toUpperCase();
      if (crossrefTargets.has(key) && !parents.has(key)) parents.set(key, segment.text);
    }
  }
  return { crossrefTargets, crossrefParents: parents };
}

interface Located {
  offset: number;
  entry?: Entry;
  failure?: { input: string; message: string };
}

/**
 * Parses one chunk, with the `@string`s and `@preamble`s before it and the crossref parents it needs
 * around it, and yields its entries and failures in file order.
 */
async function* readChunk(segments: Segment[], context: FileContext): AsyncGenerator<ReadResult> {
  const body = segments.map((segment) => segment.text).join('');
  const parentKeys = new Set(segments.flatMap((segment) => segment.crossrefs));
  const parents = [...parentKeys].map((key) => context.crossrefParents.get(key) ?? '').join('');
  const text = context.definitions + body + parents;
  const bodyStart = context.definitions.length;
  const bodyEnd = bodyStart + body.length;
  let library: Library;
  try {
    library = await parseAsync(text, PARSE_OPTIONS);
  } catch (error) {
    // The parser throws, instead of reporting, for some LaTeX in an @string or @preamble (a bare
    // \newcommand). Parsed one directive at a time, the chunk loses only the one at fault.
    if (segments.length > 1) {
      for (const segment of segments) yield* readChunk([segment], context);
    } else {
      const [segment] = segments;
      const reason = `cannot be read: ${error instanceof Error ? error.message.split('\n', 1)[0]!.replace(/ @ \{.*$/, '') : String(error)}; skipped`;
      yield { skipped: { source: context.file, line: segment!.line, reason: `${segmentLabel(segment!)}: ${reason}` } };
    }
    return;
  }

  // The parser gives entries and errors without positions; each carries its raw text, found in order.
  const located: Located[] = [];
  let entryCursor = 0;
  for (const entry of library.entries) {
    // An entry whose text could not be parsed stays in the list, empty; its error reports it.
    if (entry.input === '') continue;
    const offset = text.indexOf(entry.input, entryCursor);
    entryCursor = offset + 1;
    if (offset >= bodyStart && offset < bodyEnd) located.push({ offset, entry });
  }
  // Syntax errors (the entry is lost) and LaTeX errors (ditto) are each in file order; warnings
  // (an unknown macro or @string, a name of too many parts) leave the entry readable and are not reported.
  const cursors = { syntax: 0, latex: 0 };
  for (const error of library.errors) {
    const input = error.input?.trim() ?? '';
    if (!input.startsWith('@')) continue;
    const kind = error.error.endsWith(`\n${error.input}`) ? 'latex' : 'syntax';
    const offset = text.indexOf(input, cursors[kind]);
    if (offset < 0) continue;
    cursors[kind] = offset + 1;
    if (offset >= bodyStart && offset < bodyEnd) located.push({ offset, failure: { input, message: error.error.split('\n', 1)[0]! } });
  }
  located.sort((a, b) => a.offset - b.offset);

  let line = segments[0]!.line;
  let lineOffset = bodyStart;
  for (const item of located) {
    line += countNewlines(text, lineOffset, item.offset);
    lineOffset = item.offset;
    const result = item.entry ? entryResult(item.entry, line, context) : failureResult(item.failure!, line, context.file);
    // The parser's strings can be slices of the chunk's text, which V8 then keeps whole: the papers a
    // build keeps would hold the entire file. A structured clone copies them out.
    if (result) yield structuredClone(result);
  }

  for (const segment of segments)
    if (segment.directive === 'string' || segment.directive === 'preamble') context.definitions += segment.text;
}

function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let index = text.indexOf('\n', from); index !== -1 && index < to; index = text.indexOf('\n', index + 1)) count++;
  return count;
}

/** A parsed entry as a record, a skipped line, or nothing for entries that are not papers. */
function entryResult(entry: Entry, line: number, context: FileContext): ReadResult | undefined {
  const label = segmentLabel({ directive: entry.type, key: entry.key });
  const skip = (reason: string): ReadResult => ({ skipped: { source: context.file, line, reason: `${label}: ${reason}` } });

  if (entry.key) {
    const firstLine = context.keyLines.get(entry.key);
    if (firstLine !== undefined)
      return skip(`duplicate key, first used at line ${firstLine}; BibTeX keeps the first entry, so this one is skipped`);
    context.keyLines.set(structuredClone(entry.key), line);
  }
  if (DATA_TYPES.has(entry.type)) return undefined;
  const isCrossrefTarget = (entry.crossref?.donated.length ?? 0) > 0 || context.crossrefTargets.has(entry.key.toUpperCase());
  if (CONTAINER_TYPES.has(entry.type) && isCrossrefTarget) return undefined;
  // The decoder turns invalid UTF-8 into U+FFFD; such an entry would index mangled text.
  if (entry.input.includes('\uFFFD')) return skip('not valid UTF-8 (a Latin-1 file?); save the file as UTF-8');

  const result = entryRecord(entry);
  return typeof result === 'string' ? skip(result) : { record: result };
}

function failureResult(failure: { input: string; message: string }, line: number, source: string): ReadResult {
  const start = failure.input.match(ENTRY_START);
  const label = start ? segmentLabel({ directive: start[1]!.toLowerCase(), key: start[2]! }) : 'entry';
  return { skipped: { source, line, reason: `${label}: ${syntaxProblem(failure.message)}; skipped` } };
}

function segmentLabel({ directive, key }: Pick<Segment, 'directive' | 'key'>): string {
  return key ? `@${directive}{${key}}` : directive ? `@${directive}` : 'text before the first entry';
}

/** The parser's message as one line for people: what is wrong, without its internal position. */
function syntaxProblem(message: string): string {
  if (/^Unterminated brace-value/.test(message)) return 'a { is never closed (unbalanced braces, or the entry is cut off)';
  if (/^Unterminated quote-value/.test(message)) return 'a " is never closed (the entry is cut off?)';
  if (/^Unclosed math section/.test(message)) return 'a $ is never closed';
  if (/^Runaway key/.test(message)) return 'the file ends inside the entry';
  const mismatch = message.match(/^Token mismatch, expected (.+?), found "(.*?)"\.\.\./);
  if (mismatch && /^(@|$)/.test(mismatch[2]!)) return 'not closed before the next entry or the end of the file (unbalanced braces?)';
  if (mismatch) return `expected ${mismatch[1]} but found "${mismatch[2]}" (a missing comma or brace?)`;
  const missingEquals = message.match(/^(\S+) = value expected/);
  if (missingEquals) return `field "${missingEquals[1]}" has no "=" (a missing comma or brace?)`;
  return `cannot be read: ${message.replace(/ at line \d+, column \d+.*$/, '').replace(/ @ \{.*$/, '')}`;
}

/** Fields that become the paper's typed fields; the rest stay in `metadata`. */
const TYPED_FIELDS = [
  'title',
  'abstract',
  'author',
  'date',
  'year',
  'month',
  'journal',
  'journaltitle',
  'booktitle',
  'keywords',
  'doi',
  'url',
  'pmid',
];

/** The paper of one parsed entry, or why it has none. */
function entryRecord(entry: Entry): PaperRecord | string {
  const fields = entry.fields;
  const title = plainText(fields.title ?? '');
  if (title === '') return 'no title';
  if (title.length > MAX_TITLE_CHARS) return `title is longer than ${MAX_TITLE_CHARS} characters`;
  const abstract = plainText(fields.abstract ?? '');
  if (abstract.length > MAX_ABSTRACT_CHARS) return `abstract is longer than ${MAX_ABSTRACT_CHARS} characters`;

  const record: PaperRecord = { title, abstract };
  const rest = new Map(Object.entries(fields));
  for (const field of TYPED_FIELDS) rest.delete(field);

  const authors = (fields.author ?? []).map(creatorName).filter(Boolean);
  if (authors.length > 0) record.authors = authors;
  const { year, date } = entryDate(fields);
  if (year !== undefined) record.year = year;
  // As for every format: `date` only when it says more than the year.
  if (date !== undefined && date.length > 4) record.date = date;
  const howPublished = plainText(fields.howpublished ?? '');
  // Google Scholar and hand-made @misc entries name the venue in `howpublished`; a link there is not one.
  const venue =
    plainText(fields.journal ?? fields.journaltitle ?? fields.booktitle ?? '') ||
    (/\\url|https?:/.test(fields.howpublished ?? '') ? '' : howPublished);
  if (venue) {
    record.venue = venue;
    if (venue === howPublished) rest.delete('howpublished');
  }
  const tags = tagList(fields.keywords?.map((keyword) => unescapeVerbatim(keyword)));
  if (tags.length > 0) record.tags = tags;
  const url = httpUrl(unescapeVerbatim(fields.url));
  const doi = normaliseDoi(unescapeVerbatim(fields.doi)) ?? normaliseDoi(url);
  if (doi) record.doi = doi;

  const eprintType = (fields.eprinttype ?? fields.archiveprefix ?? '').toLowerCase();
  const eprint = unescapeVerbatim(fields.eprint);
  const eprintArxiv = eprintType === 'arxiv' ? normaliseArxivId(eprint) : undefined;
  // Google Scholar names arXiv preprints in `journal`; Zotero puts the id in `number` or `note`.
  const arxiv =
    eprintArxiv ??
    labelledArxivId(url) ??
    [fields.journal, fields.number, fields.note, fields.howpublished].map(labelledArxivId).find(Boolean);
  if (arxiv) record.arxiv = arxiv;
  const eprintPmid = eprintType === 'pubmed' || eprintType === 'pmid' ? eprint : undefined;
  const pmid = [fields.pmid, eprintPmid].find((value) => value !== undefined && /^\d{1,9}$/.test(value.trim()))?.trim();
  if (pmid) record.pmid = pmid;
  if (eprintArxiv || eprintPmid) for (const field of ['eprint', 'eprinttype', 'archiveprefix']) rest.delete(field);
  if (url) record.url = url;
  if (entry.key) record.key = entry.key;

  // Not `type`: BibLaTeX has a `type` field of its own (@thesis with type = {phdthesis}).
  const metadata: Record<string, string> = { entryType: entry.type };
  for (const [field, value] of rest) metadata[field] = entry.mode[field] === 'verbatim' ? String(value) : fieldText(value);
  record.metadata = metadata;
  return record;
}

/** "Given prefix Family suffix", as every format writes display names; an institution (`{Name}`) whole. */
function creatorName(creator: Creator): string {
  if (creator.name) return plainText(creator.name);
  return plainText([creator.firstName, creator.prefix, creator.lastName, creator.suffix].filter(Boolean).join(' '));
}

/** BibLaTeX's `date` first, else `year` with `month` (a number, a name or a macro the parser expanded). */
function entryDate(fields: Entry['fields']): { year?: number; date?: string } {
  const fromDate = dateOf(fields.date);
  if (fromDate.year !== undefined) return fromDate;
  const { year } = dateOf(fields.year);
  if (year === undefined) return {};
  const month = monthNumber(fields.month);
  return month === undefined ? { year, date: String(year) } : { year, date: `${year}-${String(month).padStart(2, '0')}` };
}

function monthNumber(month: string | undefined): number | undefined {
  const text = month?.trim().toLowerCase() ?? '';
  const number = /^\d{1,2}$/.test(text) ? Number(text) : MONTHS.indexOf(text.slice(0, 3)) + 1;
  return number >= 1 && number <= 12 ? number : undefined;
}

/** Verbatim fields (doi, url, eprint, keywords) keep LaTeX escapes hand-made files add: `10.1000/a\_b`. */
function unescapeVerbatim(value: string | undefined): string | undefined {
  return value?.replace(/\\([_%&#$~])/g, '$1').replace(/[{}]/g, '');
}

function fieldText(value: string | string[] | Creator[]): string {
  if (typeof value === 'string') return plainText(value);
  return value.map((item) => (typeof item === 'string' ? plainText(item) : creatorName(item))).join(' and ');
}

/**
 * The parser's output as plain, composed (NFC) text, as other formats give it: the parser renders
 * \emph, \textbf, \url, paragraphs and the like as HTML tags, accents as combining marks, and math
 * letters as Mathematical Alphanumeric Symbols ({$\mu$} → 𝜇, which a search for "μ" would miss).
 * Text that literally contains one of those tags (`a\textless{}b\textgreater{}c`) loses it.
 */
function plainText(text: string): string {
  const withoutMarkup = text
    .replace(/<\/?(?:p|br|li|ul|blockquote|h\d)>/g, ' ')
    .replace(/<\/?(?:i|b|code|sup|sub)>|<span[^>]*>|<\/span>|<a href="[^"]*">|<\/a>/g, '')
    // \LaTeX is rendered with a raised A and lowered E.
    .replace(/LᴬTEX/g, 'LaTeX');
  const letters = withoutMarkup
    .replace(/[\u{1D400}-\u{1D7FF}]/gu, (letter) => letter.normalize('NFKC'))
    // Accents come as combining marks, and {\"\i} puts one on a dotless i: composed, that is ï.
    .replace(/ı(?=\p{M})/gu, 'i')
    .replace(/ȷ(?=\p{M})/gu, 'j')
    .normalize('NFC');
  return normaliseWhitespace(letters);
}

/**
 * A command the parser does not know. Its arguments are still rendered after it, so dropping the
 * command keeps their text (`\foo{bar}` → "bar"); `\ ` is a space, and TeX logos (\TeX, \BibTeX)
 * are their own names.
 */
function unsupportedLatex(...[node, tex]: Parameters<Exclude<Options['unsupported'], 'ignore' | undefined>>): string {
  if (node.type !== 'macro') return tex;
  if (node.content.trim() === '') return ' ';
  return /TeX/.test(node.content) ? node.content : '';
}
