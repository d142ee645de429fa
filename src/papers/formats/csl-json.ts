import { readFile, stat } from 'node:fs/promises';
import {
  MAX_ABSTRACT_CHARS,
  MAX_TITLE_CHARS,
  dateOf,
  displayName,
  httpUrl,
  labelledArxivId,
  labelledPmid,
  normaliseArxivId,
  normaliseDoi,
  normaliseWhitespace,
  plainTitle,
  tagList,
} from '../fields.js';
import type { PaperFormat, PaperRecord, ReadResult } from '../types.js';

/**
 * CSL JSON is one JSON document, so it is read whole rather than streamed: a library of a few
 * thousand items exports to a few MB. Past this size the file is refused with one clear line
 * instead of exhausting memory (parsing takes several times the file size).
 */
const MAX_FILE_BYTES = 256 * 1024 * 1024;

const ARRAY_START = /^\uFEFF?[ \t\r\n]*\[[ \t\r\n]*(\]|\{)/;
const CSL_KEY = /"(id|type|title|author|issued|container-title|DOI)"[ \t\r\n]*:/;
const ITEMS_OBJECT_START = /^\uFEFF?[ \t\r\n]*\{[ \t\r\n]*"items"[ \t\r\n]*:[ \t\r\n]*\[/;

/** CSL fields that become the paper's typed fields; every other field (and `id` when not the key) stays in `metadata`, verbatim. */
const TYPED_FIELDS = new Set(['citation-key', 'title', 'abstract', 'author', 'issued', 'container-title', 'DOI', 'URL', 'PMID', 'keyword']);

/** Zotero's and Better BibTeX's "CSL JSON" export: an array of CSL items. */
export const cslJson: PaperFormat = {
  name: 'CSL JSON',
  extensions: ['.json'],
  looksLike: looksLikeCslJson,
  read: readCslJson,
};

/** An empty array, an array whose first object has CSL keys (Zotero, Better BibTeX), or `{"items": [...]}`. */
function looksLikeCslJson(head: string): boolean {
  const arrayStart = head.match(ARRAY_START);
  if (arrayStart) return arrayStart[1] === ']' || CSL_KEY.test(head);
  return ITEMS_OBJECT_START.test(head);
}

/**
 * Reads a CSL JSON file. A file that is not valid UTF-8 or not valid JSON is one skipped line (with
 * the line of the error), since no item of a broken document can be trusted; an item without a
 * title is skipped alone, with the line its object starts on.
 */
export async function* readCslJson(file: string): AsyncGenerator<ReadResult> {
  const skip = (line: number, reason: string): ReadResult => ({ skipped: { source: file, line, reason } });

  const { size } = await stat(file);
  if (size > MAX_FILE_BYTES) {
    yield skip(
      1,
      `file is ${Math.round(size / 2 ** 20)} MB; CSL JSON is read whole, so at most ${MAX_FILE_BYTES / 2 ** 20} MB: export the library in parts`,
    );
    return;
  }
  const bytes = await readFile(file);
  let text: string;
  try {
    // Fatal, so a Latin-1 or truncated file is reported instead of indexed with U+FFFD in it; a BOM is dropped.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const lenient = new TextDecoder('utf-8').decode(bytes);
    yield skip(lineAt(lenient, lenient.indexOf('\uFFFD')), 'file is not valid UTF-8 (first bad byte on this line); export it as UTF-8');
    return;
  }

  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    // Node 20's messages give no position for "Unexpected token"; the scan finds it for every error.
    const { error: at } = scanJson(text);
    const where = at ? ` at line ${at.line}, column ${at.column}` : '';
    yield skip(at?.line ?? lineAt(text, text.length), `invalid JSON${where}: ${parserMessage(error)}; no item of this file was read`);
    return;
  }

  const items: unknown[] | undefined = Array.isArray(document)
    ? document
    : isObject(document) && Array.isArray(document.items)
      ? document.items
      : undefined;
  if (!items) {
    yield skip(1, 'file is JSON but not CSL JSON: expected an array of items or {"items": [...]}');
    return;
  }

  // Item lines are only needed to report a skipped item, so the file is scanned for them lazily.
  let itemLines: number[] | undefined;
  const lineOfItem = (index: number) => {
    itemLines ??= scanJson(text).itemLines;
    return itemLines[index] ?? 1;
  };
  for (const [index, item] of items.entries()) {
    const result = cslItemRecord(item);
    yield typeof result === 'string' ? skip(lineOfItem(index), result) : { record: result };
  }
}

/** One CSL item as a paper record, or why it cannot be one. */
function cslItemRecord(item: unknown): PaperRecord | string {
  if (!isObject(item)) return 'item is not a JSON object';
  const key = textOf(item['citation-key']) || textOf(item.id);
  const title = plainTitle(textOf(item.title));
  if (title === '') return key ? `item "${key}" has no title` : 'item has no title';
  if (title.length > MAX_TITLE_CHARS) return `title is longer than ${MAX_TITLE_CHARS} characters`;
  const abstract = textOf(item.abstract);
  if (abstract.length > MAX_ABSTRACT_CHARS) return `abstract is longer than ${MAX_ABSTRACT_CHARS} characters`;

  const record: PaperRecord = { title, abstract };
  const authors = Array.isArray(item.author) ? item.author.map(cslName).filter(Boolean) : [];
  if (authors.length > 0) record.authors = authors;
  const { year, date } = cslDate(item.issued);
  if (year !== undefined) record.year = year;
  // As for every format: `date` only when it says more than the year.
  if (date !== undefined && date.length > 4) record.date = date;
  const venue = textOf(item['container-title']) || textOf(item['event-title']);
  if (venue) record.venue = venue;
  const tags = tagList(item.keyword);
  if (tags.length > 0) record.tags = tags;
  const doi = normaliseDoi(item.DOI);
  if (doi) record.doi = doi;
  const arxiv = cslArxivId(item);
  if (arxiv) record.arxiv = arxiv;
  const pmid = /^\d{1,9}$/.test(textOf(item.PMID)) ? textOf(item.PMID) : labelledPmid(item.note);
  if (pmid) record.pmid = pmid;
  const url = httpUrl(item.URL);
  if (url) record.url = url;
  if (key) record.key = key;
  const metadata = Object.fromEntries(
    Object.entries(item).filter(([field]) => !TYPED_FIELDS.has(field) && !(field === 'id' && textOf(item.id) === key)),
  );
  if (Object.keys(metadata).length > 0) record.metadata = metadata;
  return record;
}

/** `{given, family}` with particles and suffix, or `{literal}`, as a display name: "Stéfan J. van der Walt". */
function cslName(name: unknown): string {
  if (typeof name === 'string') return displayName(name);
  if (!isObject(name)) return '';
  const parts = [name.given, name['dropping-particle'], name['non-dropping-particle'], name.family, name.suffix];
  const built = normaliseWhitespace(parts.filter((part) => typeof part === 'string').join(' '));
  return built || textOf(name.literal);
}

/** `{"date-parts": [[2020, 5, 17]]}` (parts may be strings), else `{raw}` or `{literal}`, else a plain string. */
function cslDate(issued: unknown): { year?: number; date?: string } {
  if (!isObject(issued)) return dateOf(issued);
  const parts = Array.isArray(issued['date-parts']) ? issued['date-parts'][0] : undefined;
  if (Array.isArray(parts) && parts.length > 0) {
    const [year, month, day] = parts.map(Number);
    // Months 13-24 are CSL seasons, not months: the date is then only as precise as its year.
    const monthKnown = month !== undefined && month >= 1 && month <= 12;
    const dayKnown = monthKnown && day !== undefined && day >= 1 && day <= 31;
    return dateOf([year, monthKnown ? month : undefined, dayKnown ? day : undefined].filter((part) => part !== undefined).join('-'));
  }
  return dateOf(issued.raw ?? issued.literal);
}

/**
 * The arXiv id of a CSL item: Zotero keeps it in `number` ("arXiv:2401.01234") or, for older
 * items, in `note`; others put it in `archive_location` or link the abstract page. A bare id in
 * `number` counts only when the item comes from arXiv, as report numbers can look alike.
 */
function cslArxivId(item: Record<string, unknown>): string | undefined {
  const fromArxiv = /arxiv/i.test(`${textOf(item.publisher)} ${textOf(item.archive)}`);
  const bare = fromArxiv ? (normaliseArxivId(item.number) ?? normaliseArxivId(item.archive_location)) : undefined;
  return (
    labelledArxivId(item.number) ??
    labelledArxivId(item.archive_location) ??
    bare ??
    labelledArxivId(item.note) ??
    labelledArxivId(item.URL)
  );
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return normaliseWhitespace(value);
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : '';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** "Unexpected token 'x', ...\"{\"b\": x}\" is not valid JSON" → "Unexpected token 'x'": the position is given separately. */
function parserMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message
    .replace(/, (\.\.\.)?".*$/s, '')
    .replace(/ in JSON at position \d+.*$/s, '')
    .replace(/ \(line \d+ column \d+\)$/, '');
}

/** 1-based line of a character offset. */
function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) line++;
  return line;
}

const JSON_WHITESPACE = /[ \t\r\n]*/y;
const JSON_TOKEN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: JSON forbids raw control characters in strings; this is that rule
  /("(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*")|(-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)|([{}[\]:,])/y;

/**
 * Walks a JSON text token by token: the line each element of the item array (the top-level array,
 * or the one under "items") starts on, and the line and column of the first syntax error, if any.
 */
function scanJson(text: string): { itemLines: number[]; error?: { line: number; column: number } } {
  const itemLines: number[] = [];
  const containers: Array<{ isArray: boolean; holdsItems: boolean; key?: string }> = [];
  let expected: 'value' | 'key' | 'colon' | 'comma or close' | 'end' = 'value';
  let closeAllowed = false;
  let line = 1;
  let lineStart = 0;
  let offset = 0;
  const failAt = (at: number) => ({ itemLines, error: { line, column: at - lineStart + 1 } });

  for (;;) {
    JSON_WHITESPACE.lastIndex = offset;
    const space = JSON_WHITESPACE.exec(text)![0];
    for (let index = space.indexOf('\n'); index !== -1; index = space.indexOf('\n', index + 1)) {
      line++;
      lineStart = offset + index + 1;
    }
    const start = offset + space.length;
    if (start === text.length) return expected === 'end' ? { itemLines } : failAt(start);
    JSON_TOKEN.lastIndex = start;
    const token = JSON_TOKEN.exec(text);
    if (!token) return failAt(start);
    offset = JSON_TOKEN.lastIndex;
    const [, string, literal, punctuation] = token;
    const top = containers.at(-1);

    if (punctuation === '}' || punctuation === ']') {
      const matches = top !== undefined && top.isArray === (punctuation === ']');
      if (!matches || !(expected === 'comma or close' || closeAllowed)) return failAt(start);
      containers.pop();
      expected = containers.length > 0 ? 'comma or close' : 'end';
      closeAllowed = false;
      continue;
    }
    closeAllowed = false;
    if (expected === 'key') {
      if (string === undefined) return failAt(start);
      top!.key = string;
      expected = 'colon';
    } else if (expected === 'colon') {
      if (punctuation !== ':') return failAt(start);
      expected = 'value';
    } else if (expected === 'comma or close') {
      if (punctuation !== ',') return failAt(start);
      expected = top!.isArray ? 'value' : 'key';
    } else if (expected === 'value') {
      if (punctuation !== undefined && punctuation !== '{' && punctuation !== '[') return failAt(start);
      if (top?.holdsItems) itemLines.push(line);
      if (string !== undefined || literal !== undefined) {
        expected = top ? 'comma or close' : 'end';
      } else {
        const isArray = punctuation === '[';
        const holdsItems = isArray && (top === undefined || (containers.length === 1 && !top.isArray && top.key === '"items"'));
        containers.push({ isArray, holdsItems });
        expected = isArray ? 'value' : 'key';
        closeAllowed = true;
      }
    } else {
      return failAt(start);
    }
  }
}
