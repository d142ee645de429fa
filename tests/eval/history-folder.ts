import { resolve } from 'node:path';

/**
 * Where `npm run eval` writes a run's record: into the committed history only with `--record` (a run
 * whose figures go into the README), otherwise into a git-ignored folder, so that an ordinary run
 * leaves the working tree clean.
 */
export function historyFolder(record: boolean): string {
  return resolve(record ? 'tests/eval/history' : '.cache/eval/history');
}
