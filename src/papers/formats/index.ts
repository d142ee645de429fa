import type { PaperFormat } from '../types.js';
import { jsonLines } from './jsonl.js';
import { seedText } from './seed-text.js';

/** Every input format, one module each; a new reader is a sibling file plus a line here. */
export const FORMATS: readonly PaperFormat[] = [jsonLines, seedText];

export function formatForExtension(extension: string): PaperFormat | undefined {
  return FORMATS.find((format) => format.extensions.includes(extension));
}

export { readJsonLines } from './jsonl.js';
export { PAGE_CHROME, parseSeedText } from './seed-text.js';
