import type { WireAnswer, WirePaper } from '../contract/schemas.js';
import { citationOf, type Paper } from '../papers/index.js';
import type { Answer } from '../search/index.js';

/** The JSON form of an answer, shared by the API and the CLI's --json. */
export function answerToWire(answer: Answer): WireAnswer {
  return {
    query: answer.query,
    mode: answer.mode,
    took_ms: round(answer.elapsedMs, 2),
    confidence: answer.confidence,
    results: answer.hits.map(({ paper, score, snippet, matchedWords }) => ({
      id: paper.id,
      title: paper.title,
      score: round(score, 4),
      snippet,
      abstract: paper.abstract,
      matched_words: matchedWords,
      ...citationOf(paper),
    })),
  };
}

/** A paper record with its authors, year and link lifted out of the metadata it came with. */
export function paperToWire(paper: Paper): WirePaper {
  const { metadata, ...record } = paper;
  return { ...record, ...citationOf(paper), ...(metadata ? { metadata } : {}) };
}

function round(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}
