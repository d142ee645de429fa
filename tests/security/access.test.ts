import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { checkExposure, loadSettings } from '../../src/config/index.js';
import { createApp } from '../../src/server/index.js';
import { seedEngine } from '../support/seed-engine.js';

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
      expect(await answer.json()).toEqual({ error: { code: 'unauthorized', message: 'missing or invalid access token; send Authorization: Bearer <token>' } });
    }
    expect((await app.request('/api/search?q=robots', { headers: { authorization: `bearer ${TOKEN}` } })).status, 'the scheme is case-insensitive').toBe(200);
  });

  it('is required to listen beyond loopback', () => {
    expect(() => checkExposure(loadSettings({}, { HOST: '0.0.0.0' }))).toThrow(/refusing to listen on 0\.0\.0\.0 without an access token/);
    expect(() => checkExposure(loadSettings({}, { HOST: '0.0.0.0', ACCESS_TOKEN: TOKEN }))).not.toThrow();
    for (const host of ['127.0.0.1', 'localhost', '::1']) expect(() => checkExposure(loadSettings({}, { HOST: host }))).not.toThrow();
  });

  it('the server refuses to start on 0.0.0.0 without one, in one line', () => {
    const run = spawnSync(process.execPath, ['.build/cli/paper-search.js', 'serve'], { env: { ...process.env, HOST: '0.0.0.0' }, encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: refusing to listen on 0\.0\.0\.0 without an access token/)]);
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
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
    const call = await app.request('/api/search?q=robots', { headers: { origin: 'http://localhost:5173', authorization: `Bearer ${TOKEN}` } });
    expect(call.status).toBe(200);
    expect(call.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  });
});
