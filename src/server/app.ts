import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { LIMITS, type ExportFormat } from '../contract/values.js';
import { IndexUnreadableError, WatchesUnreadableError, type WatchStore } from '../index/index.js';
import { MCP_PATH, mcpOverHttp } from '../mcp/index.js';
import { exportPapers, type Paper } from '../papers/index.js';
import {
  type Answer,
  answerToWire,
  digestToWire,
  filterFromWire,
  PaperNotFoundError,
  paperToWire,
  resolveMarks,
  type SearchEngine,
  digestWatches,
} from '../search/index.js';
import { mountWeb } from '../web/index.js';
import { ApiError, answerError, answerInvalidRequest, answerNotFound } from './errors.js';
import { accessToken } from './middleware/access-token.js';
import { admission, AdmissionQueue, DEFAULT_ADMISSION, type AdmissionLimits } from './middleware/admission.js';
import { allowedHostsOnly } from './middleware/allowed-hosts.js';
import { limitBody } from './middleware/body-limit.js';
import { corsFor } from './middleware/cors.js';
import { allowedMethodsOnly } from './middleware/method-not-allowed.js';
import { securityHeaders } from './middleware/security-headers.js';
import { DOCUMENT, routes, SECURITY_SCHEMES } from './routes.js';

export interface AppOptions {
  /** Largest accepted request body in bytes. */
  bodyLimit?: number;
  /** When set, /api/* and /openapi.json require `Authorization: Bearer <token>`. */
  accessToken?: string;
  /** Origins allowed to call the API from a browser (CORS); none unless configured. */
  corsOrigins?: string[];
  /**
   * Host names answered besides loopback ones (127.0.0.1, localhost, [::1]) when there is no access
   * token; any other Host gets 403 `forbidden_host`. Ignored with a token, which protects every host.
   */
  allowedHosts?: string[];
  /**
   * How many searching requests (search, similar text, similar paper, paper list, digest) work at once
   * (default: the number of cores) and wait for a turn (default 32); beyond that, 503 `busy` at once.
   */
  admission?: Partial<AdmissionLimits>;
  /** The watches of the served index; without it the watch routes answer 404. */
  watches?: WatchStore;
}

/**
 * The HTTP front end: validates with the zod schemas (which also generate /openapi.json), calls the
 * search engine, and shapes answers and errors. It holds no retrieval logic.
 */
export function createApp(engine: SearchEngine, options: AppOptions = {}): OpenAPIHono {
  const app = new OpenAPIHono({ defaultHook: (result, c) => (result.success ? undefined : answerInvalidRequest(result, c)) });

  app.use(securityHeaders());
  if (!options.accessToken) app.use(allowedHostsOnly(options.allowedHosts ?? []));
  app.use(allowedMethodsOnly(app));
  if (options.corsOrigins?.length) app.use('/api/*', corsFor(options.corsOrigins));
  if (options.accessToken) {
    const requireToken = accessToken(options.accessToken);
    app.use('/api/*', requireToken).use('/openapi.json', requireToken);
  }
  app.use('/api/*', limitBody(options.bodyLimit ?? LIMITS.bodyBytes));
  // After the cheap checks above, before anything parses a body or touches text: overload is refused here.
  const admitted = admission(new AdmissionQueue({ ...DEFAULT_ADMISSION, ...options.admission }));
  for (const route of [
    routes.searchPapers,
    routes.similarToText,
    routes.similarToPaper,
    routes.listPapers,
    routes.digest,
    routes.recommendPapers,
  ])
    app.use(route.getRoutingPath(), admitted);

  // MCP over Streamable HTTP, behind the API's rules: allowed hosts (above), the token, the body limit and admission.
  if (options.accessToken) app.use(MCP_PATH, accessToken(options.accessToken));
  app.use(MCP_PATH, limitBody(options.bodyLimit ?? LIMITS.bodyBytes), admitted);
  const answerMcp = mcpOverHttp(engine, { watches: options.watches });
  app.post(MCP_PATH, (c) => answerMcp(c.req.raw));

  // Set by the first IndexUnreadableError: the index cannot be trusted again until a restart.
  // A data file that changed under the server makes its generation unreadable; a newer generation, loaded live, is not.
  let unreadable: { message: string; generation: number } | undefined;

  app.openapi(routes.searchPapers, async (c) => {
    const query = c.req.valid('query');
    const answer = await engine.search(query.q, {
      k: query.k,
      mode: query.mode,
      filter: filterFromWire(query),
      passages: query.explain === 'full',
    });
    return answerAs(c, answer, query.format);
  });

  app.openapi(routes.similarToText, async (c) => {
    const body = c.req.valid('json');
    const answer = await engine.search(body.text, {
      k: body.k,
      mode: body.mode,
      filter: filterFromWire(body),
      passages: body.explain === 'full',
    });
    return answerAs(c, answer, body.format);
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
    const answer = await engine.similarToPaper(id, { k: query.k, filter: filterFromWire(query), passages: query.explain === 'full' });
    return answerAs(c, answer, query.format);
  });

  app.openapi(routes.recommendPapers, async (c) => {
    const { liked, disliked, k, mode, format, ...filter } = c.req.valid('json');
    const answer = await engine.recommend({ liked, disliked, k, mode, filter: filterFromWire(filter) });
    return answerAs(c, answer, format);
  });

  app.openapi(routes.health, (c) => {
    const { papers, model, precision, builtAt, generation, sources } = engine.describe();
    const served = { papers, model, precision, built_at: builtAt, generation, sources };
    return unreadable?.generation !== generation
      ? c.json({ status: 'ok' as const, ...served }, 200)
      : c.json({ status: 'unreadable' as const, message: unreadable.message, ...served }, 503);
  });

  const watches = (): WatchStore => {
    if (!options.watches) throw new ApiError('not_found', 'this server keeps no watches: it serves no index folder');
    return options.watches;
  };
  app.openapi(routes.createWatch, async (c) => {
    const body = c.req.valid('json');
    // A liked set is refused as /api/recommend refuses it: an id the index does not have is a 400 naming it.
    if (body.liked) resolveMarks(engine.index, body.liked, body.disliked ?? []);
    const { watch, created } = await watches().add(body);
    return created ? c.json(watch, 201) : c.json(watch, 200);
  });
  app.openapi(routes.listWatches, (c) => c.json({ watches: watches().list() }, 200));
  app.openapi(routes.deleteWatch, async (c) => {
    await watches().remove(c.req.valid('param').id);
    return c.body(null, 204);
  });
  app.openapi(routes.digest, async (c) => {
    const { since } = c.req.valid('query');
    const watched = watches().list();
    return c.json(digestToWire(await engine.digest(digestWatches(watched, since)), watched, since), 200);
  });

  app.openapi(routes.getMap, (c) => c.json(engine.map(), 200));
  app.use(routes.getMapPosition.getRoutingPath(), admitted);
  app.openapi(routes.getMapPosition, async (c) => c.json(await engine.mapPosition(c.req.valid('query').q), 200));

  for (const [name, scheme] of Object.entries(SECURITY_SCHEMES)) app.openAPIRegistry.registerComponent('securitySchemes', name, scheme);
  app.doc31('/openapi.json', DOCUMENT);

  const { papers, model } = engine.describe();
  mountWeb(app, {
    papers,
    model,
    queryChars: LIMITS.queryChars,
    passageChars: LIMITS.passageChars,
    watched: () => hasWatches(options.watches),
  });

  app.notFound(answerNotFound);
  app.onError((error, c) => {
    const { generation } = engine.describe();
    if (error instanceof IndexUnreadableError && unreadable?.generation !== generation) {
      unreadable = { message: error.message, generation };
      console.error(`error: ${error.message}`);
    }
    return answerError(error, c);
  });
  return app;
}

/** An answer as the request asked for it: the JSON the contract describes, or its papers as a bibliography file. */
function answerAs<M extends string>(c: Context, answer: Answer<M>, format: ExportFormat | undefined) {
  return format
    ? bibliography(
        c,
        answer.hits.map((hit) => hit.paper),
        format,
        'papers',
      )
    : c.json(answerToWire(answer), 200);
}

/** Papers as a bibliography file to download: the exporter's text and media type, named `<name><extension>`. */
function bibliography(c: Context, papers: Paper[], format: ExportFormat, name: string): Response {
  const file = exportPapers(papers, format);
  return c.body(file.body, 200, {
    'Content-Type': file.contentType,
    'Content-Disposition': `attachment; filename="${name}${file.extension}"`,
  });
}

/** A paper id as a file name: ids read from JSON Lines may hold any character, a header's quoted name may not. */
function fileNameOf(id: string): string {
  return (
    id
      .replace(/[^\w.-]+/g, '-')
      .replace(/^[.-]+/, '')
      .slice(0, 100) || 'paper'
  );
}

/** Whether there are watches to show a digest of; an unreadable file counts, so the page asks and the API says what is wrong. */
function hasWatches(store: WatchStore | undefined): boolean {
  try {
    return (store?.list().length ?? 0) > 0;
  } catch (error) {
    if (error instanceof WatchesUnreadableError) return true;
    throw error;
  }
}
