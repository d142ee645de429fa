import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { serve } from '@hono/node-server';
import type { OpenAPIHono } from '@hono/zod-openapi';

export interface ServedApp {
  port: number;
  url: string;
  close(): Promise<void>;
}

/** An app on an ephemeral loopback port, as `paper-search serve` runs it (through @hono/node-server). */
export function serveApp(app: Pick<OpenAPIHono, 'fetch'>, fetch: OpenAPIHono['fetch'] = app.fetch): Promise<ServedApp> {
  return new Promise((done, fail) => {
    const server = serve({ fetch, hostname: '127.0.0.1', port: 0 }, () => {
      const { port } = server.address() as AddressInfo;
      done({
        port,
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise<void>((closed) => {
            server.close(() => closed());
            if ('closeAllConnections' in server) server.closeAllConnections();
          }),
      });
    });
    server.once('error', fail);
  });
}

export interface RawResponse {
  /** Undefined when the connection closed without an answer. */
  status: number | undefined;
  headers: Record<string, string>;
  body: string;
}

/**
 * A connected socket, ready to send one request as written (forged headers and all); the request must
 * say `Connection: close`, and the answer is read to the end. Connecting first lets a test write many
 * requests in one go, so they reach the server together, as from many clients.
 */
export async function rawConnection(port: number): Promise<(request: string) => Promise<RawResponse>> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((connected, fail) => socket.once('connect', connected).once('error', fail));
  return (request) =>
    new Promise((done, fail) => {
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (text += chunk));
      socket.on('close', () => {
        const [head = '', ...body] = text.split('\r\n\r\n');
        const [statusLine = '', ...headerLines] = head.split('\r\n');
        const headers = Object.fromEntries(
          headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
        );
        done({ status: Number(statusLine.match(/^HTTP\/1\.1 (\d{3}) /)?.[1]) || undefined, headers, body: body.join('\r\n\r\n') });
      });
      socket.on('error', fail);
      // Written, not ended: a half-closed socket may count as a client gone.
      socket.write(request);
    });
}

/** Sends one raw request on a new connection (see rawConnection). */
export async function rawRequest(port: number, request: string): Promise<RawResponse> {
  return (await rawConnection(port))(request);
}

/**
 * Many clients at once, from another process (a client in the server's own process shares its event
 * loop and trickles requests out one by one): every connection is opened, every request is written in
 * one go, then /health is asked on its own connection. Answers in request order, and how long /health took.
 */
export function flood(port: number, requests: string[]): Promise<{ answers: RawResponse[]; health: RawResponse; healthMs: number }> {
  const client = `
    import { connect } from 'node:net';
    const { port, requests } = JSON.parse(await new Response(process.stdin).text());
    const open = () => new Promise((connected) => { const socket = connect(port, '127.0.0.1', () => connected(socket)); });
    const send = (socket, request) => new Promise((done) => {
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk) => (text += chunk));
      socket.on('error', () => {});
      socket.on('close', () => {
        const [head = '', ...body] = text.split('\\r\\n\\r\\n');
        const [statusLine = '', ...headerLines] = head.split('\\r\\n');
        const headers = Object.fromEntries(headerLines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
        done({ status: Number(statusLine.slice(9, 12)) || undefined, headers, body: body.join('\\r\\n\\r\\n') });
      });
      socket.write(request);
    });
    const sockets = await Promise.all(requests.map(open));
    const healthSocket = await open();
    const answers = sockets.map((socket, i) => send(socket, requests[i]));
    const started = performance.now();
    const health = await send(healthSocket, 'GET /health HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nConnection: close\\r\\n\\r\\n');
    const healthMs = performance.now() - started;
    process.stdout.write(JSON.stringify({ answers: await Promise.all(answers), health, healthMs }));
  `;
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', client], { stdio: ['pipe', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', fail);
    child.on('exit', (code) => (code === 0 ? done(JSON.parse(output)) : fail(new Error(`the flood client exited with ${code}`))));
    child.stdin.end(JSON.stringify({ port, requests }));
  });
}
