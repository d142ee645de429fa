import type { WireAnswer, WireFilter, WirePaper } from '../contract/schemas.js';
import { paperLink, type Paper } from '../papers/index.js';
import type { Answer, PaperFilter } from '../search/index.js';

/** The JSON form of an answer (of a search, or with a recommendation method as its mode), shared by the API and the CLI's --json. */
export function answerToWire<M extends string>(answer: Answer<M>): Omit<WireAnswer, 'mode'> & { mode: M } {
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
      ...(paper.authors ? { authors: paper.authors } : {}),
      ...(paper.year !== undefined ? { year: paper.year } : {}),
      ...(paper.venue ? { venue: paper.venue } : {}),
      ...(paperLink(paper) ? { url: paperLink(paper) } : {}),
    })),
  };
}

/** A paper record as stored, with a link to open it (its URL, else its DOI, arXiv or PubMed page). */
export function paperToWire(paper: Paper): WirePaper {
  const url = paperLink(paper);
  return { ...paper, ...(url ? { url } : {}) };
}

function round(value: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(value * scale) / scale;
}

/** The filter fields of a request, as the engine takes them. */
export function filterFromWire(wire: WireFilter): PaperFilter {
  return { yearMin: wire.year_min, yearMax: wire.year_max, author: wire.author, venue: wire.venue, tag: wire.tag };
}
