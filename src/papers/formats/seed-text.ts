import { readFile } from 'node:fs/promises';
import { MAX_ABSTRACT_CHARS, normaliseWhitespace } from '../fields.js';
import type { PaperFormat, ReadResult, SkippedLine } from '../types.js';

/** The seed dumps in seeds/: paper-listing pages copied as text, a title line then an abstract line. */
export const seedText: PaperFormat = {
  name: 'seed text dump',
  extensions: ['.txt'],
  looksLike: (head) => !/^\uFEFF?\s*[<{[@]/.test(head),
  async *read(file: string): AsyncGenerator<ReadResult> {
    const parsed = parseSeedText(await readFile(file, 'utf8'), file);
    for (const skipped of parsed.skipped) yield { skipped };
    for (const record of parsed.records) yield { record };
  },
};

/**
 * Page chrome found in the seed dumps (paper-listing pages copied as text). A line equal to
 * one of these (case-insensitive, after whitespace normalisation) is never a title or an
 * abstract. Chrome may also be glued to the start of a title ("SubscribeInteractive
 * Language: ..."); see `stripGluedChrome`.
 */
export const PAGE_CHROME: readonly string[] = [
  'Get trending papers in your email inbox once a day!',
  'Get trending papers in your email inbox!',
  'Subscribe',
  'Daily Papers',
  'byAK and the research community',
  'new',
];

/** Listing date headers such as "Jul 29" or "September 3, 2024". */
const DATE_LINE = /^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}(?:, ?\d{4})?$/i;

/**
 * A line at least this long is an abstract; anything shorter that is not chrome is a title
 * candidate. In the seed dumps titles are at most ~135 characters and abstracts at least
 * ~440, so the threshold sits well clear of both.
 */
const ABSTRACT_MIN_CHARS = 200;

const CHROME_LINES = new Set(PAGE_CHROME.map((chrome) => chrome.toLowerCase()));

function isPageChrome(line: string): boolean {
  return CHROME_LINES.has(line.toLowerCase()) || DATE_LINE.test(line);
}

/**
 * Removes chrome that lost its line break when the page was copied. Only a case-sensitive
 * match followed directly by a capital letter or digit counts, so that titles which merely
 * start with a chrome word ("New Results on ...", "newly ...") are left alone.
 */
function stripGluedChrome(line: string): string {
  let rest = line;
  let stripped = true;
  while (stripped) {
    stripped = false;
    for (const chrome of PAGE_CHROME) {
      if (rest.startsWith(chrome) && /^[\p{Lu}\d]/u.test(rest.slice(chrome.length))) {
        rest = rest.slice(chrome.length);
        stripped = true;
      }
    }
  }
  return rest;
}

interface PendingTitle {
  text: string;
  line: number;
}

/**
 * Parses a seed dump: each paper is a title line followed by an abstract line, with blank
 * lines and page chrome possibly in between. Lines that fit no paper are reported in
 * `skipped` rather than guessed at, so unknown chrome shows up instead of becoming a paper.
 */
export function parseSeedText(
  text: string,
  source: string,
): { records: Array<{ title: string; abstract: string }>; skipped: SkippedLine[] } {
  const records: Array<{ title: string; abstract: string }> = [];
  const skipped: SkippedLine[] = [];
  let pendingTitle: PendingTitle | undefined;

  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  lines.forEach((raw, index) => {
    const line = stripGluedChrome(normaliseWhitespace(raw));
    const lineNumber = index + 1;
    if (line === '' || isPageChrome(line)) return;

    if (line.length < ABSTRACT_MIN_CHARS) {
      if (pendingTitle) skipped.push(orphanTitle(source, pendingTitle));
      pendingTitle = { text: line, line: lineNumber };
      return;
    }

    if (!pendingTitle) {
      skipped.push({ source, line: lineNumber, reason: 'abstract-length line with no title line before it' });
    } else if (line.length > MAX_ABSTRACT_CHARS) {
      skipped.push({
        source,
        line: lineNumber,
        reason: `abstract is longer than ${MAX_ABSTRACT_CHARS} characters (${line.length})`,
      });
    } else {
      records.push({ title: pendingTitle.text, abstract: line });
    }
    pendingTitle = undefined;
  });

  if (pendingTitle) skipped.push(orphanTitle(source, pendingTitle));
  return { records, skipped };
}

function orphanTitle(source: string, title: PendingTitle): SkippedLine {
  return {
    source,
    line: title.line,
    reason: `short line not followed by an abstract and not known page chrome: "${title.text}"`,
  };
}
