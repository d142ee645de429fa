import { displayName, normaliseDoi } from '../fields.js';
import type { PaperFormat, ReadResult } from '../types.js';
import { linesOf } from './lines.js';
import { pubmedDate, pubmedRecord, type PubmedFields } from './pubmed.js';

/** `FAU - Lovelace, Ada`: a tag padded to four characters, a dash, the value. */
const TAG_LINE = /^([A-Z][A-Z0-9]{1,3}) {0,3}- ?(.*)$/;
/** Long values go on over lines indented six spaces. */
const CONTINUATION = /^ {6}(.*)$/;

/**
 * MEDLINE text (PubMed's "Save → PubMed" format, the `.nbib` citation managers import): records of
 * tagged lines separated by blank lines.
 */
export const medline: PaperFormat = {
  name: 'MEDLINE/PubMed text',
  extensions: ['.nbib', '.medline'],
  looksLike: (head) => /^PMID- ?\d/m.test(head),
  read: readMedline,
};

/** Streams a MEDLINE file a record at a time: memory holds one record's lines. */
export async function* readMedline(file: string): AsyncGenerator<ReadResult> {
  let record: Array<[tag: string, value: string]> = [];
  let recordLine = 0;
  for await (const { text: line, number: lineNumber } of linesOf(file)) {
    if (line.trim() === '') {
      if (record.length > 0) yield recordResult(record, file, recordLine);
      record = [];
      continue;
    }
    const continuation = line.match(CONTINUATION);
    const last = record.at(-1);
    if (continuation && last) {
      last[1] = `${last[1]} ${continuation[1]}`;
      continue;
    }
    const tagged = line.match(TAG_LINE);
    if (!tagged) {
      yield { skipped: { source: file, line: lineNumber, reason: `not a MEDLINE line ("TAG - value"): ${line.slice(0, 40)}` } };
      continue;
    }
    if (record.length === 0) recordLine = lineNumber;
    record.push([tagged[1]!, tagged[2]!.trim()]);
  }
  if (record.length > 0) yield recordResult(record, file, recordLine);
}

function recordResult(lines: Array<[tag: string, value: string]>, source: string, line: number): ReadResult {
  const values = (tag: string) => lines.filter(([lineTag]) => lineTag === tag).map(([, value]) => value);
  const first = (tag: string) => values(tag)[0];
  const fields: PubmedFields = {
    pmid: first('PMID'),
    // Articles not in English have their original title in TT when TI is a bracketed translation or missing.
    title: first('TI') ?? first('TT') ?? '',
    abstract: first('AB') ?? '',
    authors: authorsOf(lines),
    venue: first('JT'),
    date: pubmedDate(first('DP') ?? ''),
    // "*Brain/physiology": the major-topic star and subheadings are not part of the heading.
    mesh: values('MH')
      .map((heading) => heading.replace(/^\*/, '').split('/')[0]!.trim())
      .filter(Boolean),
    keywords: values('OT'),
    doi: [...values('LID'), ...values('AID')]
      .filter((id) => id.endsWith('[doi]'))
      .map((id) => normaliseDoi(id.replace(/\s*\[doi\]$/, '')))
      .find(Boolean),
    pmc: first('PMC'),
  };
  const result = pubmedRecord(fields);
  return 'reason' in result ? { skipped: { source, line, reason: result.reason } } : { record: result };
}

/**
 * Authors in file order: full names (FAU "Lovelace, Ada") when the record has them, else the short
 * ones (AU "Lovelace A"); collective authors (CN) where they stand.
 */
function authorsOf(lines: Array<[tag: string, value: string]>): string[] {
  const personal = lines.some(([tag]) => tag === 'FAU') ? 'FAU' : 'AU';
  return lines
    .filter(([tag]) => tag === personal || tag === 'CN')
    .map(([tag, value]) => (tag === 'CN' ? value : tag === 'FAU' ? displayName(value) : shortName(value)))
    .filter(Boolean);
}

/** "Lovelace A" → "A Lovelace", as PubMed XML gives an author with initials only. */
function shortName(name: string): string {
  const match = name.match(/^(.+?) ([A-Z]{1,4})$/);
  return match ? `${match[2]} ${match[1]}` : name;
}
