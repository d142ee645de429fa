import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { API_ERRORS, type ErrorCode } from '../../src/server/errors.js';
import { createApp } from '../../src/server/index.js';
import { seedEngine, seedIndex } from '../support/seed-engine.js';

let app: OpenAPIHono;
let paperId: string;
beforeAll(async () => {
  const engine = await seedEngine();
  app = createApp(engine);
  paperId = seedIndex().allPapers()[0]!.id;
});

const hostileText = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\uFFFF',
    '\uD800',
    '<script>alert(1)</script>',
    '../../etc/passwd',
    '%00',
    'a'.repeat(1001),
    '🧪🤖',
    'NaN',
    '-1',
    '1e309',
    '0x10',
    '[]',
    '{}',
  ),
);
const kValue = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.constantFrom('NaN', 'Infinity', '-0', '1.5', '', '99999999999999999999', 'abc'),
  hostileText,
);

/** Percent-encodes every UTF-8 byte (lone surrogates become U+FFFD, as a client's encoder would send). */
const encode = (text: string) => [...Buffer.from(text, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
/** Raw percent sequences a client could send that are not valid UTF-8 at all. */
const malformedEscapes = fc.constantFrom('%', '%E0%A4%A', '%FF%FE', '%C0%AF', '%ED%A0%80', '%zz', '%00');

function queryString(params: Array<[string, string]>): string {
  return params.map(([key, value]) => `${encode(key)}=${value.startsWith('%') ? value : encode(value)}`).join('&');
}

async function expectContractAnswer(response: Response) {
  expect(response.status, `status ${response.status}`).toBeLessThan(500);
  const type = response.headers.get('content-type') ?? '';
  expect(type).toMatch(/application\/json/);
  if (response.status >= 400) {
    const { error } = (await response.json()) as { error: { code: ErrorCode; message: string } };
    expect(error).toEqual({ code: expect.any(String), message: expect.any(String) });
    expect(API_ERRORS[error.code]?.status, `${error.code} answered with ${response.status}`).toBe(response.status);
  } else await response.json();
}

describe('hostile requests never produce a 5xx (property-based)', () => {
  it('search with random, repeated and array-valued parameters', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(fc.constantFrom('q', 'k', 'mode', 'q', 'k', 'x', 'q[]', '__proto__'), fc.oneof(hostileText, kValue, malformedEscapes)),
          { maxLength: 6 },
        ),
        async (params) => expectContractAnswer(await app.request(`/api/search?${queryString(params)}`)),
      ),
      { numRuns: 150 },
    );
  });

  it('similar-text with random bodies, truncated or nested JSON and wrong content types', async () => {
    const body = fc.oneof(
      fc.json().map((json) => json),
      fc
        .record({ text: hostileText, k: fc.oneof(fc.integer(), fc.double(), fc.string()), mode: fc.string() })
        .map((value) => JSON.stringify(value)),
      fc.nat({ max: 2000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
      fc.nat({ max: 2000 }).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
      fc.string({ maxLength: 60 }).map((text) => JSON.stringify({ text }).slice(0, -2)),
    );
    const contentType = fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data',
      '',
      'application/xml',
    );
    await fc.assert(
      fc.asyncProperty(body, contentType, async (payload, type) => {
        const headers: Record<string, string> = type ? { 'content-type': type } : {};
        await expectContractAnswer(await app.request('/api/similar', { method: 'POST', body: payload, headers }));
      }),
      { numRuns: 150 },
    );
  });

  it('unknown routes, wrong methods and path traversal', async () => {
    const path = fc.oneof(
      fc.constantFrom(
        '/',
        '/api',
        '/api/',
        '/api/search',
        '/api/similar',
        '/health',
        '/openapi.json',
        `/api/papers/${'x'}`,
        '/assets/app.js',
        '/assets/../../package.json',
        '/assets/%2e%2e%2fpackage.json',
        '/api/papers/..%2F..%2Fetc%2Fpasswd',
        '/api/papers/%00/similar',
        '//health',
        '/index/manifest.json',
        '/models/all-MiniLM-L6-v2/config.json',
      ),
      fc
        .array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 8 }).map(encode), malformedEscapes), { minLength: 1, maxLength: 4 })
        .map((parts) => `/${parts.join('/')}`),
    );
    const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD');
    await fc.assert(
      fc.asyncProperty(path, method, async (route, verb) => {
        const response = await app.request(route, { method: verb });
        expect(response.status, `${verb} ${route}`).toBeLessThan(500);
        if (route.includes('..') || route.includes('%2e') || route.startsWith('/index') || route.startsWith('/models')) {
          expect([400, 404, 405]).toContain(response.status);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('paper ids of any shape', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          hostileText.map((id) => encode(id) || '%20'),
          malformedEscapes,
        ),
        fc.oneof(kValue, fc.constant('5')),
        async (encoded, k) => {
          await expectContractAnswer(await app.request(`/api/papers/${encoded}`));
          await expectContractAnswer(await app.request(`/api/papers/${encoded}/similar?k=${encode(k)}`));
        },
      ),
      { numRuns: 100 },
    );
    expect((await app.request(`/api/papers/${paperId}`)).status).toBe(200);
  });

  it('keeps serving afterwards', async () => {
    expect((await app.request('/health')).status).toBe(200);
    expect((await app.request('/api/search?q=diffusion+policy')).status).toBe(200);
  });
});
