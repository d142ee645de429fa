import type { AddressInfo } from 'node:net';
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
        close: () => new Promise<void>((closed) => {
          server.close(() => closed());
          if ('closeAllConnections' in server) server.closeAllConnections();
        }),
      });
    });
    server.once('error', fail);
  });
}

/** Sends raw bytes (a request as written, forged headers and all) and resolves with the whole response text; the request must say `Connection: close`. */
export function rawRequest(port: number, request: string): Promise<string> {
  return new Promise((done, fail) => {
    // Written, not ended: a half-closed socket may count as a client gone; the request says Connection: close.
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let response = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (response += chunk));
    socket.on('end', () => done(response));
    socket.on('error', fail);
  });
}
