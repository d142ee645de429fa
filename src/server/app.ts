import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { LIMITS, type ExportFormat } from '../contract/values.js';
import { exportPapers, type Paper } from '../papers/index.js';
import { PaperNotFoundError, type SearchEngine } from '../search/index.js';
import { mountWeb } from '../web/index.js';
import { answerError, answerInvalidRequest, answerNotFound } from './errors.js';
import { accessToken } from './middleware/access-token.js';
import { limitBody } from './middleware/body-limit.js';
import { corsFor } from './middleware/cors.js';
import { allowedMethodsOnly } from './middleware/method-not-allowed.js';
import { securityHeaders } from './middleware/security-headers.js';
import { DOCUMENT, routes, SECURITY_SCHEMES } from './routes.js';
import { answerToWire, filterFromWire, paperToWire } from './wire.js';

export interface AppOptions {
  /** Largest accepted request body in bytes. */
  bodyLimit?: number;
  /** When set, /api/* and /openapi.json require `Authorization: Bearer <token>`. */
  accessToken?: string;
  /** Origins allowed to call the API from a browser (CORS); none unless configured. */
  corsOrigins?: string[];
}

/**
 * The HTTP front end: validates with the zod schemas (which also generate /openapi.json), calls the
 * search engine, and shapes answers and errors. It holds no retrieval logic.
 */
export function createApp(engine: SearchEngine, options: AppOptions = {}): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: (result, c) => (result.success ? undefined : answerInvalidRequest(result, c)) });

  app.use(securityHeaders());
  app.use(allowedMethodsOnly(app));
  if (options.corsOrigins?.length) app.use('/api/*', corsFor(options.corsOrigins));
  if (options.accessToken) {
    const requireToken = accessToken(options.accessToken);
    app.use('/api/*', requireToken).use('/openapi.json', requireToken);
  }
  app.use('/api/*', limitBody(options.bodyLimit ?? LIMITS.bodyBytes));

  app.openapi(routes.searchPapers, async (c) => {
    const query = c.req.valid('query');
    const answer = await engine.search(query.q, { k: query.k, mode: query.mode, filter: filterFromWire(query) });
    return query.format ? bibliography(c, answer.hits.map((hit) => hit.paper), query.format, 'papers') : c.json(answerToWire(answer), 200);
  });

  app.openapi(routes.similarToText, async (c) => {
    const body = c.req.valid('json');
    return c.json(answerToWire(await engine.search(body.text, { k: body.k, mode: body.mode, filter: filterFromWire(body) })), 200);
  });

  app.openapi(routes.getPaper, (c) => {
    const { id } = c.req.valid('param');
    const { format } = c.req.valid('query');
    const paper = engine.paper(id);
    if (!paper) throw new PaperNotFoundError(id);
    return format ? bibliography(c, [paper], format, fileNameOf(paper.id)) : c.json(paperToWire(paper), 200);
  });

  app.openapi(routes.listPapers, (c) => {
    const { offset, limit, format, ...filter } = c.req.valid('query');
    const { total, papers } = engine.listPapers({ filter: filterFromWire(filter), offset, limit });
    return format ? bibliography(c, papers, format, 'papers') : c.json({ total, offset, limit, papers: papers.map(paperToWire) }, 200);
  });

  app.openapi(routes.similarToPaper, async (c) => {
    const { id } = c.req.valid('param');
    const query = c.req.valid('query');
    const answer = await engine.similarToPaper(id, { k: query.k, filter: filterFromWire(query) });
    return query.format ? bibliography(c, answer.hits.map((hit) => hit.paper), query.format, 'papers') : c.json(answerToWire(answer), 200);
  });

  app.openapi(routes.health, (c) => {
    const { papers, model, precision, builtAt, sources } = engine.describe();
    return c.json({ status: 'ok' as const, papers, model, precision, built_at: builtAt, sources }, 200);
  });

  for (const [name, scheme] of Object.entries(SECURITY_SCHEMES)) app.openAPIRegistry.registerComponent('securitySchemes', name, scheme);
  app.doc31('/openapi.json', DOCUMENT);

  const { papers, model } = engine.describe();
  mountWeb(app, { papers, model, queryChars: LIMITS.queryChars, passageChars: LIMITS.passageChars });

  app.notFound(answerNotFound);
  app.onError(answerError);
  return app;
}

/** Papers as a bibliography file to download: the exporter's text and media type, named `<name><extension>`. */
function bibliography(c: Context, papers: Paper[], format: ExportFormat, name: string): Response {
  const file = exportPapers(papers, format);
  return c.body(file.body, 200, { 'Content-Type': file.contentType, 'Content-Disposition': `attachment; filename="${name}${file.extension}"` });
}

/** A paper id as a file name: ids read from JSON Lines may hold any character, a header's quoted name may not. */
function fileNameOf(id: string): string {
  return id.replace(/[^\w.-]+/g, '-').replace(/^[.-]+/, '').slice(0, 100) || 'paper';
}
