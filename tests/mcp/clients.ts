import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { SearchEngine } from '../../src/search/index.js';
import { createApp, type AppOptions } from '../../src/server/index.js';
import { serveApp } from '../security/served-app.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** An SDK client connected to paper-search, and how to end the connection (and whatever it started). */
export interface Connection {
  client: Client;
  /** Errors the client's transport reported (a line on stdout that is not protocol, say). */
  transportErrors: Error[];
  close(): Promise<void>;
}

function newClient(): Client {
  return new Client({ name: 'paper-search-tests', version: '1.0.0' });
}

/**
 * The real CLI, `node .build/cli/paper-search.js mcp --index <dir>` (built by the global setup), spoken to
 * over its stdin and stdout. `stderr` collects what it says there; closing the client ends its stdin,
 * and the transport ends only this child.
 */
export async function connectStdio(indexDir: string): Promise<Connection & { stderr: () => string; pid: number }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ['.build/cli/paper-search.js', 'mcp', '--index', indexDir],
    cwd: ROOT,
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const client = newClient();
  const transportErrors: Error[] = [];
  client.onerror = (error) => transportErrors.push(error);
  await client.connect(transport);
  return { client, transportErrors, pid: transport.pid!, stderr: () => stderr, close: () => client.close() };
}

/** The real app (`paper-search serve`'s) on an ephemeral loopback port, spoken to at /mcp over Streamable HTTP. */
export async function connectHttp(
  engine: SearchEngine,
  options: AppOptions = {},
  headers: Record<string, string> = {},
): Promise<Connection> {
  const served = await serveApp(createApp(engine, options));
  const client = newClient();
  const transportErrors: Error[] = [];
  client.onerror = (error) => transportErrors.push(error);
  try {
    await client.connect(new StreamableHTTPClientTransport(new URL('/mcp', served.url), { requestInit: { headers } }));
  } catch (error) {
    await served.close();
    throw error;
  }
  return {
    client,
    transportErrors,
    close: async () => {
      await client.close();
      await served.close();
    },
  };
}

/** The text a tool answered (every tool answers one text block). */
export function textOf(result: Awaited<ReturnType<Client['callTool']>>): string {
  const content = (result as CallToolResult).content;
  if (content.length !== 1 || content[0]!.type !== 'text') throw new Error(`expected one text block, got ${JSON.stringify(content)}`);
  return content[0]!.text;
}
