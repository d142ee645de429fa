import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, inject, it } from 'vitest';
import type { WireAnswer } from '../../src/contract/schemas.js';
import { createApp } from '../../src/server/index.js';
import { seedEngine } from '../support/seed-engine.js';
import { connectHttp, connectStdio, textOf } from './clients.js';

/** What each transport adds around the tools: stdio's stdout and lifetime, and the API's rules at /mcp. */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TOKEN = 'test-token-0123456789abcdef';
const UNISKILL = 'UniSkill: Imitating Human Videos via Cross-Embodiment Skill Representations';

/** The seed index's best answer to a question it covers, as both transports must give it. */
async function expectUniSkillFirst(call: Promise<unknown>): Promise<void> {
  const result = (await call) as CallToolResult;
  const answer = result.structuredContent as WireAnswer;
  expect(answer.results[0]!.title).toBe(UNISKILL);
  expect(answer.confidence).toBe('high');
  expect(textOf(result)).toContain(`1. ${UNISKILL}\n`);
}

const QUESTION = { name: 'search_papers', arguments: { q: 'robot imitation from video', k: 3 } };

/** An MCP initialize request as a client first sends it. */
const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});
const MCP_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

describe('MCP on stdio (paper-search mcp)', () => {
  it('answers over the seed index, writes only protocol to stdout, talks on stderr, and ends when the client closes', async () => {
    const connection = await connectStdio(inject('seedIndexDir'));
    try {
      await expectUniSkillFirst(connection.client.callTool(QUESTION));
    } finally {
      await connection.close();
    }
    expect(connection.transportErrors, 'a line on stdout that is not protocol').toEqual([]);
    expect(connection.stderr().trim().split('\n')).toEqual([
      expect.stringMatching(/^paper-search mcp: 237 papers, all-MiniLM-L6-v2 \(int8\); speaking MCP on stdin\/stdout$/),
      'paper-search mcp: the client closed the connection; stopping',
    ]);
    expect(() => process.kill(connection.pid, 0), 'the child is gone').toThrow(/ESRCH/);
  });

  /** The CLI as an assistant starts it, with stdin closed at once; how it ended and what it wrote. */
  function runWithClosedStdin(args: string[]): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
    return new Promise((done, fail) => {
      const child = spawn(process.execPath, ['.build/cli/paper-search.js', 'mcp', ...args], { cwd: ROOT });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.on('error', fail);
      child.on('close', (code, signal) => done({ code, signal, stdout, stderr }));
      child.stdin.end();
    });
  }

  it('exits by itself with code 0 once its stdin closes, so a client that quits leaves nothing running', async () => {
    const run = await runWithClosedStdin(['--index', inject('seedIndexDir')]);
    expect(run).toMatchObject({ code: 0, signal: null, stdout: '' });
  });

  it('refuses a missing index in one line on stderr, with nothing on stdout', async () => {
    const run = await runWithClosedStdin(['--index', '/nonexistent/paper-search-index']);
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^error: no index in \/nonexistent\/paper-search-index .*build one with/),
    ]);
  });
});

describe('MCP over Streamable HTTP at /mcp', () => {
  it('answers over the seed index through the served app, statelessly (no session id)', async () => {
    const connection = await connectHttp(await seedEngine());
    try {
      await expectUniSkillFirst(connection.client.callTool(QUESTION));
    } finally {
      await connection.close();
    }
    const app = createApp(await seedEngine());
    const answer = await app.request('/mcp', { method: 'POST', headers: MCP_HEADERS, body: INITIALIZE });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.headers.get('mcp-session-id')).toBeNull();
    expect(await answer.json()).toMatchObject({ id: 1, result: { serverInfo: { name: 'paper-search' }, capabilities: { tools: {} } } });
  });

  it('requires the access token when the server has one: 401 without it, served with it', async () => {
    const app = createApp(await seedEngine(), { accessToken: TOKEN });
    for (const authorization of [undefined, 'Bearer wrong-token-0123456789']) {
      const answer = await app.request('/mcp', {
        method: 'POST',
        headers: { ...MCP_HEADERS, ...(authorization ? { authorization } : {}) },
        body: INITIALIZE,
      });
      expect(answer.status, authorization).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer');
      expect(await answer.json()).toMatchObject({ error: { code: 'unauthorized' } });
    }
    await expect(connectHttp(await seedEngine(), { accessToken: TOKEN })).rejects.toMatchObject({
      code: 401,
      message: expect.stringMatching(/unauthorized/),
    });
    const connection = await connectHttp(await seedEngine(), { accessToken: TOKEN }, { authorization: `Bearer ${TOKEN}` });
    try {
      await expectUniSkillFirst(connection.client.callTool(QUESTION));
    } finally {
      await connection.close();
    }
  });

  it('without a token, answers only loopback names and ALLOWED_HOSTS, like the API', async () => {
    const app = createApp(await seedEngine(), { allowedHosts: ['papers.lan'] });
    const statusFor = async (host: string) =>
      (await app.request('/mcp', { method: 'POST', headers: { ...MCP_HEADERS, host }, body: INITIALIZE })).status;
    expect(await statusFor('attacker.example')).toBe(403);
    expect(await statusFor('127.0.0.1.attacker.example:3000')).toBe(403);
    expect(await statusFor('127.0.0.1:3000')).toBe(200);
    expect(await statusFor('papers.lan')).toBe(200);
  });

  it('is admitted like the searching routes: 503 busy with Retry-After before its body is read', async () => {
    const app = createApp(await seedEngine(), { admission: { maxWorking: 0, maxWaiting: 0 } });
    const answer = await app.request('/mcp', { method: 'POST', headers: MCP_HEADERS, body: '{"jsonrpc": not json' });
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('1');
    expect(await answer.json()).toMatchObject({ error: { code: 'busy' } });
  });

  it('takes POST only (no server-initiated stream to offer) and refuses a body over the API limit', async () => {
    const app = createApp(await seedEngine());
    for (const method of ['GET', 'DELETE']) {
      const answer = await app.request('/mcp', { method, headers: { accept: 'text/event-stream' } });
      expect(answer.status, method).toBe(405);
      expect(answer.headers.get('allow')).toBe('POST');
    }
    const huge = JSON.stringify({
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/call',
      params: { name: 'find_similar', arguments: { text: 'robots '.repeat(10_000) } },
    });
    const answer = await app.request('/mcp', { method: 'POST', headers: MCP_HEADERS, body: huge });
    expect(answer.status).toBe(413);
    expect(await answer.json()).toMatchObject({ error: { code: 'payload_too_large' } });
  });
});
