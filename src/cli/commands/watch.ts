import { Command } from 'commander';
import { type Watch, WatchBodySchema } from '../../contract/schemas.js';
import { readManifest, WatchNotFoundError, WatchStore } from '../../index/index.js';
import { shownPath } from '../engine.js';
import { say } from '../main.js';
import { settingsFrom, withExamples, withSettings } from '../options.js';
import { FILTER_FLAGS, type FilterFlags, parse, wireFilterFlags } from './search.js';

/** `paper-search watch add|list|remove`: the saved queries whose new papers `paper-search digest` reports. */
export function watchCommand(): Command {
  const command = new Command('watch')
    .summary('save queries to be told about new papers that match them')
    .description(
      'Watches are saved queries (with optional filters), kept in watches.json beside the index; a rebuild never removes them. ' +
        '"paper-search digest" lists the papers a build added that match them well.',
    );
  const add = new Command('add')
    .summary('watch a query')
    .argument('<query...>', 'a question or keywords')
    .option('--json', 'print the watch as the API returns it');
  for (const [flag, help] of FILTER_FLAGS) add.option(flag, help);
  withSettings(add, ['indexDir']);
  withExamples(add, [
    'npx paper-search watch add "diffusion policies for manipulation"',
    'npx paper-search watch add "tactile sensing" --year-min 2024 --tag cs.RO --index my-index',
  ]);
  add.action(async (words: string[], flags: FilterFlags & { json?: boolean }) => {
    const request = parse(WatchBodySchema, { query: words.join(' '), ...wireFilterFlags(flags) });
    const store = storeOf(add);
    const { watch, created } = await store.add(request);
    if (flags.json) process.stdout.write(`${JSON.stringify(watch, null, 2)}\n`);
    else say(`${created ? 'Watching' : 'Already watching'} ${describeWatch(watch)}`);
  });

  const list = new Command('list').summary('list the watches').option('--json', 'print the watches as the API returns them');
  withSettings(list, ['indexDir']);
  list.action((flags: { json?: boolean }) => {
    const store = storeOf(list);
    const watches = store.list();
    if (flags.json) process.stdout.write(`${JSON.stringify({ watches }, null, 2)}\n`);
    else if (watches.length === 0)
      say(`No watches in ${shownPath(store.path)}; add one with: npx paper-search watch add "<query>"${indexFlag(store)}`);
    else process.stdout.write(`${watches.map(describeWatch).join('\n')}\n`);
  });

  const remove = new Command('remove').summary('stop watching a query').argument('<id>', 'the id "watch list" shows');
  withSettings(remove, ['indexDir']);
  remove.action(async (id: string) => {
    const store = storeOf(remove);
    try {
      say(`Removed ${describeWatch(await store.remove(id))}`);
    } catch (error) {
      if (error instanceof WatchNotFoundError)
        throw new Error(`${error.message} in ${shownPath(store.path)}; see the ids with: npx paper-search watch list${indexFlag(store)}`);
      throw error;
    }
  });

  withExamples(command, [
    'npx paper-search watch add "diffusion policies for manipulation"',
    'npx paper-search watch list',
    'npx paper-search watch remove 3f9a1c2e',
  ]);
  return command.addCommand(add).addCommand(list).addCommand(remove);
}

/** The watches of the index a subcommand names; the folder must hold an index, so a mistyped --index is caught. */
function storeOf(command: Command): WatchStore {
  const { indexDir } = settingsFrom(command.opts());
  readManifest(indexDir);
  return new WatchStore(indexDir);
}

/** " --index <folder>" when the store is not the default index's, for hints a person can paste. */
function indexFlag(store: WatchStore): string {
  const shown = shownPath(store.dir);
  return shown === 'index' ? '' : ` --index ${shown}`;
}

/** One line: id, query, filters, date added. */
export function describeWatch(watch: Watch): string {
  const filters = [
    watch.year_min !== undefined && watch.year_max !== undefined
      ? `years ${watch.year_min}-${watch.year_max}`
      : watch.year_min !== undefined
        ? `from ${watch.year_min}`
        : watch.year_max !== undefined
          ? `up to ${watch.year_max}`
          : undefined,
    watch.author && `author "${watch.author}"`,
    watch.venue && `venue "${watch.venue}"`,
    watch.tag && `tag "${watch.tag}"`,
  ].filter(Boolean);
  return `${watch.id}  "${watch.query}"${filters.length ? ` (${filters.join(', ')})` : ''}, added ${watch.created_at.slice(0, 10)}`;
}
