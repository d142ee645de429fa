#!/usr/bin/env node
import { Command } from 'commander';
import { buildCommand } from './commands/build.js';
import { digestCommand } from './commands/digest.js';
import { mcpCommand } from './commands/mcp.js';
import { prepareModelCommand } from './commands/prepare-model.js';
import { recommendCommand } from './commands/recommend.js';
import { searchCommand } from './commands/search.js';
import { serveCommand } from './commands/serve.js';
import { watchCommand } from './commands/watch.js';
import { mapCommand } from './commands/map.js';
import { runMain } from './main.js';
import { withExamples } from './options.js';

/** `paper-search <command>`: the one entry point behind `npx paper-search` and the npm scripts. */
const program = new Command('paper-search')
  .description('Local, private semantic search over research papers.')
  .addCommand(serveCommand())
  .addCommand(searchCommand())
  .addCommand(buildCommand())
  .addCommand(prepareModelCommand())
  .addCommand(watchCommand())
  .addCommand(digestCommand())
  .addCommand(mcpCommand())
  .addCommand(recommendCommand())
  .addCommand(mapCommand());
// Commander's usage errors, like ours, are one line (what is wrong and where to look).
for (const command of [program, ...program.commands, ...program.commands.flatMap((parent) => parent.commands)])
  command.configureOutput({ outputError: (text, write) => write(`${text.trimEnd()} (see --help)\n`) });
withExamples(program, [
  'npx paper-search serve',
  'npx paper-search search "how do robots learn from demonstrations?"',
  'npx paper-search build --input my-papers.jsonl --out my-index',
]);

runMain(async () => {
  await program.parseAsync();
});
