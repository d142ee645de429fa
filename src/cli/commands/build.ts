import { resolve } from 'node:path';
import { Command } from 'commander';
import { planBuild, readManifestIfAny } from '../../index/index.js';
import { describePlan, runBuild } from '../build-runner.js';
import { say } from '../main.js';
import { loadEmbedder } from '../engine.js';
import { settingsFrom, withSettings, withExamples } from '../options.js';

/** What the default index holds when it is first built. */
export const SEED_INPUTS = ['seeds'];
export const DEFAULT_INDEX = resolve('index');

interface BuildFlags {
  input?: string[];
  replace?: boolean;
  allowShrink?: boolean;
  dryRun?: boolean;
  full?: boolean;
}

export function buildCommand(): Command {
  const command = new Command('build')
    .summary('build or update an index from paper files')
    .description(
      'Read papers (JSON Lines or seed text dumps; files or folders), embed what is new, and write the index atomically. ' +
        'The index remembers its inputs: --input adds to them (remembered files are re-read, so edits and deletions are picked up), ' +
        '--replace makes the given inputs the whole library. Only what changed is embedded and indexed (a new generation ' +
        'beside the previous one; a running server switches to it); a build that would empty the index or drop most of it asks first.',
    )
    .option('--input <file|folder>', 'papers to add (repeatable)', (value: string, previous: string[] = []) => [...previous, value])
    .option('--out <folder>', 'the index folder (same as --index) [env INDEX_DIR, default index]')
    .option('--replace', 'make the given inputs the whole library (forget remembered inputs not given again)')
    .option('--full', 'rebuild the whole index rather than apply the change to it (chosen on its own when cheaper)')
    .option('--allow-shrink', 'write even if the build empties the index or drops more than half of its papers')
    .option('--dry-run', 'read and merge the papers and report what would be indexed, per source, without embedding or writing');
  withSettings(command, ['indexDir', 'modelsDir', 'model', 'precision', 'threads']);
  withExamples(command, [
    'npx paper-search build --input my-papers.jsonl --out my-index     # create, or add to, my-index',
    'npx paper-search build --out my-index                             # re-read every remembered input',
    'npx paper-search build --input library.jsonl --out my-index --replace',
    'npx paper-search build --input My-Library.bib --out my-index --dry-run   # what would be indexed',
  ]);
  return command.action(async (flags: BuildFlags & { out?: string; index?: string }) => {
    const settings = settingsFrom({ ...command.opts(), ...(flags.out ? { index: flags.out } : {}) });
    const previous = readManifestIfAny(settings.indexDir);
    let inputs = flags.input ?? [];
    if (inputs.length === 0 && !previous) {
      if (settings.indexDir !== DEFAULT_INDEX)
        throw new Error(`nothing to build: ${settings.indexDir} holds no index yet; give the papers with --input <file|folder>`);
      inputs = SEED_INPUTS;
    }
    if (flags.replace && !flags.input?.length)
      throw new Error('--replace needs the inputs that make up the library: give them with --input');
    if (flags.dryRun) {
      const plan = await planBuild({
        inputs,
        replace: flags.replace,
        outDir: settings.indexDir,
        progress: { onSkip: (line) => say(`skipped ${line.source}:${line.line}: ${line.reason}`) },
      });
      say(describePlan(plan));
      return;
    }
    const embedder = await loadEmbedder(settings, previous);
    await runBuild(settings, { inputs, replace: flags.replace, allowShrink: flags.allowShrink, full: flags.full }, embedder);
  });
}
