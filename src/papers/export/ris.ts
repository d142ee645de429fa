import { normaliseWhitespace } from '../fields.js';
import type { Paper } from '../types.js';
import { nameParts } from './csl-json.js';

/** CRLF, as Zotero, EndNote and Scopus write RIS; every RIS reader accepts it. */
const EOL = '\r\n';

/**
 * Papers as RIS records: `TY  - JOUR` when there is a venue, else `GEN`; ID is the citation key
 * when known, else the paper id; authors as "Family, Given[, Suffix]"; the arXiv id as
 * "AN  - arXiv:…" and the PubMed id as "M1  - PMID: …" (labelled, so a reader cannot mistake them
 * for other accession numbers). Every value is one line (whitespace collapsed). A tag containing
 * ";" does not survive: RIS readers (Zotero's too) split KW values at it. No BOM is written.
 */
export function toRis(papers: Paper[]): string {
  return papers.map(risRecord).join('');
}

function risRecord(paper: Paper): string {
  const lines: string[] = [];
  const add = (tag: string, value: string | number | undefined) => {
    const text = value === undefined ? '' : normaliseWhitespace(String(value));
    if (text !== '') lines.push(`${tag}  - ${text}`);
  };
  add('TY', paper.venue ? 'JOUR' : 'GEN');
  add('ID', paper.key ?? paper.id);
  add('TI', paper.title);
  for (const author of paper.authors ?? []) add('AU', risName(author));
  add('PY', paper.year);
  add('DA', paper.date && risDate(paper.date));
  add('T2', paper.venue);
  add('AB', paper.abstract);
  for (const tag of paper.tags ?? []) add('KW', tag);
  add('DO', paper.doi);
  add('UR', paper.url);
  add('AN', paper.arxiv && `arXiv:${paper.arxiv}`);
  add('M1', paper.pmid && `PMID: ${paper.pmid}`);
  lines.push('ER  - ', '');
  return lines.join(EOL) + EOL;
}

function risName(displayName: string): string {
  const { given, particle, family, suffix } = nameParts(displayName);
  const familyName = particle ? `${particle} ${family}` : family;
  return [familyName, given ?? (suffix ? '' : undefined), suffix].filter((part) => part !== undefined).join(', ');
}

/** "2020-05-17" → "2020/05/17/", "2020-05" → "2020/05//", as Zotero writes DA. */
function risDate(date: string): string {
  const [year, month = '', day = ''] = date.split('-');
  return `${year}/${month}/${day}/`;
}
