import { Command } from 'commander';
import { DigestQuerySchema } from '../../contract/schemas.js';
import { readManifest, WatchStore } from '../../index/index.js';
import { digestToWire, digestWatches } from '../../search/index.js';
import { openEngine } from '../engine.js';
import { formatDigest } from '../format.js';
import { settingsFrom, withExamples, withSettings } from '../options.js';
import { parse } from './search.js';

/** `paper-search digest`: for each watch, the new papers that match it well. */
export function digestCommand(): Command {
  const command = new Command('digest')
    .summary('new papers that match your watches')
    .description(
      'For each watch ("paper-search watch add"), the papers added to the index since --since (by default, since the watch was added) ' +
        "that match it with high confidence: each stands out among the watch's matches in the whole library and is close in meaning to it " +
        '(or contains every term of it). Says so when nothing new matched.',
    )
    .option('--since <date|generation>', 'an ISO date (2026-01-31) or date-time (2026-01-31T09:00:00Z), or a build generation number')
    .option('--json', 'print the same JSON the API returns (and nothing else) on stdout');
  withSettings(command, ['indexDir', 'modelsDir', 'model', 'precision', 'threads']);
  withExamples(command, [
    'npx paper-search digest                         # new since each watch was added',
    'npx paper-search digest --since 2026-01-31',
    'npx paper-search digest --since 3 --index my-index   # added by builds after generation 3',
  ]);
  return command.action(async (flags: { since?: string; json?: boolean }) => {
    const settings = settingsFrom(command.opts());
    const { since } = parse(DigestQuerySchema, flags.since === undefined ? {} : { since: flags.since });
    const { generation } = readManifest(settings.indexDir);
    const watches = new WatchStore(settings.indexDir).list();
    // Without watches there is nothing to search: the model is not even loaded.
    const found = watches.length ? await (await openEngine(settings)).digest(digestWatches(watches, since)) : { generation, entries: [] };
    const digest = digestToWire(found, watches, since);
    process.stdout.write(flags.json ? `${JSON.stringify(digest, null, 2)}\n` : `${formatDigest(digest)}\n`);
  });
}
