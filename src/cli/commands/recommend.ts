import { Command } from 'commander';
import { RecommendBodySchema } from '../../contract/schemas.js';
import { DEFAULT_RECOMMEND_MODE, EXPORT_FORMATS, RECOMMEND_MODE_HINTS, RECOMMEND_MODES, RESULT_COUNT } from '../../contract/values.js';
import { filterFromWire } from '../../search/index.js';
import { openEngine } from '../engine.js';
import { settingsFrom, withExamples, withSettings } from '../options.js';
import { apiFields, FILTER_FLAGS, parse, printAnswer } from './search.js';

interface RecommendFlags {
  like: string[];
  dislike: string[];
  k?: string;
  mode?: string;
  json?: boolean;
  format?: string;
  yearMin?: string;
  yearMax?: string;
  author?: string;
  venue?: string;
  tag?: string;
}

/** Commander's accumulator for a repeatable flag. */
export const collect = (value: string, previous: string[]) => [...previous, value];

export function recommendCommand(): Command {
  const command = new Command('recommend')
    .summary('papers to read next, from papers you liked')
    .description(
      'Recommend papers of the index from papers you liked (--like, once per paper) and papers that are not for you (--dislike). Marked papers are never recommended back. Paper ids are the "id:" lines of search results.',
    )
    .option('--like <id>', 'a paper you liked (repeat for each)', collect, [])
    .option('--dislike <id>', 'a paper that is not for you (repeat for each)', collect, [])
    .option('-k, --k <n>', `number of results, ${RESULT_COUNT.min}-${RESULT_COUNT.max} [default ${RESULT_COUNT.default}]`)
    .option(
      '--mode <method>',
      `${RECOMMEND_MODES.map((mode) => `${mode} (${RECOMMEND_MODE_HINTS[mode]})`).join(', ')} [default ${DEFAULT_RECOMMEND_MODE}]`,
    )
    .option('--json', 'print the same JSON the API returns (and nothing else) on stdout')
    .option('--format <format>', `print the recommended papers as ${EXPORT_FORMATS.join(', ')} on stdout`);
  for (const [flag, help] of FILTER_FLAGS) command.option(flag, help);
  withSettings(command, ['indexDir', 'modelsDir', 'model', 'precision', 'threads']);
  withExamples(command, [
    'npx paper-search recommend --like <id> --like <another id>',
    'npx paper-search recommend --like <id> --dislike <id> -k 5 --year-min 2023',
    "npx paper-search recommend --like <id> --json | jq '.results[].title'",
  ]);
  return command.action(async (flags: RecommendFlags) => {
    if (flags.like.length === 0)
      throw new Error('nothing to recommend from: give --like <id> for at least one paper you liked (see --help)');
    if (flags.format !== undefined && flags.json) throw new Error('give --json or --format, not both');
    // The API's own schema checks the ids, k, mode and filters, so the CLI and the API accept exactly the same.
    const body = parse(RecommendBodySchema, {
      liked: flags.like,
      ...(flags.dislike.length ? { disliked: flags.dislike } : {}),
      ...apiFields(flags),
      ...(flags.format === undefined ? {} : { format: flags.format }),
    });
    const { liked, disliked, k, mode, format, ...filter } = body;
    const engine = await openEngine(settingsFrom(command.opts()));
    const answer = await engine.recommend({ liked, disliked, k, mode, filter: filterFromWire(filter) });
    printAnswer(answer, { json: flags.json, format });
  });
}
