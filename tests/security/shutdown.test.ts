import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { MODELS_DIR } from '../support/seed-engine.js';

type Outcome = { status: number; complete: boolean } | { error: string };

/** One request on its own connection; resolves once it is fully written, with its outcome to come. */
function search(port: number, query: string): { sent: Promise<void>; outcome: Promise<Outcome> } {
  let markSent!: () => void;
  const sent = new Promise<void>((resolve) => (markSent = resolve));
  const outcome = new Promise<Outcome>((resolve) => {
    const req = request({ port, host: '127.0.0.1', path: `/api/search?q=${encodeURIComponent(query)}`, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        let complete = true;
        try {
          JSON.parse(body);
        } catch {
          complete = false;
        }
        resolve({ status: res.statusCode!, complete });
      });
      res.on('error', (error) => resolve({ error: error.message }));
    });
    req.on('error', (error) => resolve({ error: error.message }));
    req.end(markSent);
  });
  return { sent, outcome };
}

/** A distinct question near the query length limit, so every request needs its own slow forward pass. */
const longQuery = (i: number) =>
  `question ${i}: how do robots learn manipulation skills from a handful of human demonstrations, ` +
  'and how do diffusion policies, behaviour cloning with action chunking and reinforcement learning from human feedback compare '.repeat(
    5,
  ) +
  `when the camera view, the lighting and the objects change between training and deployment (variant ${i})?`;

describe('shutdown', () => {
  let server: ChildProcess | undefined;
  afterAll(() => {
    if (server?.exitCode === null) server.kill('SIGKILL');
  });

  it('on SIGTERM, answers every request in flight (200 or 503), drops none, and exits 0', async () => {
    server = spawn(process.execPath, ['.build/cli/paper-search.js', 'serve'], {
      env: { ...process.env, INDEX_DIR: inject('seedIndexDir'), PORT: '0', MODELS_DIR },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    server.stderr!.setEncoding('utf8');
    const exited = new Promise<number | null>((resolve) => server!.on('exit', (code) => resolve(code)));
    const port = await new Promise<number>((resolve, reject) => {
      server!.stderr!.on('data', (chunk: string) => {
        log += chunk;
        const listening = /listening on http:\/\/[^:]+:(\d+)/.exec(log);
        if (listening) resolve(Number(listening[1]));
      });
      void exited.then((code) => reject(new Error(`the server exited (${code}) before listening:\n${log}`)));
    });

    const requests = Array.from({ length: 40 }, (_, i) => search(port, longQuery(i)));
    await Promise.all(requests.map((r) => r.sent));
    // Written is not yet accepted: give the server a moment to take the connections off the backlog.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const signalled = performance.now();
    server.kill('SIGTERM');
    const outcomes = await Promise.all(requests.map((r) => r.outcome));
    const code = await exited;

    const count = (status: number) => outcomes.filter((o) => 'status' in o && o.status === status).length;
    const dropped = outcomes.filter((o) => 'error' in o || !o.complete);
    console.log(
      `shutdown: ${count(200)} × 200, ${count(503)} × 503, ${dropped.length} dropped, exit ${code} ${((performance.now() - signalled) / 1000).toFixed(1)} s after SIGTERM`,
    );
    expect(dropped).toEqual([]);
    for (const outcome of outcomes) expect([200, 503]).toContain((outcome as { status: number }).status);
    expect(count(200)).toBeGreaterThan(0);
    expect(code).toBe(0);
    expect(log).toMatch(/SIGTERM: every request answered; stopped/);
  });
});
