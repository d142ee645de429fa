import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { checkExposure, loadSettings } from '../../src/config/index.js';
import { createApp } from '../../src/server/index.js';
import { seedEngine } from '../support/seed-engine.js';
import { rawRequest, serveApp } from './served-app.js';

const TOKEN = 'test-token-0123456789abcdef';

describe('access token', () => {
  it('guards the API and the OpenAPI document, not health', async () => {
    const app = createApp(await seedEngine(), { accessToken: TOKEN });
    const none = await app.request('/api/search?q=robots');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/Bearer/);
    expect(await none.json()).toEqual({ error: { code: 'unauthorized', message: expect.stringMatching(/Bearer/) } });
    expect((await app.request('/api/search?q=robots', { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    expect((await app.request('/openapi.json')).status).toBe(401);
    expect((await app.request('/api/search?q=robots', { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    expect((await app.request('/health')).status).toBe(200);
  });

  it('answers a malformed Authorization header like a missing token: 401 unauthorized', async () => {
    const app = createApp(await seedEngine(), { accessToken: TOKEN });
    for (const authorization of ['Bearer', 'Bearer ', `Basic ${TOKEN}`, TOKEN, `Bearer ${TOKEN} extra`, `Bearer  ${TOKEN}x`]) {
      const answer = await app.request('/api/search?q=robots', { headers: { authorization } });
      expect(answer.status, authorization).toBe(401);
      expect(answer.headers.get('www-authenticate')).toBe('Bearer');
      expect(await answer.json()).toEqual({
        error: { code: 'unauthorized', message: 'missing or invalid access token; send Authorization: Bearer <token>' },
      });
    }
    expect(
      (await app.request('/api/search?q=robots', { headers: { authorization: `bearer ${TOKEN}` } })).status,
      'the scheme is case-insensitive',
    ).toBe(200);
  });

  it('is required to listen beyond loopback', () => {
    expect(() => checkExposure(loadSettings({}, { HOST: '0.0.0.0' }))).toThrow(/refusing to listen on 0\.0\.0\.0 without an access token/);
    expect(() => checkExposure(loadSettings({}, { HOST: '0.0.0.0', ACCESS_TOKEN: TOKEN }))).not.toThrow();
    for (const host of ['127.0.0.1', 'localhost', '::1']) expect(() => checkExposure(loadSettings({}, { HOST: host }))).not.toThrow();
  });

  it('the server refuses to start on 0.0.0.0 without one, in one line', () => {
    const run = spawnSync(process.execPath, ['.build/cli/paper-search.js', 'serve'], {
      env: { ...process.env, HOST: '0.0.0.0' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^error: refusing to listen on 0\.0\.0\.0 without an access token/),
    ]);
  });

  it('never echoes a bad token back', () => {
    expect(() => loadSettings({}, { ACCESS_TOKEN: 'short-secret' })).toThrow(/ACCESS_TOKEN=\(hidden\)/);
    expect(() => loadSettings({}, { ACCESS_TOKEN: 'short-secret' })).not.toThrow(/short-secret/);
  });
});

describe('CORS', () => {
  it('is off unless configured', async () => {
    const app = createApp(await seedEngine());
    const answer = await app.request('/api/search?q=robots', { headers: { origin: 'http://evil.example' } });
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows only the configured origins', async () => {
    const app = createApp(await seedEngine(), { corsOrigins: ['http://localhost:5173'] });
    const allowed = await app.request('/api/search?q=robots', { headers: { origin: 'http://localhost:5173' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    const other = await app.request('/api/search?q=robots', { headers: { origin: 'http://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers a preflight before asking for the access token, which it lets the browser send', async () => {
    const app = createApp(await seedEngine(), { corsOrigins: ['http://localhost:5173'], accessToken: TOKEN });
    const preflight = await app.request('/api/search?q=robots', {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
    const call = await app.request('/api/search?q=robots', {
      headers: { origin: 'http://localhost:5173', authorization: `Bearer ${TOKEN}` },
    });
    expect(call.status).toBe(200);
    expect(call.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  });
});

describe('DNS rebinding: the Host a request names', () => {
  const FORBIDDEN = {
    error: {
      code: 'forbidden_host',
      message: expect.stringMatching(
        /^host "attacker\.example" is not allowed: without an access token only 127\.0\.0\.1, localhost, \[::1\] and ALLOWED_HOSTS are answered/,
      ),
    },
  };

  it('without a token, answers only loopback names, on any port', async () => {
    const app = createApp(await seedEngine());
    for (const host of ['127.0.0.1', '127.0.0.1:3000', 'localhost:8080', 'LOCALHOST', '[::1]:3000']) {
      expect((await app.request('/api/search?q=robot', { headers: { host } })).status, host).toBe(200);
    }
    for (const path of ['/api/search?q=robot', '/api/papers', '/health', '/openapi.json', '/']) {
      const answer = await app.request(path, { headers: { host: 'attacker.example:3000' } });
      expect(answer.status, path).toBe(403);
      expect(await answer.json()).toEqual(FORBIDDEN);
    }
    const similar = await app.request('/api/similar', {
      method: 'POST',
      headers: { host: 'attacker.example', 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'robots' }),
    });
    expect(similar.status).toBe(403);
    for (const host of ['127.0.0.1.attacker.example', 'localhost.attacker.example:3000', '[::2]']) {
      expect((await app.request('/api/search?q=robot', { headers: { host } })).status, host).toBe(403);
    }
  });

  it('answers the names configured in allowedHosts, and no others', async () => {
    const app = createApp(await seedEngine(), { allowedHosts: ['papers.lan', 'Search.Example:8443'] });
    for (const host of ['papers.lan', 'papers.lan:3000', 'search.example', '127.0.0.1:3000']) {
      expect((await app.request('/api/search?q=robot', { headers: { host } })).status, host).toBe(200);
    }
    expect((await app.request('/api/search?q=robot', { headers: { host: 'attacker.example' } })).status).toBe(403);
  });

  it('with a token, answers any host that carries it (the token protects it)', async () => {
    const app = createApp(await seedEngine(), { accessToken: TOKEN });
    expect(
      (await app.request('/api/search?q=robot', { headers: { host: 'attacker.example', authorization: `Bearer ${TOKEN}` } })).status,
    ).toBe(200);
    expect((await app.request('/api/search?q=robot', { headers: { host: 'attacker.example' } })).status).toBe(401);
  });

  it('a served app refuses a forged Host header and an absolute-form request URI naming another host', async () => {
    const served = await serveApp(createApp(await seedEngine()));
    try {
      const statusOf = async (request: string) => (await rawRequest(served.port, request)).status;
      expect(await statusOf(`GET /api/search?q=x HTTP/1.1\r\nHost: 127.0.0.1:${served.port}\r\nConnection: close\r\n\r\n`)).toBe(200);
      expect(await statusOf('GET /api/search?q=x HTTP/1.1\r\nHost: attacker.example:3000\r\nConnection: close\r\n\r\n')).toBe(403);
      const absolute = await rawRequest(
        served.port,
        `GET http://attacker.example/api/search?q=x HTTP/1.1\r\nHost: 127.0.0.1:${served.port}\r\nConnection: close\r\n\r\n`,
      );
      expect(absolute.status).toBe(403);
      expect(JSON.parse(absolute.body)).toEqual(FORBIDDEN);
    } finally {
      await served.close();
    }
  });

  it('ALLOWED_HOSTS is a comma-separated list of host names', () => {
    expect(loadSettings({}, {}).allowedHosts).toEqual([]);
    expect(loadSettings({}, { ALLOWED_HOSTS: 'papers.lan, Search.Example ,' }).allowedHosts).toEqual(['papers.lan', 'search.example']);
    expect(loadSettings({ 'allowed-hosts': '[fd00::1]' }, {}).allowedHosts).toEqual(['[fd00::1]']);
    expect(() => loadSettings({}, { ALLOWED_HOSTS: 'http://papers.lan' })).toThrow(
      /^invalid setting ALLOWED_HOSTS="http:\/\/papers\.lan": each allowed host must be a host name such as papers\.lan, without a port/,
    );
  });
});
