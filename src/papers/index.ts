export type { CorpusReadResult, Paper, SkippedLine } from './types.js';
export { citationOf, type Citation } from './citation.js';
export { MAX_ABSTRACT_CHARS, MAX_TITLE_CHARS } from './fields.js';
export { paperId } from './id.js';
export { PAGE_CHROME, parseSeedText } from './seed-text.js';
export { readJsonLines, type JsonLineResult } from './jsonl.js';
export { readCorpus } from './corpus.js';
