import { createRoute, OpenAPIHono, type z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { bearerAuth } from 'hono/bearer-auth';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { BusyError } from '../model/index.js';
import { PaperNotFoundError, type SearchEngine } from '../search/index.js';
import { mountWeb, securityHeaders } from '../web/index.js';
import {
  ErrorSchema, HealthSchema, PaperParamsSchema, PaperSchema, SearchAnswerSchema, SearchQuerySchema,
  SimilarBodySchema, SimilarPaperQuerySchema,
} from '../contract/schemas.js';
import { LIMITS } from '../contract/values.js';
import { answerToWire, paperToWire } from './wire.js';

export interface AppOptions {
  /** Largest accepted request body in bytes. */
  bodyLimit?: number;
  /** When set, /api/* and /openapi.json require `Authorization: Bearer <token>`. */
  accessToken?: string;
  /** Origins allowed to call the API from a browser (CORS); none unless configured. */
  corsOrigins?: string[];
}

const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
const errors = {
  400: json(ErrorSchema, 'Invalid parameter or malformed JSON; the message names the field'),
  404: json(ErrorSchema, 'Unknown paper or route'),
};

const routes = {
  search: createRoute({
    method: 'get', path: '/api/search', summary: 'Answer a free-text question or keyword query',
    request: { query: SearchQuerySchema },
    responses: { 200: json(SearchAnswerSchema, 'Papers best matching the query, best first'), 400: errors[400] },
  }),
  similarToText: createRoute({
    method: 'post', path: '/api/similar', summary: 'Papers similar to a pasted abstract or passage',
    request: { body: { content: { 'application/json': { schema: SimilarBodySchema } }, required: true } },
    responses: {
      200: json(SearchAnswerSchema, 'Papers most similar to the text, best first'),
      400: errors[400],
      413: json(ErrorSchema, `Body larger than the limit (${LIMITS.bodyBytes} bytes by default)`),
      415: json(ErrorSchema, 'Body is not application/json'),
    },
  }),
  paper: createRoute({
    method: 'get', path: '/api/papers/{id}', summary: 'One paper',
    request: { params: PaperParamsSchema },
    responses: { 200: json(PaperSchema, 'The paper'), 404: errors[404] },
  }),
  similarToPaper: createRoute({
    method: 'get', path: '/api/papers/{id}/similar', summary: 'Papers similar to a paper of the index (never itself)',
    request: { params: PaperParamsSchema, query: SimilarPaperQuerySchema },
    responses: { 200: json(SearchAnswerSchema, 'Most similar papers, best first'), 400: errors[400], 404: errors[404] },
  }),
  health: createRoute({
    method: 'get', path: '/health', summary: 'Liveness and what is being served',
    responses: { 200: json(HealthSchema, 'Serving') },
  }),
};

export function apiError(c: Context, status: ContentfulStatusCode, code: string, message: string) {
  return c.json({ error: { code, message } }, status);
}

const ERROR_CODES: Partial<Record<number, string>> = {
  400: 'bad_request', 404: 'not_found', 405: 'method_not_allowed', 413: 'payload_too_large', 415: 'unsupported_media_type', 503: 'busy',
};

/** Every documented path as a matcher, to tell "wrong method" (405) from "no such route" (404). */
const knownPaths = [
  ...Object.values(routes).map((route) => ({
    method: route.method.toUpperCase(),
    pattern: new RegExp(`^${route.path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
  })),
  { method: 'GET', pattern: /^\/(assets\/[^/]+)?$/ },
  { method: 'GET', pattern: /^\/openapi\.json$/ },
];

/**
 * The HTTP front end: validates with the zod schemas (which also generate /openapi.json), calls the
 * search engine, and shapes answers and errors. It holds no retrieval logic.
 */
export function createApp(engine: SearchEngine, options: AppOptions = {}): OpenAPIHono {
  const app = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (result.success) return;
      const issue = result.error.issues[0]!;
      const field = issue.path.join('.') || (result.target === 'json' ? 'body' : result.target);
      const message = issue.message.startsWith(field) ? issue.message : `${field}: ${issue.message}`;
      return apiError(c, 400, 'invalid_parameter', message);
    },
  });

  app.use('*', securityHeaders());
  if (options.corsOrigins?.length) app.use('/api/*', cors({ origin: options.corsOrigins }));
  if (options.accessToken) {
    const requireToken = bearerAuth({ token: options.accessToken });
    app.use('/api/*', requireToken);
    app.use('/openapi.json', requireToken);
  }
  app.use('/api/*', bodyLimit({
    maxSize: options.bodyLimit ?? LIMITS.bodyBytes,
    onError: (c) => apiError(c, 413, 'payload_too_large', `request body exceeds ${options.bodyLimit ?? LIMITS.bodyBytes} bytes`),
  }));

  app.openapi(routes.search, async (c) => {
    const { q, k, mode } = c.req.valid('query');
    return c.json(answerToWire(await engine.search(q, { k, mode })), 200);
  });

  app.openapi(routes.similarToText, async (c) => {
    const { text, k, mode } = c.req.valid('json');
    return c.json(answerToWire(await engine.search(text, { k, mode })), 200);
  });

  app.openapi(routes.paper, (c) => {
    const { id } = c.req.valid('param');
    const paper = engine.paper(id);
    if (!paper) throw new PaperNotFoundError(id);
    return c.json(paperToWire(paper), 200);
  });

  app.openapi(routes.similarToPaper, async (c) => {
    const { id } = c.req.valid('param');
    return c.json(answerToWire(await engine.similarToPaper(id, { k: c.req.valid('query').k })), 200);
  });

  app.openapi(routes.health, (c) => {
    const { papers, model, precision, builtAt } = engine.describe();
    return c.json({ status: 'ok' as const, papers, model, precision, built_at: builtAt }, 200);
  });

  app.doc('/openapi.json', {
    openapi: '3.0.0',
    info: { title: 'paper-search', version: '1.0.0', description: 'Local semantic search over research papers' },
  });

  const { papers, model } = engine.describe();
  mountWeb(app, { papers, model, queryChars: LIMITS.queryChars, passageChars: LIMITS.passageChars });

  app.notFound((c) => {
    const allowed = knownPaths.filter((known) => known.pattern.test(c.req.path)).map((known) => known.method);
    if (allowed.length > 0 && !allowed.includes(c.req.method)) {
      c.header('Allow', allowed.join(', '));
      return apiError(c, 405, 'method_not_allowed', `${c.req.method} is not allowed on ${c.req.path}; use ${allowed.join(' or ')}`);
    }
    return apiError(c, 404, 'not_found', `no route ${c.req.method} ${c.req.path}; see /openapi.json`);
  });

  app.onError((error, c) => {
    if (error instanceof PaperNotFoundError) return apiError(c, 404, 'paper_not_found', error.message);
    if (error instanceof BusyError) {
      c.header('Retry-After', '1');
      return apiError(c, 503, 'busy', error.message);
    }
    if (error instanceof HTTPException) {
      const status = error.status as ContentfulStatusCode;
      if (status === 400) return apiError(c, 400, 'malformed_json', 'request body is not valid JSON; send a JSON object such as {"text": "..."}');
      if (status === 401) {
        c.header('WWW-Authenticate', 'Bearer');
        return apiError(c, 401, 'unauthorized', 'missing or invalid access token; send Authorization: Bearer <token>');
      }
      if (status === 415) return apiError(c, 415, 'unsupported_media_type', 'request body must be JSON; send it with Content-Type: application/json');
      return apiError(c, status, ERROR_CODES[status] ?? 'error', error.message || 'request rejected');
    }
    console.error(`internal error on ${c.req.method} ${c.req.path}: ${error.message}`);
    return apiError(c, 500, 'internal_error', 'the server failed to answer; the error was logged');
  });

  return app;
}
