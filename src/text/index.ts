export { analyze, analyzeTerm, analyzeWithSpans, tokenize, type TermSpan } from './analyzer.js';
export { sentenceSpans, splitSentences, type SentenceSpan } from './sentences.js';
