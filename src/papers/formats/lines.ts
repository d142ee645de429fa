import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

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
