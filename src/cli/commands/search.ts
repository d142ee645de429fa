import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import type { z } from 'zod';
import { SearchQuerySchema, SimilarBodySchema, SimilarPaperQuerySchema } from '../../contract/schemas.js';
import { EXPORT_FORMATS, MODES, RESULT_COUNT, type ExportFormat } from '../../contract/values.js';
import { exportPapers } from '../../papers/index.js';
import { type Answer, answerToWire, filterFromWire } from '../../search/index.js';
import { openEngine } from '../engine.js';
import { formatAnswer } from '../format.js';
import { settingsFrom, withSettings, withExamples } from '../options.js';

/** The filter flags as commander parses them. */
export interface FilterFlags {
  yearMin?: string;
  yearMax?: string;
  author?: string;
  venue?: string;
  tag?: string;
}

interface SearchFlags extends FilterFlags {
  k?: string;
  mode?: string;
  json?: boolean;
  similar?: string;
  paper?: string;
  format?: string;
  explain?: boolean;
}

/** The contract's filters (year_min, ..., tag) as flags. */
export const FILTER_FLAGS = [
  ['--year-min <year>', 'only papers from this year on'],
  ['--year-max <year>', 'only papers up to this year'],
  ['--author <name>', 'only papers with an author whose name contains this (case and accents ignored)'],
  ['--venue <name>', 'only papers whose venue contains this'],
  ['--tag <tag>', 'only papers with this keyword, arXiv category or MeSH term'],
] as const;

export function searchCommand(): Command {
  const command = new Command('search')
    .summary('search the index from the command line')
    .description(
      'Answer a question or keywords, find papers similar to a pasted abstract (--similar), or similar to a paper of the index (--paper).',
    )
    .argument('[query...]', 'a question or keywords')
    .option('-k, --k <n>', `number of results, ${RESULT_COUNT.min}-${RESULT_COUNT.max} [default ${RESULT_COUNT.default}]`)
    .option('--mode <mode>', `${MODES.join(', ')} [default ${MODES[0]}]`)
    .option('--similar <file|->', 'papers similar to the text in a file, or on standard input with -')
    .option('--paper <id>', 'papers similar to this paper of the index')
    .option('--json', 'print the same JSON the API returns (and nothing else) on stdout')
    .option('--format <format>', `print the result papers as ${EXPORT_FORMATS.join(', ')} on stdout`)
    .option('--explain', "also find each result's passage nearest the query in meaning (slower: it embeds the results' sentences)");
  for (const [flag, help] of FILTER_FLAGS) command.option(flag, help);
  withSettings(command, ['indexDir', 'modelsDir', 'model', 'precision', 'threads']);
  withExamples(command, [
    'npx paper-search search "how do robots learn from demonstrations?"',
    'npx paper-search search "Unitree G1" -k 3 --mode lexical',
    'pbpaste | npx paper-search search --similar -',
    'npx paper-search search "sim-to-real transfer" --json | jq \'.results[].title\'',
    'npx paper-search search "diffusion policies" --year-min 2023 --author chi --tag cs.RO',
  ]);
  return command.action(async (words: string[], flags: SearchFlags) => {
    const query = words.join(' ').trim();
    const given = [query !== '', flags.similar !== undefined, flags.paper !== undefined].filter(Boolean).length;
    if (given === 0) throw new Error('nothing to search for: give a query, --similar <file|->, or --paper <id> (see --help)');
    if (given > 1) throw new Error('give only one of: a query, --similar <file|->, --paper <id> (see --help)');
    const settings = settingsFrom(command.opts());
    // The API's own schemas check k, mode and text, so the CLI and the API accept exactly the same.
    const options = { ...apiFields(flags), ...(flags.explain ? { explain: 'full' } : {}) };
    if (flags.format !== undefined && flags.json) throw new Error('give --json or --format, not both');
    const format = flags.format === undefined ? undefined : parse(SearchQuerySchema.shape.format, flags.format);
    let answer: Answer;
    if (flags.paper !== undefined) {
      if (flags.mode !== undefined)
        throw new Error('--mode does not apply to --paper (similar papers are always found with hybrid search)');
      const { k, explain, ...wire } = parse(SimilarPaperQuerySchema, options);
      answer = await (await openEngine(settings)).similarToPaper(flags.paper, {
        k,
        filter: filterFromWire(wire),
        passages: explain === 'full',
      });
    } else if (flags.similar !== undefined) {
      const { text, k, mode, explain, ...wire } = parse(SimilarBodySchema, { text: readPassage(flags.similar), ...options });
      answer = await (await openEngine(settings)).search(text, { k, mode, filter: filterFromWire(wire), passages: explain === 'full' });
    } else {
      const { q, k, mode, explain, ...wire } = parse(SearchQuerySchema, { q: query, ...options });
      answer = await (await openEngine(settings)).search(q, { k, mode, filter: filterFromWire(wire), passages: explain === 'full' });
    }
    printAnswer(answer, { json: flags.json, format });
  });
}

/** The flags the API also takes (k, mode, the filters) named as its fields, only those given. */
export function apiFields(flags: Pick<SearchFlags, 'k' | 'mode'> & FilterFlags): Record<string, string> {
  return { ...present({ k: flags.k, mode: flags.mode }), ...wireFilterFlags(flags) };
}

/** An answer on stdout: the terminal listing, the API's JSON with --json, or its papers as a bibliography with --format. */
export function printAnswer<M extends string>(answer: Answer<M>, output: { json?: boolean; format?: ExportFormat }): void {
  if (output.format) {
    process.stdout.write(
      exportPapers(
        answer.hits.map((hit) => hit.paper),
        output.format,
      ).body,
    );
    return;
  }
  const wire = answerToWire(answer);
  process.stdout.write(output.json ? `${JSON.stringify(wire, null, 2)}\n` : `${formatAnswer(wire)}\n`);
}

function readPassage(source: string): string {
  const text = readFileSync(source === '-' ? 0 : source, 'utf8').trim();
  if (!text) throw new Error(`nothing to search for: ${source === '-' ? 'standard input' : source} is empty`);
  return text;
}

/** The given filter flags under their API names, for a contract schema to check. */
export function wireFilterFlags(flags: FilterFlags): Record<string, string> {
  return present({ year_min: flags.yearMin, year_max: flags.yearMax, author: flags.author, venue: flags.venue, tag: flags.tag });
}

function present(entries: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(entries).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

/** Validates flags with a contract schema; its message names the API field, which the CLI spells as a flag. */
export function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success)
    throw new Error(
      parsed.error.issues[0]!.message.replace(
        /^(k|mode|format|year_min|year_max|author|venue|tag|since) /,
        (_, field: string) => `${field === 'k' ? '-k' : `--${field.replace('_', '-')}`} `,
      ),
    );
  return parsed.data;
}
