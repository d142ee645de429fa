export type { CorpusReadResult, Paper, SkippedLine } from './types.js';
export { MAX_ABSTRACT_CHARS, MAX_TITLE_CHARS } from './fields.js';
export { normaliseTitle, paperId } from './id.js';
export { ABSTRACT_MIN_CHARS, PAGE_CHROME, parseSeedText } from './seed-text.js';
export { readJsonLines, type JsonLineResult } from './jsonl.js';
export { readCorpus } from './corpus.js';
export { splitSentences } from './sentences.js';
