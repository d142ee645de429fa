import { analyze } from '../text/index.js';

/**
 * The words that make a text a question or a request for literature ("how can a robot ...", "is there
 * any work on ...", "which papers ..."), which no abstract is written in: stripped from the start of a
 * query before it is embedded and matched, so the rest (the topic) carries the query.
 */
const QUESTION_OPENINGS: readonly RegExp[] = [
  /^(is|are) there (any |some )?(prior |recent |existing )?(work|research|papers?|studies|literature|methods?|approaches)( that| on| about| for| in| using)?\s+/i,
  /^(which|what) (papers|work|research|studies|methods|approaches|techniques)( are there| exist)?( that| on| about| for| in)?\s+/i,
  /^what are (some |the )?(good |common |recent )?(methods|approaches|techniques|ways|papers)( for| to| on| that)?\s+/i,
  /^(papers|work|research|studies|literature) (on|about|that)\s+/i,
  /^(how|why|when|where|what|which) (can|could|do|does|did|is|are|should|would|to)( i| we| you| people| one| researchers)?\s+/i,
  /^(can|could|should|do|does) (i|we|you|one|people)\s+/i,
];

/** The query without its question opening and final question mark; the text itself when no term would be left. */
export function withoutQuestionWords(text: string): string {
  const trimmed = text.trim();
  // A loop, not /\?+$/: that regex backtracks quadratically over a long run of question marks.
  let end = trimmed.length;
  while (end > 0 && trimmed[end - 1] === '?') end--;
  let stripped = trimmed.slice(0, end);
  for (const opening of QUESTION_OPENINGS) stripped = stripped.replace(opening, '');
  return analyze(stripped).length > 0 ? stripped : text;
}
