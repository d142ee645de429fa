import { Command } from 'commander';
import { type Watch, WatchBodySchema } from '../../contract/schemas.js';
import { loadIndex, readManifest, WatchNotFoundError, WatchStore } from '../../index/index.js';
import { resolveMarks, watchLabel } from '../../search/index.js';
import { shownPath } from '../engine.js';
import { say } from '../main.js';
import { settingsFrom, withExamples, withSettings } from '../options.js';
import { collect } from './recommend.js';
import { FILTER_FLAGS, type FilterFlags, parse, wireFilterFlags } from './search.js';

interface AddFlags extends FilterFlags {
  like: string[];
  dislike: string[];
  name?: string;
  json?: boolean;
}

/** `paper-search watch add|list|remove`: the saved queries and liked sets whose new papers `paper-search digest` reports. */
export function watchCommand(): Command {
  const command = new Command('watch')
    .summary('save queries or liked papers to be told about new papers that match them')
    .description(
      'Watches are saved queries, or sets of papers you like (with optional filters), kept in watches.json beside the index; a rebuild never removes them. ' +
        '"paper-search digest" lists the papers a build added that match them well.',
    );
  const add = new Command('add')
    .summary('watch a query, or papers like the ones you like')
    .argument('[query...]', 'a question or keywords (or give --like instead)')
    .option('--like <id>', 'instead of a query: a paper you like, to watch for new papers like it (repeat for each)', collect, [])
    .option('--dislike <id>', 'with --like: a paper that is not for you (repeat for each)', collect, [])
    .option('--name <name>', 'with --like: what to call the liked set')
    .option('--json', 'print the watch as the API returns it');
  for (const [flag, help] of FILTER_FLAGS) add.option(flag, help);
  withSettings(add, ['indexDir']);
  withExamples(add, [
    'npx paper-search watch add "diffusion policies for manipulation"',
    'npx paper-search watch add "tactile sensing" --year-min 2024 --tag cs.RO --index my-index',
    'npx paper-search watch add --like <id> --like <another id> --name "my humanoid set"',
  ]);
  add.action(async (words: string[], flags: AddFlags) => {
    // Which kind of watch, said in flags; the API's own schema checks the rest, so the CLI and the API accept the same.
    if (words.length > 0 === flags.like.length > 0)
      throw new Error(
        words.length
          ? 'give a query or --like, not both: a watch is a saved query or a set of liked papers'
          : 'nothing to watch: give a query, or --like <id> for each paper you like (see --help)',
      );
    if (flags.like.length === 0 && (flags.dislike.length > 0 || flags.name !== undefined))
      throw new Error('--dislike and --name go with --like: they describe a set of liked papers');
    const request = parse(WatchBodySchema, {
      ...(words.length ? { query: words.join(' ') } : {}),
      ...(flags.like.length ? { liked: flags.like } : {}),
      ...(flags.dislike.length ? { disliked: flags.dislike } : {}),
      ...(flags.name === undefined ? {} : { name: flags.name }),
      ...wireFilterFlags(flags),
    });
    const store = storeOf(add);
    if (request.liked) {
      // Refused as `recommend` refuses it: a liked id the index does not have is named.
      const index = await loadIndex(store.dir);
      try {
        resolveMarks(index, request.liked, request.disliked ?? []);
      } finally {
        index.close();
      }
    }
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

  const remove = new Command('remove').summary('stop watching a query or liked set').argument('<id>', 'the id "watch list" shows');
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

/** One line: id, query (or liked set), filters, date added. */
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
  return `${watch.id}  ${watchLabel(watch)}${filters.length ? ` (${filters.join(', ')})` : ''}, added ${watch.created_at.slice(0, 10)}`;
}
