export { analyze, analyzeTerm, tokenize } from './analyzer.js';
export { splitSentences } from './sentences.js';
