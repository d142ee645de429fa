export { LexicalIndex, type LexicalHit } from './bm25.js';
export { Postings, PostingsFormatError } from './postings.js';
