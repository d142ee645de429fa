import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIndex, loadIndex, type PaperIndex } from '../../src/index/index.js';
import { Embedder } from '../../src/model/index.js';
import type { Paper } from '../../src/papers/index.js';
import type { z } from '@hono/zod-openapi';
import {
  SearchAnswerSchema,
  SearchQuerySchema,
  SimilarBodySchema,
  SimilarPaperQuerySchema,
  type WireAnswer as SearchAnswer,
} from '../../src/contract/schemas.js';
import { SearchEngine } from '../../src/search/index.js';
import { createApp } from '../../src/server/app.js';
import { API_ERRORS, type ErrorCode } from '../../src/server/errors.js';
import { routes } from '../../src/server/routes.js';
import { paperToWire } from '../../src/search/index.js';
import { MODELS_DIR, seedEngine, seedIndex } from '../support/seed-engine.js';

/** The labelled development queries: which seed paper (by exact title) is a core match for a query. */
interface LabelledQuery {
  id: string;
  text: string;
  judgments: Record<string, number>;
}
const seedDev = JSON.parse(readFileSync('tests/eval/seed-dev.json', 'utf8')) as { queries: LabelledQuery[] };

/** The only grade-3 title of a labelled keyword query (names and acronyms have exactly one). */
function coreTitleFor(text: string): string {
  const query = seedDev.queries.find((q) => q.text === text);
  if (!query) throw new Error(`no labelled query "${text}" in seed-dev.json`);
  const core = Object.entries(query.judgments)
    .filter(([, grade]) => grade === 3)
    .map(([title]) => title);
  expect(core, `grade-3 titles of "${text}"`).toHaveLength(1);
  return core[0]!;
}

interface ApiError {
  error: { code: string; message: string };
}

let engine: SearchEngine;
let app: ReturnType<typeof createApp>;
let papers: readonly Paper[];

beforeAll(async () => {
  engine = await seedEngine();
  app = createApp(engine);
  papers = seedIndex().allPapers();
});

function paperTitled(title: string): Paper {
  const paper = papers.find((p) => p.title === title);
  if (!paper) throw new Error(`no seed paper titled "${title}"`);
  return paper;
}

async function get(path: string, init?: RequestInit): Promise<Response> {
  return app.request(path, init);
}

/** POSTs to /api/similar; a null content type sends raw bytes, which get no Content-Type header at all. */
function postSimilar(body: string, contentType: string | null = 'application/json'): Promise<Response> {
  if (contentType === null) return get('/api/similar', { method: 'POST', body: new TextEncoder().encode(body) });
  return get('/api/similar', { method: 'POST', body, headers: { 'content-type': contentType } });
}

async function search(query: Record<string, string>): Promise<SearchAnswer> {
  const response = await get(`/api/search?${new URLSearchParams(query)}`);
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()) as SearchAnswer;
}

/** Every result carries these; the contract's other fields (authors, year, url, ...) only when the paper has them. */
const ALWAYS_IN_RESULT = ['abstract', 'id', 'matched_words', 'score', 'snippet', 'title'];
const RESULT_FIELDS = Object.keys(SearchAnswerSchema.shape.results.element.shape);

/** The contract every search-like answer honours, whatever the route. */
function expectAnswerShape(answer: SearchAnswer): void {
  expect(Object.keys(answer).sort()).toEqual(['confidence', 'generation', 'mode', 'query', 'results', 'took_ms']);
  expect(typeof answer.query).toBe('string');
  expect(['hybrid', 'dense', 'lexical']).toContain(answer.mode);
  expect(typeof answer.took_ms).toBe('number');
  expect(Number.isFinite(answer.took_ms)).toBe(true);
  expect(['high', 'low']).toContain(answer.confidence);
  expect(Array.isArray(answer.results)).toBe(true);
  for (const result of answer.results) {
    const keys = Object.keys(result);
    expect(keys.filter((key) => ALWAYS_IN_RESULT.includes(key)).sort()).toEqual(ALWAYS_IN_RESULT);
    expect(RESULT_FIELDS, 'only fields of the contract').toEqual(expect.arrayContaining(keys));
    const stored = paperToWire(engine.paper(result.id)!) as Record<string, unknown>;
    for (const key of RESULT_FIELDS.filter((field) => !ALWAYS_IN_RESULT.includes(field))) {
      expect((result as Record<string, unknown>)[key], `${key}: only when the paper has it, as the paper has it`).toEqual(stored[key]);
    }
    expect(Array.isArray(result.matched_words)).toBe(true);
    for (const word of result.matched_words) {
      expect(typeof word).toBe('string');
      expect(`${result.title} ${result.abstract}`.toLowerCase(), 'a matched word is a word of the paper').toContain(word);
    }
    expect(typeof result.score).toBe('number');
    expect(Number.isFinite(result.score)).toBe(true);
    const paper = engine.paper(result.id);
    expect(paper, `result id ${result.id} is a paper of the index`).toBeDefined();
    expect(result.title).toBe(paper!.title);
    expect(result.abstract).toBe(paper!.abstract);
    // The snippet is a part of the abstract, possibly cut with a trailing " …".
    expect(result.snippet.length).toBeGreaterThan(0);
    expect(result.abstract).toContain(result.snippet.replace(/ …$/, ''));
  }
  const scores = answer.results.map((r) => r.score);
  expect(scores, 'best first').toEqual([...scores].sort((a, b) => b - a));
  expect(new Set(answer.results.map((r) => r.id)).size, 'no paper twice').toBe(answer.results.length);
}

async function expectError(response: Response, status: number): Promise<ApiError['error']> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = (await response.json()) as ApiError;
  expect(Object.keys(body)).toEqual(['error']);
  expect(API_ERRORS[body.error.code as ErrorCode]?.status, `the status of ${body.error.code}`).toBe(status);
  expect(typeof body.error.code).toBe('string');
  expect(body.error.code.length).toBeGreaterThan(0);
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(0);
  return body.error;
}

describe('GET /api/search', () => {
  it('answers "robot imitation from video" with 10 relevant papers, a core match in the top 3', async () => {
    const answer = await search({ q: 'robot imitation from video' });
    expectAnswerShape(answer);
    expect(answer.query).toBe('robot imitation from video');
    expect(answer.mode).toBe('hybrid');
    expect(answer.results).toHaveLength(10);

    const titles = answer.results.map((r) => r.title);
    expect(titles.slice(0, 3)).toContain('UniSkill: Imitating Human Videos via Cross-Embodiment Skill Representations');
    const onTopic = titles.filter((title) => /video|imitat|human|demonstrat/i.test(title));
    expect(onTopic.length, titles.join('\n')).toBeGreaterThanOrEqual(7);
  });

  it('respects k, and defaults to 10', async () => {
    for (const k of [1, 3, 25, 100]) {
      const answer = await search({ q: 'diffusion policy for robot manipulation', k: String(k) });
      expect(answer.results, `k=${k}`).toHaveLength(k);
    }
    expect((await search({ q: 'diffusion policy for robot manipulation', mode: 'dense' })).results).toHaveLength(10);
  });

  it.each(['hybrid', 'dense', 'lexical'] as const)('works in %s mode', async (mode) => {
    const answer = await search({ q: 'robot imitation from video', mode, k: '5' });
    expectAnswerShape(answer);
    expect(answer.mode).toBe(mode);
    expect(answer.results).toHaveLength(5);
    expect(answer.results.map((r) => r.title)).toContain('UniSkill: Imitating Human Videos via Cross-Embodiment Skill Representations');
  });

  it('lists the words of each result that matched the query, for highlighting', async () => {
    const answer = await search({ q: 'Unitree G1', mode: 'lexical', k: '3' });
    expect(answer.results[0]!.matched_words).toEqual(expect.arrayContaining(['unitree', 'g1']));
    for (const result of answer.results) expect(result.matched_words.length, result.title).toBeGreaterThan(0);
  });

  it('ranks dense answers by cosine similarity', async () => {
    const answer = await search({ q: 'robot imitation from video', mode: 'dense' });
    for (const result of answer.results) {
      expect(result.score).toBeGreaterThanOrEqual(-1);
      expect(result.score).toBeLessThanOrEqual(1);
    }
  });

  describe.each(['DiffClone', 'TOTO benchmark', 'Unitree G1'])('exact name "%s"', (name) => {
    it.each(['lexical', 'hybrid'] as const)('is found first in %s mode', async (mode) => {
      const expected = coreTitleFor(name);
      const answer = await search({ q: name, mode });
      expectAnswerShape(answer);
      expect(answer.results[0]?.title).toBe(expected);
      expect(answer.results[0]?.id).toBe(paperTitled(expected).id);
    });
  });

  it('picks the snippet from the sentence matching the query, not the opening of the abstract', async () => {
    const asap = paperTitled(coreTitleFor('Unitree G1'));
    // Precondition: the name only appears late in that abstract.
    expect(asap.abstract.indexOf('Unitree G1')).toBeGreaterThan(200);

    for (const mode of ['lexical', 'hybrid'] as const) {
      const answer = await search({ q: 'Unitree G1', mode });
      const top = answer.results[0]!;
      expect(top.id).toBe(asap.id);
      expect(top.snippet).toContain('Unitree G1');
      expect(top.snippet.startsWith(asap.abstract.slice(0, 200))).toBe(false);
      expect(asap.abstract).toContain(top.snippet.replace(/ …$/, ''));
    }
  });

  it('keeps every snippet a part of its abstract, over many results and modes', async () => {
    for (const mode of ['hybrid', 'dense', 'lexical'] as const) {
      for (const q of ['sim-to-real transfer for humanoid robots', 'reward tampering in language models', 'offline RL on D4RL']) {
        expectAnswerShape(await search({ q, mode, k: '50' }));
      }
    }
  });

  it('answers odd but valid queries without failing', async () => {
    for (const mode of ['hybrid', 'dense', 'lexical'] as const) {
      for (const q of ['the of and', '???', '%ZZ', 'ünïcödé 机器人 🤖']) {
        const answer = await search({ q, mode });
        expectAnswerShape(answer);
        expect(answer.query).toBe(q);
      }
    }
  });
});

describe('POST /api/similar', () => {
  it('finds a paper first when given its own abstract', async () => {
    const sample = papers.filter((_, i) => i % 20 === 0);
    expect(sample.length).toBeGreaterThanOrEqual(10);
    for (const paper of sample) {
      const response = await postSimilar(JSON.stringify({ text: paper.abstract, k: 3 }));
      expect(response.status).toBe(200);
      const answer = (await response.json()) as SearchAnswer;
      expectAnswerShape(answer);
      expect(answer.results).toHaveLength(3);
      expect(answer.results[0]?.id, paper.title).toBe(paper.id);
    }
  });

  it('accepts k and mode in the body, and a charset in the content type', async () => {
    const text = 'Humanoid robots learn whole-body skills by imitating recorded human motion.';
    for (const mode of ['hybrid', 'dense', 'lexical'] as const) {
      const response = await postSimilar(JSON.stringify({ text, k: 4, mode }), 'application/json; charset=utf-8');
      expect(response.status).toBe(200);
      const answer = (await response.json()) as SearchAnswer;
      expectAnswerShape(answer);
      expect(answer.mode).toBe(mode);
      expect(answer.results).toHaveLength(4);
    }
    const defaults = (await (await postSimilar(JSON.stringify({ text }))).json()) as SearchAnswer;
    expect(defaults.mode).toBe('hybrid');
    expect(defaults.results).toHaveLength(10);
  });
});

describe('GET /api/papers/:id', () => {
  it('returns the paper', async () => {
    const paper = paperTitled('DiffClone: Enhanced Behaviour Cloning in Robotics with Diffusion-Driven Policy Learning');
    const response = await get(`/api/papers/${encodeURIComponent(paper.id)}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as Paper;
    expect(body.id).toBe(paper.id);
    expect(body.title).toBe(paper.title);
    expect(body.abstract).toBe(paper.abstract);
  });

  it('answers 404 for an unknown id', async () => {
    expect(await expectError(await get('/api/papers/no-such-paper-00000000'), 404)).toEqual({
      code: 'paper_not_found',
      message: 'no paper with id "no-such-paper-00000000"',
    });
  });
});

describe('GET /api/papers/:id/similar', () => {
  it('returns k similar papers, never the paper itself', async () => {
    for (const paper of [papers[0]!, papers[Math.floor(papers.length / 2)]!, papers.at(-1)!]) {
      const response = await get(`/api/papers/${encodeURIComponent(paper.id)}/similar?k=5`);
      expect(response.status).toBe(200);
      const answer = (await response.json()) as SearchAnswer;
      expectAnswerShape(answer);
      expect(answer.query).toBe(paper.id);
      expect(answer.results).toHaveLength(5);
      expect(answer.results.map((r) => r.id)).not.toContain(paper.id);
    }
  });

  it('defaults to 10 results and finds topical neighbours', async () => {
    const humanPlus = paperTitled('HumanPlus: Humanoid Shadowing and Imitation from Humans');
    const answer = (await (await get(`/api/papers/${encodeURIComponent(humanPlus.id)}/similar`)).json()) as SearchAnswer;
    expectAnswerShape(answer);
    expect(answer.results).toHaveLength(10);
    expect(answer.results.map((r) => r.id)).not.toContain(humanPlus.id);
    expect(answer.results.filter((r) => /humanoid/i.test(`${r.title} ${r.abstract}`)).length).toBeGreaterThanOrEqual(3);
  });

  it('still excludes the paper when k is the maximum', async () => {
    const paper = papers[1]!;
    const answer = (await (await get(`/api/papers/${encodeURIComponent(paper.id)}/similar?k=100`)).json()) as SearchAnswer;
    expect(answer.results).toHaveLength(100);
    expect(answer.results.map((r) => r.id)).not.toContain(paper.id);
  });

  it('answers 404 for an unknown id and 400 for a bad k', async () => {
    await expectError(await get('/api/papers/no-such-paper-00000000/similar'), 404);
    const error = await expectError(await get(`/api/papers/${encodeURIComponent(papers[0]!.id)}/similar?k=0`), 400);
    expect(error.message).toMatch(/\bk\b/);
  });
});

describe('GET /health', () => {
  it('reports the index being served', async () => {
    const response = await get('/health');
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['built_at', 'generation', 'model', 'papers', 'precision', 'sources', 'status']);
    expect(body.precision).toBe(engine.index.manifest.model.precision);
    expect(body.status).toBe('ok');
    expect(body.papers).toBe(237);
    expect(body.papers).toBe(papers.length);
    expect(body.model).toBe(engine.index.manifest.model.name);
    expect(typeof body.model).toBe('string');
    expect((body.model as string).length).toBeGreaterThan(0);
    expect(typeof body.built_at).toBe('string');
    expect(new Date(body.built_at as string).toISOString()).toBe(body.built_at);
    // Papers per input file, by file name only: the seed library is one folder of files.
    const sources = body.sources as Array<{ source: string; papers: number }>;
    expect(sources).toEqual(engine.describe().sources);
    expect(sources.length).toBeGreaterThan(0);
    for (const { source } of sources) expect(source).not.toMatch(/[/\\]/);
    expect(sources.reduce((sum, { papers: count }) => sum + count, 0)).toBe(237);
  });
});

describe('GET /openapi.json', () => {
  interface Parameter {
    name: string;
    in: string;
    required?: boolean;
  }
  interface Operation {
    operationId?: string;
    security?: Array<Record<string, string[]>>;
    parameters?: Parameter[];
    requestBody?: { content: Record<string, { schema: { $ref?: string; properties?: Record<string, unknown>; required?: string[] } }> };
    responses: Record<string, unknown>;
  }
  interface OpenApiDoc {
    openapi: string;
    info: { license?: { name: string } };
    servers?: Array<{ url: string }>;
    paths: Record<string, Record<string, Operation>>;
    components: {
      schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }>;
      securitySchemes?: Record<string, { type: string; scheme?: string; description?: string }>;
    };
  }

  let doc: OpenApiDoc;
  beforeAll(async () => {
    const response = await get('/openapi.json');
    expect(response.status).toBe(200);
    doc = (await response.json()) as OpenApiDoc;
  });

  const parameters = (path: string, method: string) =>
    Object.fromEntries((doc.paths[path]?.[method]?.parameters ?? []).map((p) => [`${p.in}:${p.name}`, p.required ?? false]));
  /** The fields a request schema checks, as `in:name` → whether a request must give it. */
  const validated = (where: string, schema: unknown) =>
    Object.fromEntries(
      Object.entries((schema as z.ZodObject | undefined)?.shape ?? {}).map(([name, field]) => [
        `${where}:${name}`,
        !field.safeParse(undefined).success,
      ]),
    );

  it('is an OpenAPI 3 document listing every route', () => {
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths['/api/search'] ?? {})).toEqual(['get']);
    expect(Object.keys(doc.paths['/api/similar'] ?? {})).toEqual(['post']);
    expect(Object.keys(doc.paths['/api/papers/{id}'] ?? {})).toEqual(['get']);
    expect(Object.keys(doc.paths['/api/papers/{id}/similar'] ?? {})).toEqual(['get']);
    expect(Object.keys(doc.paths['/api/papers'] ?? {})).toEqual(['get']);
    expect(Object.keys(doc.paths['/health'] ?? {})).toEqual(['get']);
  });

  it('names every operation, for client generators', () => {
    const operationIds = Object.values(doc.paths).flatMap((methods) => Object.values(methods).map((operation) => operation.operationId));
    expect(operationIds.sort()).toEqual([
      'createWatch',
      'deleteWatch',
      'digest',
      'getMap',
      'getMapPosition',
      'getPaper',
      'health',
      'listPapers',
      'listWatches',
      'recommendPapers',
      'searchPapers',
      'similarToPaper',
      'similarToText',
    ]);
  });

  it('declares the bearer token on every /api operation, and leaves /health open', () => {
    expect(doc.components.securitySchemes?.bearerAuth).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      description: expect.stringMatching(/only when the server has one/),
    });
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const operation of Object.values(methods)) {
        expect(operation.security, path).toEqual(path.startsWith('/api/') ? [{ bearerAuth: [] }] : []);
        if (path.startsWith('/api/')) expect(operation.responses, path).toHaveProperty('401');
      }
    }
  });

  it('says where the server runs and under which license', () => {
    expect(doc.servers).toEqual([expect.objectContaining({ url: 'http://127.0.0.1:3000' })]);
    expect(doc.info.license?.name).toBe('MIT');
  });

  it('documents the parameters of each route, exactly those it validates', () => {
    for (const route of Object.values(routes)) {
      const request: { params?: unknown; query?: unknown; body?: unknown } = 'request' in route ? route.request : {};
      expect(parameters(route.path, route.method), `${route.method} ${route.path}`).toEqual({
        ...validated('path', request.params),
        ...validated('query', request.query),
      });
    }
    expect(parameters('/api/search', 'get')).toMatchObject({ 'query:q': true, 'query:k': false, 'query:mode': false });
    expect(parameters('/api/papers/{id}', 'get')).toMatchObject({ 'path:id': true });
    expect(parameters('/api/papers/{id}/similar', 'get')).toMatchObject({ 'path:id': true, 'query:k': false });
  });

  it('documents the JSON body of POST /api/similar inline, so generators keep k and mode optional', () => {
    const schema = doc.paths['/api/similar']?.post?.requestBody?.content['application/json']?.schema;
    expect(schema?.$ref).toBeUndefined();
    expect(Object.keys(schema?.properties ?? {}).sort()).toEqual(Object.keys(SimilarBodySchema.shape).sort());
    expect(schema?.properties).toHaveProperty('k');
    expect(schema?.properties).toHaveProperty('mode');
    expect(schema?.required).toEqual(['text']);
  });

  it('documents the answer and error shapes', () => {
    const answer = doc.components.schemas.SearchAnswer;
    expect(Object.keys(answer?.properties ?? {}).sort()).toEqual(['confidence', 'generation', 'mode', 'query', 'results', 'took_ms']);
    expect(doc.paths['/api/search']?.get?.responses).toHaveProperty('400');
    expect(doc.paths['/api/similar']?.post?.responses).toHaveProperty('413');
    expect(doc.paths['/api/similar']?.post?.responses).toHaveProperty('415');
    expect(doc.paths['/api/papers/{id}']?.get?.responses).toHaveProperty('404');
    expect(doc.paths['/api/papers']?.get?.responses).toHaveProperty('400');
    expect(Object.keys(doc.components.schemas.PaperList?.properties ?? {})).toEqual(['total', 'offset', 'limit', 'papers']);
  });
});

describe('errors', () => {
  const accepted = (schema: z.ZodObject) => Object.keys(schema.shape).join(', ');

  it.each([
    ['missing q', '', 'q'],
    ['empty q', 'q=', 'q'],
    ['blank q', 'q=%20%20', 'q'],
    ['too long q', `q=${'a'.repeat(1001)}`, 'q'],
    ['k=0', 'q=robots&k=0', 'k'],
    ['k=101', 'q=robots&k=101', 'k'],
    ['k=abc', 'q=robots&k=abc', 'k'],
    ['k=1.5', 'q=robots&k=1.5', 'k'],
    ['k=-3', 'q=robots&k=-3', 'k'],
    ['array-valued k', 'q=robots&k=1&k=2', 'k'],
    ['mode=foo', 'q=robots&mode=foo', 'mode'],
    ['upper-case mode', 'q=robots&mode=HYBRID', 'mode'],
  ])('GET /api/search with %s is a 400 naming the field', async (_, query, field) => {
    const error = await expectError(await get(`/api/search?${query}`), 400);
    expect(error.message).toMatch(new RegExp(`\\b${field}\\b`));
  });

  it.each([
    ['q=robots&k=1&k=2', 'k must be given once'],
    ['q=robots&mode=dense&mode=lexical', 'mode must be given once'],
    ['q=robots&k=abc', 'k must be a whole number'],
    ['q=robots&k=', 'k must be a whole number'],
  ])('GET /api/search?%s says exactly what is wrong', async (query, message) => {
    expect((await expectError(await get(`/api/search?${query}`), 400)).message).toBe(message);
  });

  it.each([
    ['year=2023', 'year'],
    ['offset=10', 'offset'],
  ])('GET /api/search with an unknown %s is a 400 naming it and the accepted ones', async (extra, name) => {
    const error = await expectError(await get(`/api/search?q=robots&${extra}`), 400);
    expect(error).toEqual({ code: 'invalid_parameter', message: `unknown parameter "${name}"; accepted: ${accepted(SearchQuerySchema)}` });
    expect(error.message).toMatch(/accepted: q, k, mode\b/);
  });

  it('GET /api/papers/:id/similar with a mode is a 400: similar papers are always hybrid', async () => {
    const error = await expectError(await get(`/api/papers/${encodeURIComponent(papers[0]!.id)}/similar?mode=dense`), 400);
    expect(error).toEqual({
      code: 'invalid_parameter',
      message: `unknown parameter "mode"; accepted: ${accepted(SimilarPaperQuerySchema)}`,
    });
    expect(error.message).toMatch(/accepted: k\b/);
  });

  it('POST /api/similar with an unknown body field is a 400 naming it and the accepted ones', async () => {
    const error = await expectError(await postSimilar(JSON.stringify({ text: 'robots', limit: 3 })), 400);
    expect(error).toEqual({ code: 'invalid_parameter', message: `unknown field "limit"; accepted: ${accepted(SimilarBodySchema)}` });
    expect(error.message).toMatch(/accepted: text, k, mode\b/);
  });

  it('POST /api/similar with malformed JSON is a 400', async () => {
    for (const body of ['{"text": ', '{text: "robots"}', '']) {
      const error = await expectError(await postSimilar(body), 400);
      expect(error.message).toMatch(/JSON/);
    }
  });

  it.each([
    ['an array', '["robots"]', /body/],
    ['a string', '"robots"', /body/],
    ['null', 'null', /body/],
    ['a number', '42', /body/],
    ['an object without text', '{"k": 3}', /\btext\b/],
    ['a non-string text', '{"text": 5}', /\btext\b/],
    ['a blank text', '{"text": "   "}', /\btext\b/],
    ['a too long text', JSON.stringify({ text: 'robot '.repeat(4000) }), /\btext\b/],
    ['k=0', '{"text": "robots", "k": 0}', /\bk\b/],
    ['k=1.5', '{"text": "robots", "k": 1.5}', /\bk\b/],
    ['an unknown mode', '{"text": "robots", "mode": "foo"}', /\bmode\b/],
  ])('POST /api/similar with %s is a 400 naming the problem', async (_, body, message) => {
    const error = await expectError(await postSimilar(body), 400);
    expect(error.message).toMatch(message);
  });

  it('answers 404 for an unknown route', async () => {
    for (const path of ['/api/nothing', '/nothing', '/api/papers/', '/api/papers/a/b', '/api/search/']) {
      await expectError(await get(path), 404);
    }
  });

  // Hono answers HEAD wherever it answers GET, so Allow names both.
  it.each([
    ['DELETE', '/api/search?q=robots', 'GET, HEAD'],
    ['POST', '/api/search?q=robots', 'GET, HEAD'],
    ['GET', '/api/similar', 'POST'],
    ['PUT', '/api/similar', 'POST'],
    ['POST', '/api/papers/some-id', 'GET, HEAD'],
    ['PUT', '/api/papers', 'GET, HEAD'],
    ['DELETE', '/api/papers/some-id/similar', 'GET, HEAD'],
    ['POST', '/health', 'GET, HEAD'],
    ['POST', '/openapi.json', 'GET, HEAD'],
    ['DELETE', '/', 'GET, HEAD'],
    ['PUT', '/assets/app.js', 'GET, HEAD'],
  ])('%s %s is a 405 with an Allow header', async (method, path, allowed) => {
    const response = await get(path, { method });
    const error = await expectError(response, 405);
    expect(response.headers.get('allow')).toBe(allowed);
    expect(error.code).toBe('method_not_allowed');
    expect(error.message).toBe(`${method} is not allowed on ${path.split('?')[0]}; use ${allowed.replace(', ', ' or ')}`);
  });

  it('rejects a body over 64 KiB with 413', async () => {
    const body = JSON.stringify({ text: 'robot '.repeat(12_000) });
    expect(body.length).toBeGreaterThan(64 * 1024);
    await expectError(await postSimilar(body), 413);
    await expectError(await postSimilar('x'.repeat(70_000), 'text/plain'), 413);
  });

  it('accepts a body just under 64 KiB (then judged by the text limit)', async () => {
    const body = JSON.stringify({ text: 'robot learning' }).padEnd(64 * 1024 - 1, ' ');
    expect((await postSimilar(body)).status).toBe(200);
  });

  it.each([
    ['text/plain', 'text/plain'],
    ['form data', 'application/x-www-form-urlencoded'],
    ['no content type', null],
  ])('rejects a %s body with 415', async (_, contentType) => {
    await expectError(await postSimilar('{"text": "robots"}', contentType), 415);
  });
});

describe('authors, year and link, and filters on them', () => {
  const cited = {
    id: 'tactile-pretraining',
    title: 'Contrastive pretraining for tactile sensing',
    abstract: 'We pretrain a tactile encoder with a contrastive objective on touch and vision pairs, and transfer it to grasping.',
    authors: ['Ada Lovelace', 'Alan Turing'],
    year: 2023,
    doi: '10.1234/tactile.2023',
  };
  const bare = {
    id: 'bare-paper',
    title: 'Reward shaping for locomotion',
    abstract: 'A quadruped learns to walk faster when its reward adds a term for foot clearance.',
  };
  let dir: string;
  let index: PaperIndex;
  let citedApp: ReturnType<typeof createApp>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'paper-search-citations-'));
    const input = join(dir, 'papers.jsonl');
    writeFileSync(input, `${[cited, bare].map((paper) => JSON.stringify(paper)).join('\n')}\n`);
    const embedder = await Embedder.load({ modelsDir: MODELS_DIR });
    await buildIndex({ inputs: [input], outDir: join(dir, 'index'), embedder });
    index = await loadIndex(join(dir, 'index'));
    citedApp = createApp(new SearchEngine(index, embedder));
  });

  afterAll(() => {
    index?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const link = 'https://doi.org/10.1234/tactile.2023';

  it('are lifted from the metadata into each result, and left out when the metadata has none', async () => {
    const response = await citedApp.request('/api/search?q=tactile+pretraining&k=2');
    expect(response.status).toBe(200);
    const [first, second] = ((await response.json()) as SearchAnswer).results;
    expect(first).toMatchObject({ id: cited.id, authors: cited.authors, year: 2023, url: link });
    expect(first!.matched_words).toEqual(expect.arrayContaining(['tactile', 'pretraining']));
    expect(second!.id).toBe(bare.id);
    expect(second).not.toHaveProperty('authors');
    expect(second).not.toHaveProperty('year');
    expect(second).not.toHaveProperty('url');
  });

  it('narrow every search-like route when given as filters', async () => {
    const ids = async (response: Response) => {
      expect(response.status, await response.clone().text()).toBe(200);
      return ((await response.json()) as SearchAnswer).results.map((result) => result.id);
    };
    const similarText = (body: object) =>
      citedApp.request('/api/similar', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    expect(await ids(await citedApp.request('/api/search?q=robot+learning'))).toHaveLength(2);
    expect(await ids(await citedApp.request('/api/search?q=robot+learning&year_min=2023'))).toEqual([cited.id]);
    expect(await ids(await citedApp.request('/api/search?q=robot+learning&author=lov%C3%A9lace&mode=dense'))).toEqual([cited.id]);
    expect(await ids(await citedApp.request('/api/search?q=robot+learning&year_max=2022'))).toEqual([]);
    expect(await ids(await similarText({ text: 'Robots learn from touch.', author: 'Turing' }))).toEqual([cited.id]);
    expect(await ids(await similarText({ text: 'Robots learn from touch.', author: 'Nobody' }))).toEqual([]);
    expect(await ids(await citedApp.request(`/api/papers/${bare.id}/similar?year_min=2020`))).toEqual([cited.id]);
    expect(await ids(await citedApp.request(`/api/papers/${cited.id}/similar?year_min=2020`))).toEqual([]);
  });

  it('are part of the paper', async () => {
    const response = await citedApp.request(`/api/papers/${cited.id}`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      id: cited.id,
      title: cited.title,
      abstract: cited.abstract,
      authors: cited.authors,
      year: 2023,
      url: link,
    });
  });
});
