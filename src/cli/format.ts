import type { WireAnswer, WireDigest, WireMap } from '../contract/schemas.js';
import { shortAuthors } from '../papers/index.js';
import { sinceLabel, watchLabel } from '../search/index.js';

/**
 * Terminal rendering: rank, score and title; authors · year · link; then the snippet wrapped and
 * indented under it, and the paper id.
 */
export function formatAnswer(answer: Omit<WireAnswer, 'mode'> & { mode: string }, width = 100): string {
  const count = `${answer.results.length} ${answer.results.length === 1 ? 'result' : 'results'}`;
  const lines = [`${count} for "${truncate(answer.query, 80)}" (${answer.mode}, ${answer.took_ms} ms)`];
  if (answer.confidence === 'low') lines.push('Low confidence: the corpus may not cover this query; these are only the closest papers.');
  answer.results.forEach((result, i) => {
    lines.push('', ...resultLines(result, i + 1, width, whyLines(result)));
  });
  return lines.join('\n');
}

/** Words listed in a result's "why" line; a recommendation can match hundreds. */
const WHY_WORDS = 8;

/** Why a result is there, from its `explain`: the words it matched, its ranks in the candidate lists, its best passage. */
function whyLines(result: WireResult): string[] {
  const { explain } = result;
  const words = result.matched_words.slice(0, WHY_WORDS).join(', ') + (result.matched_words.length > WHY_WORDS ? ', …' : '');
  const ranks = [
    explain.lexical_rank !== null ? `lexical #${explain.lexical_rank}` : '',
    explain.dense_rank !== null ? `dense #${explain.dense_rank}` : '',
  ].filter(Boolean);
  const why = [words ? `matched ${words}` : 'no query word matched', ...ranks].join(' · ');
  const lines = [`why: ${why}`];
  if (explain.passage) {
    const { field, start, end, similarity } = explain.passage;
    lines.push(`closest passage (${field}, similarity ${similarity.toFixed(2)}): "${result[field].slice(start, end)}"`);
  }
  return lines;
}

type WireResult = WireAnswer['results'][number];

/** One result: rank, score and title; authors · year · link; the snippet wrapped and indented; `extra` lines; the id. */
function resultLines(result: WireResult, rank: number, width: number, extra: string[] = []): string[] {
  const lines = [`${String(rank).padStart(2)}. [${result.score.toFixed(3)}] ${result.title}`];
  const byline = [result.authors && shortAuthors(result.authors), result.year, result.url]
    .filter((part) => part !== undefined && part !== '')
    .join(' · ');
  if (byline) lines.push(`      ${byline}`);
  lines.push(
    ...[result.snippet, ...extra].flatMap((text) => wrap(text, width - 6)).map((line) => `      ${line}`),
    `      id: ${result.id}`,
  );
  return lines;
}

/**
 * A digest: per watch its id and query, then its new papers as search results with why each is
 * there, or that nothing new matched.
 */
export function formatDigest(digest: WireDigest, width = 100): string {
  if (digest.watches.length === 0) return 'No watches: add one with: npx paper-search watch add "<query>"';
  const count = digest.watches.reduce((sum, watch) => sum + watch.papers.length, 0);
  const lines = [
    `${count === 0 ? 'Nothing new' : `${count} new ${count === 1 ? 'paper' : 'papers'}`} for ${digest.watches.length} ${digest.watches.length === 1 ? 'watch' : 'watches'}${digest.since ? ` since ${sinceLabel(digest.since)}` : ''} (the index is at generation ${digest.generation})`,
  ];
  for (const watch of digest.watches) {
    const news = `${watch.papers.length === 0 ? 'nothing' : watch.papers.length} new since ${sinceLabel(watch.since)}`;
    const label = watch.query === undefined ? truncate(watchLabel(watch), 100) : `"${truncate(watch.query, 80)}"`;
    lines.push('', `${watch.id}  ${label}: ${news}`);
    watch.papers.forEach((paper, i) => {
      // A query's matched words say why; a liked set's are every word its papers share, and its why names the closest paper instead.
      const words = paper.matched_words.length && watch.query !== undefined ? `; words: ${paper.matched_words.join(', ')}` : '';
      lines.push('', ...resultLines(paper, i + 1, width, [`why: ${paper.why}${words}`, `added: ${paper.added_at}`]));
    });
  }
  return lines.join('\n');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The map's regions as a table of contents: papers in each, its label, then its other distinctive words. */
export function formatMapContents(map: WireMap): string {
  const papers = map.points.ids.length;
  const lines = [
    `${papers} ${papers === 1 ? 'paper' : 'papers'} in ${map.clusters.length} ${map.clusters.length === 1 ? 'region' : 'regions'} (generation ${map.generation}), largest first:`,
    '',
  ];
  const sizeWidth = String(map.clusters[0]?.size ?? 0).length;
  const labelWidth = Math.max(0, ...map.clusters.map((cluster) => cluster.label.length));
  for (const cluster of map.clusters) {
    const more = cluster.terms.filter((term) => !cluster.label.split(' · ').includes(term));
    lines.push(
      `  ${String(cluster.size).padStart(sizeWidth)}  ${cluster.label.padEnd(labelWidth)}${more.length ? `  (${more.join(', ')})` : ''}`,
    );
  }
  return lines.join('\n');
}
