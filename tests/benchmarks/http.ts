import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import autocannon from 'autocannon';
import type { SearchEngine } from '../../src/search/index.js';
import { createApp } from '../../src/server/index.js';
import type { Progress } from './progress.js';
import { percentile, round, timeEach } from './stats.js';

export interface HttpResult {
  sequential: { requests: number; p50Ms: number; p99Ms: number };
  concurrent: { connections: number; seconds: number; requestsPerSecond: number; p50Ms: number; p99Ms: number; non2xx: number };
  cachedRepeatP50Ms: number;
}

/**
 * End-to-end query latency through real HTTP on loopback. Every query text is distinct (a question
 * plus a varying suffix), so the query-embedding cache never answers; repeats are measured apart.
 */
export async function measureHttp(
  engine: SearchEngine,
  questions: string[],
  progress: Progress,
  connections = 16,
  seconds = 10,
): Promise<HttpResult> {
  const server = serve({ fetch: createApp(engine).fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let counter = 0;
  const nextPath = () => `/api/search?q=${encodeURIComponent(`${questions[counter % questions.length]} ${counter++}`)}`;
  try {
    progress('HTTP: one client, 300 distinct queries (1 of 3)');
    for (let i = 0; i < 20; i++) await (await fetch(base + nextPath())).arrayBuffer();
    const sequential = await timeEach(300, async () => (await fetch(base + nextPath())).arrayBuffer());
    progress('HTTP: one client, 100 repeats of one query (2 of 3)');
    const repeated = await timeEach(100, async () =>
      (await fetch(`${base}/api/search?q=${encodeURIComponent(questions[0]!)}`)).arrayBuffer(),
    );
    progress(`HTTP: ${connections} concurrent clients for ${seconds} s (3 of 3)`);
    const load = await autocannon({
      url: base,
      connections,
      duration: seconds,
      requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: nextPath() }) }],
    });
    return {
      sequential: { requests: sequential.length, p50Ms: round(percentile(sequential, 50)), p99Ms: round(percentile(sequential, 99)) },
      concurrent: {
        connections,
        seconds,
        requestsPerSecond: round(load.requests.average, 1),
        p50Ms: load.latency.p50,
        p99Ms: load.latency.p99,
        non2xx: load.non2xx,
      },
      cachedRepeatP50Ms: round(percentile(repeated, 50)),
    };
  } finally {
    server.close();
  }
}
