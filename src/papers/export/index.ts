import type { ExportFormat } from '../../contract/values.js';
import type { Paper } from '../types.js';
import { toBibtex } from './bibtex.js';
import { toCslJson } from './csl-json.js';
import { toRis } from './ris.js';

/** A bibliography file: its text, media type and usual extension. */
export interface ExportedFile {
  body: string;
  contentType: string;
  extension: string;
}

const EXPORTERS: Record<ExportFormat, { write(papers: Paper[]): string; contentType: string; extension: string }> = {
  bibtex: { write: toBibtex, contentType: 'application/x-bibtex; charset=utf-8', extension: '.bib' },
  'csl-json': { write: toCslJson, contentType: 'application/vnd.citationstyles.csl+json; charset=utf-8', extension: '.json' },
  ris: { write: toRis, contentType: 'application/x-research-info-systems; charset=utf-8', extension: '.ris' },
};

/** Papers as a bibliography file that the matching reader reads back as the same papers. */
export function exportPapers(papers: Paper[], format: ExportFormat): ExportedFile {
  const { write, contentType, extension } = EXPORTERS[format];
  return { body: write(papers), contentType, extension };
}
