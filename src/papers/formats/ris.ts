import {
  MAX_ABSTRACT_CHARS,
  MAX_TITLE_CHARS,
  dateOf,
  httpUrl,
  labelledArxivId,
  labelledPmid,
  normaliseDoi,
  normaliseWhitespace,
  plainTitle,
} from '../fields.js';
import type { PaperFormat, PaperRecord, ReadResult } from '../types.js';
import { linesOf } from './lines.js';

/** "TY  - JOUR": a two-character tag, two spaces (one, from some tools), a hyphen, the value. */
const TAG_LINE = /^([A-Z][A-Z0-9]) {1,2}-(?: (.*))?$/;
const RECORD_START = /(?:^\uFEFF?|\n)[ \t]*TY {1,2}- ?\S/;

/**
 * A record's text past which it is dropped rather than held: far above any real record (a physics
 * paper with 3,000 authors is ~100,000 characters), low enough that a file missing its ER lines
 * cannot fill memory.
 */
const MAX_RECORD_CHARS = 2_000_000;

/** Tags whose untagged continuation lines are further values (EndNote writes one keyword a line under one KW), not wrapped text. */
const LIST_TAGS = new Set(['KW', 'AU', 'A1']);
/** Where exporters put labelled ids ("PMID: 123", "arXiv:2401.01234"): accession number, misc fields, Zotero's Extra (M2), notes. */
const ID_NOTE_TAGS = ['AN', 'M1', 'M2', 'M3', 'N1'] as const;

/** RIS as Zotero, Mendeley, EndNote, Scopus and Web of Science export it: `TY  - ` … `ER  - ` records. */
export const ris: PaperFormat = {
  name: 'RIS',
  extensions: ['.ris'],
  looksLike: (head) => RECORD_START.test(head),
  read: readRis,
};

interface OpenRecord {
  /** The line of its TY tag, which skipped records are reported at. */
  line: number;
  fields: Map<string, string[]>;
  lastTag: string;
  chars: number;
  /** The first line that was not valid UTF-8. */
  badLine?: number;
}

/**
 * Streams a RIS file line by line, holding one record at a time. A record lacking a title or its ER
 * line, or with a line that is not UTF-8, is skipped with its TY line and a reason; text between
 * records (export headers) is ignored, but a tagged line outside any record — a record that lost its
 * TY — is reported once per run. A record cut off by the end of the file is skipped, not kept: its
 * last field may be cut short, and a re-export gives it whole.
 */
export async function* readRis(file: string): AsyncGenerator<ReadResult> {
  const skip = (line: number, reason: string): ReadResult => ({ skipped: { source: file, line, reason } });
  let record: OpenRecord | undefined;
  let strayTagReported = false;
  for await (const { text, number: lineNumber } of linesOf(file)) {
    // Trimmed at both ends: some tools indent tags, as Zotero's importer allows.
    const line = text.trim();
    const tagged = TAG_LINE.exec(line);
    const tag = tagged?.[1];
    const value = tagged?.[2]?.trim() ?? '';

    if (tag === 'TY') {
      if (record) yield skip(record.line, 'record has no ER line before the next TY; it may be incomplete');
      record = { line: lineNumber, fields: new Map([['TY', [value]]]), lastTag: 'TY', chars: 0 };
      strayTagReported = false;
    } else if (!record) {
      if (tag && !strayTagReported) yield skip(lineNumber, `${tag} line outside a TY … ER record (a record without its TY line?)`);
      strayTagReported ||= tag !== undefined;
    } else if (tag === 'ER') {
      yield finishRecord(record, file);
      record = undefined;
    } else if (line !== '') {
      if (line.includes('\uFFFD')) record.badLine ??= lineNumber;
      record.chars += line.length;
      if (record.chars <= MAX_RECORD_CHARS) addLine(record, tag, tag ? value : line);
    }
  }
  if (record) yield skip(record.line, 'record has no ER line: the file ends inside it (cut off?)');
}

/** A tagged line adds a value; an untagged one (EndNote) continues the previous tag's last value, or adds one to a list tag. */
function addLine(record: OpenRecord, tag: string | undefined, text: string): void {
  if (tag) record.lastTag = tag;
  const values = record.fields.get(record.lastTag) ?? [];
  record.fields.set(record.lastTag, values);
  if (tag || LIST_TAGS.has(record.lastTag) || values.length === 0) values.push(text);
  else values[values.length - 1] = `${values.at(-1)} ${text}`;
}

function finishRecord(record: OpenRecord, source: string): ReadResult {
  const skip = (reason: string): ReadResult => ({ skipped: { source, line: record.line, reason } });
  if (record.badLine !== undefined) return skip(`line ${record.badLine} is not valid UTF-8; export the file as UTF-8`);
  if (record.chars > MAX_RECORD_CHARS) return skip(`record is longer than ${MAX_RECORD_CHARS} characters`);
  const result = risRecord(record.fields);
  return typeof result === 'string' ? skip(result) : { record: result };
}

/** One record's tags as a paper record, or why they cannot be one. */
function risRecord(fields: Map<string, string[]>): PaperRecord | string {
  // Tags that become typed fields; the others stay in `metadata`, verbatim.
  const used = new Set<string>();
  const normalised = new Map<string, string[]>();
  const values = (tag: string): string[] => {
    if (!normalised.has(tag)) normalised.set(tag, (fields.get(tag) ?? []).map(normaliseWhitespace).filter(Boolean));
    return normalised.get(tag)!;
  };
  const first = (...tags: string[]) => {
    const tag = tags.find((candidate) => values(candidate).length > 0);
    if (tag === undefined) return '';
    used.add(tag);
    return values(tag)[0]!;
  };

  const title = plainTitle(first('TI', 'T1'));
  if (title === '') return 'record has no title (TI or T1)';
  if (title.length > MAX_TITLE_CHARS) return `title is longer than ${MAX_TITLE_CHARS} characters`;
  // Some exports have both a short AB and the full N2: keep the longer.
  const [shortAbstract, fullAbstract] = [values('AB').join(' '), values('N2').join(' ')];
  const abstractTag = fullAbstract.length > shortAbstract.length ? 'N2' : 'AB';
  const abstract = abstractTag === 'N2' ? fullAbstract : shortAbstract;
  if (abstract.length > MAX_ABSTRACT_CHARS) return `abstract is longer than ${MAX_ABSTRACT_CHARS} characters`;
  if (abstract !== '') used.add(abstractTag);

  const record: PaperRecord = { title, abstract };
  const authorTag = values('AU').length > 0 ? 'AU' : 'A1';
  const authors = values(authorTag).map(risName).filter(Boolean);
  if (authors.length > 0) {
    record.authors = authors;
    used.add(authorTag);
  }
  const { year, date } = risDate(fields);
  if (year !== undefined) {
    record.year = year;
    for (const tag of ['PY', 'Y1', 'DA']) used.add(tag);
  }
  if (date !== undefined && date.length > 4) record.date = date;
  // A conference paper may have only its proceedings title, which Zotero writes as C3.
  const venue = first('T2', 'JF', 'JO', 'JA', 'BT') || (/^C(ONF|PAPER)$/.test(fields.get('TY')![0]!) ? first('C3') : '');
  if (venue) record.venue = venue;
  // Zotero's importer, too, splits a KW value at semicolons.
  const tags = [
    ...new Set(
      values('KW')
        .flatMap((keyword) => keyword.split(';'))
        .map(normaliseWhitespace)
        .filter(Boolean),
    ),
  ];
  if (tags.length > 0) {
    record.tags = tags;
    used.add('KW');
  }
  // EndNote once put the DOI in M3; some exports only link it.
  const taggedDoi = values('DO').map(normaliseDoi).find(Boolean);
  if (taggedDoi) used.add('DO');
  const doi = taggedDoi ?? [...values('M3'), ...values('UR')].map(normaliseDoi).find(Boolean);
  if (doi) record.doi = doi;
  const arxiv = [...ID_NOTE_TAGS, 'UR'].flatMap(values).map(labelledArxivId).find(Boolean);
  if (arxiv) record.arxiv = arxiv;
  const pmid = ID_NOTE_TAGS.flatMap(values).map(labelledPmid).find(Boolean) ?? pubmedAccession(fields);
  if (pmid) record.pmid = pmid;
  const url = values('UR').map(httpUrl).find(Boolean);
  if (url) {
    record.url = url;
    used.add('UR');
  }
  const key = first('ID');
  if (key) record.key = key;

  const metadata = Object.fromEntries(
    [...fields].filter(([tag]) => !used.has(tag)).map(([tag, tagValues]) => [tag, tagValues.length === 1 ? tagValues[0] : tagValues]),
  );
  if (Object.keys(metadata).length > 0) record.metadata = metadata;
  return record;
}

/** "Family, Given" or "Family, Given, Suffix" (the RIS form) → "Given Family Suffix"; a name without a comma is kept. */
function risName(name: string): string {
  const [family, given, ...suffix] = name.split(',').map((part) => part.trim());
  return normaliseWhitespace([given, family, ...suffix].filter(Boolean).join(' '));
}

/** The year, and the most precise date of that year, from PY ("2020///"), Y1 ("2020/05/17/") and DA ("2020/05/17"). */
function risDate(fields: Map<string, string[]>): { year?: number; date?: string } {
  const dates = ['PY', 'Y1', 'DA'].map((tag) => dateOf(fields.get(tag)?.[0])).filter((found) => found.year !== undefined);
  const year = dates[0]?.year;
  const date = dates
    .filter((found) => found.year === year)
    .map((found) => found.date!)
    .reduce((best, candidate) => (candidate.length > best.length ? candidate : best), '');
  return year === undefined ? {} : { year, date };
}

/** An AN that is a bare number is a PubMed id when the record says it came from PubMed (EndNote's PubMed imports). */
function pubmedAccession(fields: Map<string, string[]>): string | undefined {
  const database = `${fields.get('DB')?.[0] ?? ''} ${fields.get('DP')?.[0] ?? ''}`;
  const accession = fields.get('AN')?.[0]?.trim();
  return accession && /^\d{1,9}$/.test(accession) && /pubmed|medline|\bNLM\b/i.test(database) ? accession : undefined;
}
