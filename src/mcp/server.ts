import { createRequire } from 'node:module';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { SearchEngine } from '../search/index.js';
import type { ToolContext } from './tool.js';
import { TOOLS } from './tools/index.js';

/** The package's version, from package.json two levels up from both src/mcp/ (tests) and .build/mcp/ (the CLI). */
const { version } = createRequire(import.meta.url)('../../package.json') as { version: string };

/** Told to the model once, at the start of a session. */
const INSTRUCTIONS =
  'Tools over a local library of research papers. Start with search_papers; follow up with find_similar and get_paper ' +
  'using the ids in its results; recommend_papers takes ids the user liked (and disliked), whats_new tells what is new ' +
  "for the user's saved watches. Every answer says its confidence: when it is low, the library probably does not " +
  'cover the question, so say that instead of answering from the papers found.';

/**
 * The MCP front end: an MCP server whose tools (the table in tools/) call the search engine and answer in
 * the contract's shapes. It holds no retrieval logic; a transport is connected by the caller (stdio in
 * `paper-search mcp`, Streamable HTTP at /mcp).
 */
export function createMcpServer(engine: SearchEngine, { watches }: Omit<ToolContext, 'engine'> = {}): McpServer {
  const server = new McpServer({ name: 'paper-search', version }, { instructions: INSTRUCTIONS });
  for (const tool of TOOLS) tool.register(server, { engine, watches });
  return server;
}

/** Where `paper-search serve` answers MCP over Streamable HTTP. */
export const MCP_PATH = '/mcp';

/**
 * MCP over Streamable HTTP, stateless: each POST gets a server and transport of its own (the SDK's
 * stateless transport serves one request), so there are no sessions to keep or expire. Answers are plain
 * JSON, not an SSE stream: the response is whole when this returns, so the admission control around it
 * covers the search itself. GET (a stream for server-initiated messages) is not offered; with nothing to
 * push, clients are told 405 and carry on.
 */
export function mcpOverHttp(engine: SearchEngine, options: Omit<ToolContext, 'engine'> = {}): (request: Request) => Promise<Response> {
  return async (request) => {
    const server = createMcpServer(engine, options);
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await server.connect(transport);
    try {
      return await transport.handleRequest(request);
    } finally {
      await server.close();
    }
  };
}
