import { writeFileSync } from 'node:fs';

/** `count` distinct short papers as a JSON Lines file. */
export function writePapers(file: string, count: number, from = 0): void {
  const lines = Array.from({ length: count }, (_, i) =>
    JSON.stringify({ id: `paper-${from + i}`, title: `Paper number ${from + i}`, abstract: `The abstract of paper ${from + i}.` }),
  );
  writeFileSync(file, `${lines.join('\n')}\n`);
}
