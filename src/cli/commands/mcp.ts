import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { Command } from 'commander';
import { WatchStore } from '../../index/index.js';
import { createMcpServer } from '../../mcp/index.js';
import { openEngine } from '../engine.js';
import { say } from '../main.js';
import { settingsFrom, withExamples, withSettings } from '../options.js';

export function mcpCommand(): Command {
  const command = new Command('mcp')
    .summary('give an AI assistant the search tools over MCP (stdio)')
    .description(
      'Speak the Model Context Protocol on standard input and output, for an assistant that starts this command ' +
        '(Claude Desktop, Claude Code, any MCP client): the tools search_papers, find_similar, get_paper, recommend_papers and whats_new (over the watches kept beside the index) over an index. ' +
        'Only the protocol goes to stdout; messages go to stderr. `paper-search serve` answers MCP over HTTP at /mcp.',
    );
  withSettings(command, ['indexDir', 'modelsDir', 'model', 'precision', 'threads']);
  withExamples(command, [
    'npx paper-search mcp --index /path/to/my-index',
    'claude mcp add paper-search -- npx paper-search mcp --index /path/to/my-index',
  ]);
  return command.action(async () => {
    const settings = settingsFrom(command.opts());
    const engine = await openEngine(settings);
    const server = createMcpServer(engine, { watches: new WatchStore(settings.indexDir) });
    // The assistant ends the session by closing our stdin; the process then has nothing left to do and exits.
    process.stdin.once('end', () => {
      say('paper-search mcp: the client closed the connection; stopping');
      void server.close();
    });
    await server.connect(new StdioServerTransport());
    const { papers, model, precision } = engine.describe();
    say(`paper-search mcp: ${papers} papers, ${model} (${precision}); speaking MCP on stdin/stdout`);
  });
}
