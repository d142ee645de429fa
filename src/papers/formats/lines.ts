import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { ReadResult } from '../types.js';

/**
 * The lines of a text file, numbered from 1, with a byte-order mark removed: streamed, one line in
 * memory at a time, for readers of line-based formats. The file is released on early exit too.
 */
export async function* linesOf(file: string): AsyncGenerator<{ text: string; number: number }> {
  const input = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  try {
    let number = 0;
    for await (const raw of lines) {
      number += 1;
      yield { text: number === 1 ? raw.replace(/^\uFEFF/, '') : raw, number };
    }
  } finally {
    lines.close();
    input.destroy();
  }
}

/** JSON.parse messages can quote the offending input, which may be megabytes long. */
const MAX_REASON_DETAIL_CHARS = 200;

/**
 * The values of a JSON Lines file, one per non-blank line: each parsed and handed to `toResult`
 * with a `skip` for its own line, or skipped when the line is not valid UTF-8 (the decoder turned
 * it into U+FFFD, which would index mangled text) or not valid JSON. Never throws for one bad line.
 */
export async function* jsonLinesOf(
  file: string,
  toResult: (json: unknown, skip: (reason: string) => ReadResult) => ReadResult,
): AsyncGenerator<ReadResult> {
  for await (const { text, number } of linesOf(file)) {
    if (text.trim() === '') continue;
    const skip = (reason: string): ReadResult => ({ skipped: { source: file, line: number, reason } });
    if (text.includes('\uFFFD')) {
      yield skip('line is not valid UTF-8');
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      yield skip(`invalid JSON: ${truncate(error instanceof Error ? error.message : String(error), MAX_REASON_DETAIL_CHARS)}`);
      continue;
    }
    yield toResult(json, skip);
  }
}

/** A text cut to `maxChars` with an ellipsis, for quoting input in a reason. */
export function truncate(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars)}…`;
}
