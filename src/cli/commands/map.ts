import { Command } from 'commander';
import { loadIndex } from '../../index/index.js';
import { mapToWire } from '../../search/index.js';
import { formatMapContents } from '../format.js';
import { settingsFrom, withExamples, withSettings } from '../options.js';

/** `paper-search map`: the regions of the library's map, as a table of contents (no model needed). */
export function mapCommand(): Command {
  const command = new Command('map')
    .summary('the regions of the library, as a table of contents')
    .description(
      'The regions of the map of the library (built with the index): for each, how many papers it holds and its most distinctive words. ' +
        'The page draws the same map; --json prints what GET /api/map returns.',
    )
    .option('--json', 'print the same JSON the API returns (and nothing else) on stdout');
  withSettings(command, ['indexDir']);
  withExamples(command, ['npx paper-search map', 'npx paper-search map --index my-index --json']);
  return command.action(async (flags: { json?: boolean }) => {
    const { indexDir } = settingsFrom(command.opts());
    const index = await loadIndex(indexDir);
    const map = mapToWire(index);
    index.close();
    process.stdout.write(flags.json ? `${JSON.stringify(map)}\n` : `${formatMapContents(map)}\n`);
  });
}
