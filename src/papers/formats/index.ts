import type { PaperFormat } from '../types.js';
import { arxivSnapshot } from './arxiv.js';
import { bibtex } from './bibtex.js';
import { cslJson } from './csl-json.js';
import { jsonLines } from './jsonl.js';
import { ris } from './ris.js';
import { medline } from './medline.js';
import { pubmedXml } from './pubmed.js';
import { seedText } from './seed-text.js';

/** Every input format, one module each; a new reader is a sibling file plus a line here. */
export const FORMATS: readonly PaperFormat[] = [jsonLines, seedText, cslJson, arxivSnapshot, ris, pubmedXml, medline, bibtex];

/** The formats claiming an extension, in registry order: several may (".json" is CSL-JSON or an arXiv snapshot). */
export function formatsForExtension(extension: string): PaperFormat[] {
  return FORMATS.filter((format) => format.extensions.includes(extension));
}

/** A file's format: the first format claiming its extension whose `looksLike` accepts the file's head. */
export function formatForFile(extension: string, head: string): PaperFormat | undefined {
  return formatsForExtension(extension).find((format) => format.looksLike(head));
}

export { readJsonLines } from './jsonl.js';
export { PAGE_CHROME, parseSeedText } from './seed-text.js';
