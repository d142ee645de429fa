import { connect } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SearchEngine } from '../../src/search/index.js';
import { createApp } from '../../src/server/index.js';
import { AdmissionQueue } from '../../src/server/middleware/admission.js';
import { seedEngine, seedIndex } from '../support/seed-engine.js';
import { serveApp } from './served-app.js';

afterEach(() => vi.restoreAllMocks());

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('admission queue', () => {
  it('admits maxWorking at a time in arrival order, holds maxWaiting more, refuses the rest at once, and drops a waiter whose signal aborts', async () => {
    const queue = new AdmissionQueue({ maxWorking: 1, maxWaiting: 2 });
    const started: string[] = [];
    const enter = (name: string, signal = new AbortController().signal) =>
      queue.enter(signal).then((admitted) => admitted && started.push(name));
    const gone = new AbortController();
    const first = enter('first');
    const second = enter('second', gone.signal);
    const third = enter('third');
    expect(() => queue.enter(new AbortController().signal)).toThrow(
      /^the server is busy \(0 requests working, 3 waiting\); retry shortly$/,
    );
    await first;
    expect(started).toEqual(['first']);
    expect(queue.counts).toEqual({ working: 1, waiting: 2 });

    gone.abort();
    expect(await second).toBe(false);
    expect(queue.counts).toEqual({ working: 1, waiting: 1 });
    queue.leave();
    await third;
    expect(started).toEqual(['first', 'third']);
    queue.leave();
    await turn();
    expect(queue.counts).toEqual({ working: 0, waiting: 0 });
  });
});

describe('admission control on the app', () => {
  it('comes first on every route that searches, in every mode (503 busy before the body is read); one paper and /health are never queued', async () => {
    const engine = await seedEngine();
    const app = createApp(engine, { admission: { maxWorking: 0, maxWaiting: 0 } });
    const id = seedIndex().paper(0).id;
    const searching = [
      app.request('/api/search?q=robot&mode=lexical'),
      app.request('/api/search?q=robot&mode=dense'),
      app.request('/api/search?q=robot'),
      app.request('/api/similar', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text": not json' }),
      app.request(`/api/papers/${id}/similar`),
      app.request('/api/papers'),
    ];
    for (const answer of await Promise.all(searching)) {
      expect(answer.status, answer.url).toBe(503);
      expect(answer.headers.get('retry-after')).toBe('1');
      expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('busy');
    }
    expect((await app.request(`/api/papers/${id}`)).status).toBe(200);
    expect((await app.request('/health')).status).toBe(200);
  });

  it('a request whose client disconnects while it waits leaves the queue and never starts', async () => {
    const engine = new SearchEngine(seedIndex(), (await seedEngine()).encoder);
    const search = engine.search.bind(engine);
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const searched = vi.spyOn(engine, 'search').mockImplementationOnce(async (text, request) => {
      await gate;
      return search(text, request);
    });
    const app = createApp(engine, { admission: { maxWorking: 1, maxWaiting: 4 } });
    const arrived: Request[] = [];
    const served = await serveApp(app, (request, env) => {
      arrived.push(request);
      return app.fetch(request, env);
    });
    try {
      const first = fetch(`${served.url}/api/search?q=first&mode=lexical`);
      await vi.waitFor(() => expect(searched).toHaveBeenCalledTimes(1), { timeout: 30_000 });

      const socket = connect(served.port, '127.0.0.1');
      socket.on('error', () => {});
      socket.write('GET /api/search?q=gone&mode=lexical HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      await vi.waitFor(() => expect(arrived).toHaveLength(2), { timeout: 30_000 });
      await turn();
      socket.destroy();
      await vi.waitFor(
        () => expect(arrived[1]!.signal.aborted, 'node-server aborts the request signal when its client disconnects').toBe(true),
        { timeout: 30_000 },
      );

      openGate();
      expect((await first).status).toBe(200);
      expect((await fetch(`${served.url}/api/search?q=after&mode=lexical`)).status).toBe(200);
      expect(searched.mock.calls.map(([text]) => text)).toEqual(['first', 'after']);
    } finally {
      await served.close();
    }
  });
});
