import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { loadIndex } from '../../src/index/index.js';

// Long: runs when PAPER_SEARCH_LONG_TESTS=1 (set by .ci/run), skipped in a quick local `npm test`.
const LONG = process.env.PAPER_SEARCH_LONG_TESTS === '1';
const PORT = 3917;

const rssMegabytes = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

function startServer(indexDir: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['.build/cli/paper-search.js', 'serve'], {
      env: { ...process.env, INDEX_DIR: indexDir, PORT: String(PORT) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.on('data', (chunk: Buffer) => chunk.toString().includes('listening on') && resolve(child));
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

describe.runIf(LONG)('soak: 10,000 mixed requests from 32 concurrent clients', () => {
  let server: ChildProcess | undefined;
  afterAll(() => server?.kill('SIGTERM'));

  it('answers without any 5xx except deliberate 503s, and memory stays flat', async () => {
    const indexDir = inject('seedIndexDir');
    const ids = (await loadIndex(indexDir)).allPapers().map((paper) => paper.id);
    server = await startServer(indexDir);
    const words = [
      'robot',
      'policy',
      'diffusion',
      'language',
      'humanoid',
      'video',
      'reward',
      'offline',
      'benchmark',
      'simulation',
      'agents',
      'driving',
    ];
    let n = 0;
    // 2,000 distinct queries cycled: the warm-up fills every cache and sizes the heap, so growth after it would be a leak.
    const query = () => `${words[n % 12]} ${words[(n * 7) % 12]} ${words[(n * 5) % 11]} ${n++ % 2000}`;
    const requests: autocannon.Request[] = [
      { method: 'GET', setupRequest: (r) => ({ ...r, path: `/api/search?q=${encodeURIComponent(query())}` }) },
      { method: 'GET', setupRequest: (r) => ({ ...r, path: `/api/search?q=${encodeURIComponent(query())}&mode=lexical&k=25` }) },
      {
        method: 'POST',
        setupRequest: (r) => ({
          ...r,
          path: '/api/similar',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text: `We study ${query()} for learning robot skills from demonstrations.` }),
        }),
      },
      { method: 'GET', setupRequest: (r) => ({ ...r, path: `/api/papers/${ids[n++ % ids.length]}` }) },
      { method: 'GET', setupRequest: (r) => ({ ...r, path: `/api/papers/${ids[n++ % ids.length]}/similar?k=5` }) },
      { method: 'GET', setupRequest: (r) => ({ ...r, path: '/health' }) },
      { method: 'GET', setupRequest: (r) => ({ ...r, path: '/api/search?k=0' }) },
      { method: 'GET', setupRequest: (r) => ({ ...r, path: '/no/such/route' }) },
    ];
    const run = (amount: number) =>
      new Promise<autocannon.Result>((resolve, reject) => {
        const statuses = new Map<number, number>();
        const instance = autocannon({ url: `http://127.0.0.1:${PORT}`, connections: 32, amount, requests }, (error, result) =>
          error ? reject(error) : resolve(Object.assign(result, { statuses })),
        );
        instance.on('response', (_client: unknown, status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1));
      });

    // V8 sizes its heap by the allocation rate it has seen: a warm-up shorter than the soak leaves the
    // heap still growing towards its steady size, which looks like a leak in RSS but is not one.
    await run(6000);
    const afterWarmUp = rssMegabytes(server.pid!);
    const soak = (await run(10_000)) as autocannon.Result & { statuses: Map<number, number> };
    const afterSoak = rssMegabytes(server.pid!);
    const fiveHundreds = [...soak.statuses]
      .filter(([status]) => status >= 500 && status !== 503)
      .reduce((sum, [, count]) => sum + count, 0);
    console.log(
      `soak: ${soak.requests.total} requests, ${Math.round(soak.requests.average)} req/s, statuses ${JSON.stringify(Object.fromEntries(soak.statuses))}, ` +
        `errors ${soak.errors}, RSS after warm-up ${afterWarmUp.toFixed(0)} MB, after soak ${afterSoak.toFixed(0)} MB (${(((afterSoak - afterWarmUp) / afterWarmUp) * 100).toFixed(1)}%)`,
    );

    expect(soak.requests.total).toBeGreaterThanOrEqual(10_000);
    expect(soak.errors).toBe(0);
    expect(fiveHundreds).toBe(0);
    expect(afterSoak).toBeLessThanOrEqual(afterWarmUp * 1.1);
    expect((await fetch(`http://127.0.0.1:${PORT}/health`)).status).toBe(200);
  }, 600_000);
});
