export {
  PaperSchema,
  type CorpusReadResult,
  type Paper,
  type PaperFormat,
  type PaperRecord,
  type ReadResult,
  type SkippedLine,
} from './types.js';
export { paperLink, shortAuthors } from './citation.js';
export { MAX_ABSTRACT_CHARS, MAX_TITLE_CHARS } from './fields.js';
export { paperId } from './id.js';
export { FORMATS, PAGE_CHROME, parseSeedText, readJsonLines } from './formats/index.js';
export { readCorpus } from './corpus.js';
export { exportPapers, type ExportedFile } from './export/index.js';
