import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import { IndexUnreadableError, WatchesUnreadableError, type WatchStore } from '../index/index.js';
import { BusyError } from '../model/index.js';
import { PaperNotFoundError, RecommendRequestError, type SearchEngine } from '../search/index.js';

/** What a tool answers: the JSON its output schema describes, and the same answer as text for models that read text. */
export interface ToolAnswer<Structured> {
  structured: Structured;
  text: string;
}

/** An argument the schema lets through but the tool refuses (both text and id, say); answered as a tool error. */
export class ToolArgumentError extends Error {}

/** The tool cannot work in this server (whats_new where no watches are kept); answered as a tool error. */
export class ToolUnavailableError extends Error {}

/** What the tools work on: the engine, and the served index folder's watches when there is one. */
export interface ToolContext {
  engine: SearchEngine;
  watches?: WatchStore;
}

/** One MCP tool over the search engine: what the model is told, its contract schemas, and what it does. */
export interface PaperTool<Input extends z.ZodObject, Output extends z.ZodObject> {
  name: string;
  title: string;
  description: string;
  /** Derived from the contract's request schemas, so the tool accepts what the API accepts. */
  input: Input;
  /** The contract's answer schema: structured content has the HTTP answer's shape. */
  output: Output;
  run(context: ToolContext, input: z.output<Input>): ToolAnswer<z.output<Output>> | Promise<ToolAnswer<z.output<Output>>>;
}

/** A tool as the table holds it, whatever its schemas: it registers itself on a server over a context. */
export interface ToolEntry {
  register(server: McpServer, context: ToolContext): void;
}

/** Every tool only reads the local library. */
const ANNOTATIONS = { readOnlyHint: true, idempotentHint: true, openWorldHint: false } as const;

/**
 * A tool for the table. Arguments are checked by the SDK against the input schema (its refusals come back
 * as tool errors naming the field); what the tool itself refuses, and a failure while it runs, come back as
 * a tool error of one line too, so a bad call never breaks the connection.
 */
export function defineTool<Input extends z.ZodObject, Output extends z.ZodObject>(tool: PaperTool<Input, Output>): ToolEntry {
  return {
    register: (server, context) => {
      // Registered with the schemas' base type: the SDK's conditional types cannot follow a generic schema.
      server.registerTool<z.ZodObject, z.ZodObject>(
        tool.name,
        { title: tool.title, description: tool.description, inputSchema: tool.input, outputSchema: tool.output, annotations: ANNOTATIONS },
        async (input): Promise<CallToolResult> => {
          try {
            // The SDK has parsed the arguments with tool.input.
            const answer = await tool.run(context, input as z.output<Input>);
            return { structuredContent: answer.structured, content: [{ type: 'text', text: answer.text }] };
          } catch (error) {
            return toolError(tool.name, error);
          }
        },
      );
    },
  };
}

/** Failures a caller can act on, whose message says what to do; anything else is a fault of this server. */
const EXPLAINED_FAILURES = [
  ToolArgumentError,
  ToolUnavailableError,
  PaperNotFoundError,
  RecommendRequestError,
  WatchesUnreadableError,
  BusyError,
  IndexUnreadableError,
];

function toolError(tool: string, error: unknown): CallToolResult {
  const explained = EXPLAINED_FAILURES.some((kind) => error instanceof kind);
  const message = error instanceof Error ? error.message : String(error);
  // stderr: on stdio, stdout carries only the protocol.
  if (!explained) console.error(`internal error in tool ${tool}: ${message}`);
  const text =
    error instanceof PaperNotFoundError
      ? `${message}; use an id from a search_papers or find_similar result`
      : explained
        ? message
        : `${tool} failed; the error was logged by the server`;
  return { isError: true, content: [{ type: 'text', text }] };
}
