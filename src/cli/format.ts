import type { WireAnswer } from '../contract/schemas.js';

/**
 * Terminal rendering: rank, score and title; authors · year · link; then the snippet wrapped and
 * indented under it, and the paper id.
 */
export function formatAnswer(answer: Omit<WireAnswer, 'mode'> & { mode: string }, width = 100): string {
  const count = `${answer.results.length} ${answer.results.length === 1 ? 'result' : 'results'}`;
  const lines = [`${count} for "${truncate(answer.query, 80)}" (${answer.mode}, ${answer.took_ms} ms)`];
  if (answer.confidence === 'low') lines.push('Low confidence: the corpus may not cover this query; these are only the closest papers.');
  answer.results.forEach((result, i) => {
    lines.push('', `${String(i + 1).padStart(2)}. [${result.score.toFixed(3)}] ${result.title}`);
    const byline = [authorsLine(result.authors), result.year, result.url].filter((part) => part !== undefined && part !== '').join(' · ');
    if (byline) lines.push(`      ${byline}`);
    lines.push(...wrap(result.snippet, width - 6).map((line) => `      ${line}`), `      id: ${result.id}`);
  });
  return lines.join('\n');
}

function authorsLine(authors: string[] | undefined): string | undefined {
  if (!authors?.length) return undefined;
  return authors.length > 3 ? `${authors.slice(0, 3).join(', ')} et al.` : authors.join(', ');
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
