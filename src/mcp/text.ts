import type { WireAnswer, WireDigest, WirePaper } from '../contract/schemas.js';
import type { Confidence } from '../contract/values.js';
import { shortAuthors } from '../papers/index.js';
import { sinceLabel, watchLabel } from '../search/index.js';

const CONFIDENCE_LINES: Record<Confidence, string> = {
  high: 'Confidence: high: the library covers this.',
  low: 'Confidence: low: the library probably does not cover this. These are only the nearest papers; say so instead of answering from them.',
};

/** Matched words named per paper: enough to say why, few enough to keep the text compact. */
const WHY_WORDS = 8;

/**
 * An answer as compact text for a model: the confidence first, so it is read before the papers, then per
 * paper its title and year, authors, the passage of its abstract that matched, the words it matched, and its id (for get_paper
 * and find_similar). `subject` completes "N papers ..." (`for "diffusion policy"`, `similar to the given text`).
 */
export function answerText(answer: Pick<WireAnswer, 'confidence' | 'results'>, subject: string): string {
  if (answer.results.length === 0) return `No papers found ${subject}.`;
  const lines = [
    CONFIDENCE_LINES[answer.confidence],
    `${answer.results.length} ${answer.results.length === 1 ? 'paper' : 'papers'} ${subject}, best first:`,
  ];
  answer.results.forEach((result, i) => {
    lines.push('', `${i + 1}. ${titleAndYear(result)}`);
    if (result.authors?.length) lines.push(`   ${shortAuthors(result.authors)}`);
    if (result.snippet) lines.push(`   "${result.snippet}"`);
    if (result.matched_words.length) lines.push(`   why: matched ${result.matched_words.slice(0, WHY_WORDS).join(', ')}`);
    lines.push(`   id: ${result.id}`);
  });
  return lines.join('\n');
}

/** One paper's record as text: title and year, every author, venue, link, tags and id, then the whole abstract. */
export function paperText(paper: WirePaper): string {
  const fields: Array<[string, string | undefined]> = [
    ['Authors', paper.authors?.join(', ')],
    ['Venue', paper.venue],
    ['Link', paper.url],
    ['Tags', paper.tags?.join(', ')],
    ['id', paper.id],
  ];
  return [
    titleAndYear(paper),
    ...fields.filter(([, value]) => value).map(([label, value]) => `${label}: ${value}`),
    '',
    paper.abstract || '(no abstract: the library knows this paper by its title alone)',
  ].join('\n');
}

/**
 * A digest as text: per watch its query and what it counts from, then its new papers (title and year,
 * why it is there, id), or plainly that nothing new matched; without watches, how the user adds one.
 */
export function digestText(digest: WireDigest): string {
  if (digest.watches.length === 0)
    return 'The user has no watches, so nothing is new for them. A watch is a saved query or a set of liked papers; the user adds one with: npx paper-search watch add "<query>" (or --like <paper id>)';
  const lines: string[] = [];
  for (const watch of digest.watches) {
    lines.push(`Watch ${watchLabel(watch)} (id ${watch.id}), new since ${sinceLabel(watch.since)}:`);
    if (watch.papers.length === 0) lines.push('   nothing new matched this watch');
    watch.papers.forEach((paper, i) => {
      lines.push(`${i + 1}. ${titleAndYear(paper)}`, `   why: ${paper.why}`, `   id: ${paper.id}`);
    });
    lines.push('');
  }
  return lines.join('\n').trimEnd();
}

function titleAndYear(paper: { title: string; year?: number }): string {
  return paper.year === undefined ? paper.title : `${paper.title} (${paper.year})`;
}
