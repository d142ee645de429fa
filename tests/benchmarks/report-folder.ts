import { resolve } from 'node:path';

/**
 * Where `npm run bench` writes report.md, results.json and scale.svg: beside the committed report only
 * with `--update-report` (a run whose figures go into the README), otherwise into a git-ignored folder,
 * so that an ordinary run leaves the working tree clean.
 */
export function reportFolder(updateReport: boolean): string {
  return resolve(updateReport ? 'tests/benchmarks' : '.cache/bench');
}
