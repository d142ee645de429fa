import { execFileSync, spawn, spawnSync } from 'node:child_process';
import dns from 'node:dns';
import { mkdtempSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex, loadIndex } from '../../src/index/index.js';
import { Embedder } from '../../src/model/index.js';
import { SearchEngine } from '../../src/search/index.js';
import { createApp } from '../../src/server/index.js';
import { MODELS_DIR } from '../support/seed-engine.js';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost)$/;

/**
 * Records every outbound connection, DNS lookup and fetch this process attempts that does not go to
 * loopback, and refuses it — the product must never need one at run time.
 */
function guardNetwork() {
  const attempts: string[] = [];
  const originals = { connect: net.Socket.prototype.connect, lookup: dns.lookup, fetch: globalThis.fetch };
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    const options = args[0] as { host?: string; path?: string } | number | string;
    const host =
      typeof options === 'object'
        ? (options.host ?? (options.path ? 'unix' : 'localhost'))
        : typeof args[1] === 'string'
          ? args[1]
          : 'localhost';
    if (host !== 'unix' && !LOOPBACK.test(host)) {
      attempts.push(`connect ${host}`);
      throw new Error(`outbound connection to ${host} refused by test`);
    }
    return (originals.connect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;
  (dns as { lookup: unknown }).lookup = (hostname: string, ...rest: unknown[]) => {
    if (!LOOPBACK.test(hostname)) attempts.push(`dns ${hostname}`);
    return (originals.lookup as (...a: unknown[]) => unknown)(hostname, ...rest);
  };
  globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    if (!LOOPBACK.test(url.hostname)) {
      attempts.push(`fetch ${url.href}`);
      throw new Error(`fetch of ${url.href} refused by test`);
    }
    return originals.fetch(input, init);
  }) as typeof fetch;
  return {
    attempts,
    restore() {
      net.Socket.prototype.connect = originals.connect;
      (dns as { lookup: unknown }).lookup = originals.lookup;
      globalThis.fetch = originals.fetch;
    },
  };
}

describe('nothing leaves the machine', () => {
  const guard = guardNetwork();
  afterAll(() => guard.restore());

  it('loads the model, builds, searches and serves over HTTP with no outbound connection', async () => {
    const embedder = await Embedder.load({ modelsDir: MODELS_DIR });
    const dir = mkdtempSync(join(tmpdir(), 'paper-search-offline-'));
    await buildIndex({ inputs: [resolve('seeds')], outDir: dir, embedder });
    const engine = new SearchEngine(await loadIndex(dir), embedder);
    const server = serve({ fetch: createApp(engine).fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise((done) => server.once('listening', done));
    try {
      const { port } = server.address() as net.AddressInfo;
      const answer = (await (await fetch(`http://127.0.0.1:${port}/api/search?q=robot+imitation+from+video`)).json()) as {
        results: unknown[];
      };
      expect(answer.results).toHaveLength(10);
      const similar = await fetch(`http://127.0.0.1:${port}/api/similar`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'humanoid robots imitate human motion' }),
      });
      expect(similar.status).toBe(200);
    } finally {
      server.close();
    }
    expect(guard.attempts).toEqual([]);
  });

  it('the guard itself works: an outbound fetch is caught and refused', async () => {
    const before = guard.attempts.length;
    await expect(fetch('https://huggingface.co/')).rejects.toThrow(/refused by test/);
    expect(guard.attempts.length).toBe(before + 1);
    guard.attempts.splice(before);
  });
});

describe('build and serve in a network namespace with no network at all (unshare -n)', () => {
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'paper-search-unshare-'));
  });

  it('builds the seed index and answers a search, ending only the server it started', () => {
    // A stand-in for the user's own server in another terminal: its command line looks like one.
    // The test must end only what it started (by pid), so this one must survive.
    const bystander = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', '.build/cli/paper-search.js', 'serve'], {
      stdio: 'ignore',
    });
    try {
      const script = [
        'ip link set lo up',
        `node .build/cli/paper-search.js build --input seeds --out ${out}`,
        `INDEX_DIR=${out} PORT=3999 node .build/cli/paper-search.js serve 2>/dev/null & server=$!`,
        'for i in $(seq 1 60); do curl -sf 127.0.0.1:3999/health >/dev/null && break; sleep 0.25; done',
        "curl -sf '127.0.0.1:3999/api/search?q=robot+imitation+from+video&k=3'",
        'kill $server; wait $server',
      ].join('; ');
      const run = spawnSync('unshare', ['-n', 'sh', '-c', script], { encoding: 'utf8', timeout: 120_000 });
      expect(run.stderr).toMatch(/237 in the index/);
      const answer = JSON.parse(run.stdout) as { results: Array<{ title: string }> };
      expect(answer.results).toHaveLength(3);
      expect(execFileSync('ls', [out], { encoding: 'utf8' })).toMatch(/manifest\.json/);
      // Killed but not yet reaped, it would be a zombie ("Z"): alive means any other state.
      expect(readFileSync(`/proc/${bystander.pid}/stat`, 'utf8').split(' ')[2]).not.toBe('Z');
    } finally {
      bystander.kill();
    }
  });
});

describe('tests and scripts end only processes they started', () => {
  it("no test or script kills processes by name (that would end the user's own server too)", () => {
    // The command names are spelled with a character class so that this file does not match itself.
    const killsByName = /\b(p[k]ill|kil[l]all)\b/;
    const files = execFileSync('git', ['ls-files', 'tests', '.ci', 'package.json'], { encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(files.filter((file) => killsByName.test(readFileSync(file, 'utf8')))).toEqual([]);
  });
});
