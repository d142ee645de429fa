import { createRoute, z } from '@hono/zod-openapi';
import {
  DigestQuerySchema,
  DigestSchema,
  ErrorSchema,
  HealthSchema,
  MapPositionQuerySchema,
  MapPositionSchema,
  MapSchema,
  PaperListQuerySchema,
  PaperListSchema,
  PaperParamsSchema,
  PaperQuerySchema,
  PaperSchema,
  RecommendAnswerSchema,
  RecommendBodySchema,
  SearchAnswerSchema,
  SearchQuerySchema,
  SimilarBodySchema,
  SimilarPaperQuerySchema,
  WatchBodySchema,
  WatchListSchema,
  WatchParamsSchema,
  WatchSchema,
} from '../contract/schemas.js';
import { EXPORT_FORMATS, type ExportFormat } from '../contract/values.js';
import { exportPapers } from '../papers/index.js';
import { errorResponses } from './errors.js';

/**
 * The API's operations as OpenAPI routes: each validates its request with the contract's zod schemas,
 * and together they generate /openapi.json, so the document describes exactly what the server checks.
 */

const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });

type BibliographyMediaType = `application/x-${string}` | `application/vnd.${string}`;

const BIBLIOGRAPHY_SCHEMAS: Record<ExportFormat, z.ZodType> = {
  bibtex: z.string().openapi({ description: 'BibTeX entries (format=bibtex)' }),
  'csl-json': z.array(z.record(z.string(), z.unknown())).openapi({ description: 'CSL JSON items (format=csl-json)' }),
  ris: z.string().openapi({ description: 'RIS records (format=ris)' }),
};

/**
 * A 200 answer that is JSON, or with `format` the same papers as a bibliography file. The media types
 * are the exporters' own (asked with no papers), so the document names exactly what is sent.
 */
function jsonOrBibliography<T extends z.ZodType>(schema: T, description: string) {
  const files = Object.fromEntries(
    EXPORT_FORMATS.map((format) => [exportPapers([], format).contentType.split(';')[0]!, { schema: BIBLIOGRAPHY_SCHEMAS[format] }]),
  );
  // Typed apart from the JSON answer, so a handler may return the file as a plain Response.
  const content: { 'application/json': { schema: T } } & Record<BibliographyMediaType, { schema: z.ZodType }> = {
    'application/json': { schema },
    ...files,
  };
  return {
    description: `${description}; with \`format\`, its papers as a bibliography file to download`,
    headers: z.object({
      'Content-Disposition': z.string().optional().openapi({
        description: 'With `format` only: `attachment; filename="papers.bib"` (or .json, .ris; one paper is named by its id)',
        example: 'attachment; filename="papers.bib"',
      }),
    }),
    content,
  };
}

/** The name the OpenAPI document gives the access token. */
export const BEARER_AUTH = 'bearerAuth';
const tokenIfConfigured = [{ [BEARER_AUTH]: [] }];

/** What a route that searches can answer besides its result: a bad parameter, a missing token, a foreign host, overload, a damaged index. */
const SEARCH_ERRORS = errorResponses('invalid_parameter', 'unauthorized', 'forbidden_host', 'busy', 'index_unreadable');

/** What a search that takes a JSON body (a pasted text, liked papers) may answer besides its papers. */
const SEARCH_BODY_ERRORS = errorResponses(
  'invalid_parameter',
  'malformed_json',
  'unauthorized',
  'forbidden_host',
  'payload_too_large',
  'unsupported_media_type',
  'busy',
  'index_unreadable',
);

export const routes = {
  searchPapers: createRoute({
    operationId: 'searchPapers',
    method: 'get',
    path: '/api/search',
    summary: 'Answer a free-text question or keyword query',
    description: 'Papers of the index best matching a question or keywords, best first.',
    security: tokenIfConfigured,
    request: { query: SearchQuerySchema },
    responses: {
      200: jsonOrBibliography(SearchAnswerSchema, 'Papers best matching the query, best first'),
      ...SEARCH_ERRORS,
    },
  }),
  similarToText: createRoute({
    operationId: 'similarToText',
    method: 'post',
    path: '/api/similar',
    summary: 'Papers similar to a pasted abstract or passage',
    description: 'Papers of the index most similar to a text of any length (embedded passage by passage, never truncated), best first.',
    security: tokenIfConfigured,
    request: { body: { content: { 'application/json': { schema: SimilarBodySchema } }, required: true } },
    responses: {
      200: jsonOrBibliography(SearchAnswerSchema, 'Papers most similar to the text, best first'),
      ...SEARCH_BODY_ERRORS,
    },
  }),
  getPaper: createRoute({
    operationId: 'getPaper',
    method: 'get',
    path: '/api/papers/{id}',
    summary: 'One paper',
    description:
      'A paper of the index with its authors, year and link when its metadata has them, and the rest of its metadata; with `format`, its citation as a bibliography file.',
    security: tokenIfConfigured,
    request: { params: PaperParamsSchema, query: PaperQuerySchema },
    responses: {
      200: jsonOrBibliography(PaperSchema, 'The paper'),
      ...errorResponses('invalid_parameter', 'unauthorized', 'forbidden_host', 'paper_not_found', 'index_unreadable'),
    },
  }),
  listPapers: createRoute({
    operationId: 'listPapers',
    method: 'get',
    path: '/api/papers',
    summary: 'The papers of the index, a page at a time',
    description:
      'Papers the filters keep, newest first, then by title (papers without a year last), `limit` at a time from `offset`; `total` counts them all.',
    security: tokenIfConfigured,
    request: { query: PaperListQuerySchema },
    responses: {
      200: jsonOrBibliography(PaperListSchema, 'A page of papers and how many the filters keep'),
      ...SEARCH_ERRORS,
    },
  }),
  similarToPaper: createRoute({
    operationId: 'similarToPaper',
    method: 'get',
    path: '/api/papers/{id}/similar',
    summary: 'Papers similar to a paper of the index',
    description: 'Papers most similar to a paper of the index, best first, never the paper itself (always hybrid).',
    security: tokenIfConfigured,
    request: { params: PaperParamsSchema, query: SimilarPaperQuerySchema },
    responses: {
      200: jsonOrBibliography(SearchAnswerSchema, 'Most similar papers, best first'),
      ...errorResponses('invalid_parameter', 'unauthorized', 'forbidden_host', 'paper_not_found', 'busy', 'index_unreadable'),
    },
  }),
  health: createRoute({
    operationId: 'health',
    method: 'get',
    path: '/health',
    summary: 'Liveness and what is being served',
    description: 'Always open, even when the server has an access token, and never waits for the model or for a turn to search.',
    security: [],
    responses: {
      200: json(HealthSchema, 'Serving'),
      503: json(
        HealthSchema,
        'The index became unreadable after start-up (status unreadable, with a message naming the file); until a restart',
      ),
      // /health takes no input and no token; the only client error it answers is `forbidden_host`.
      '4XX': json(
        ErrorSchema,
        '403 `forbidden_host` when the server has no access token and the request names a host other than a loopback name or one of ALLOWED_HOSTS; every client error of this API has this shape',
      ),
    },
  }),
  ...watchRoutes(),
  recommendPapers: createRoute({
    operationId: 'recommendPapers',
    method: 'post',
    path: '/api/recommend',
    summary: 'Papers for a researcher, from papers they liked (and did not)',
    description:
      'Papers of the index a researcher who liked `liked` (and not `disliked`) should read next, best first; marked papers are never recommended. An id the index does not have is refused with a 400 naming it.',
    security: tokenIfConfigured,
    request: { body: { content: { 'application/json': { schema: RecommendBodySchema } }, required: true } },
    responses: {
      200: jsonOrBibliography(RecommendAnswerSchema, 'Recommended papers, best first'),
      ...SEARCH_BODY_ERRORS,
    },
  }),
  ...mapRoutes(),
};

/** The map of the library: every paper's place and region, and where a query lands on it. */
function mapRoutes() {
  return {
    getMap: createRoute({
      operationId: 'getMap',
      method: 'get',
      path: '/api/map',
      summary: 'The map of the library',
      description:
        'Every paper of the index as a point on a 2-D map (parallel arrays: ids, x, y, cluster) and the named regions (clusters) of the map; titles and the rest come from GET /api/papers/{id} on demand.',
      security: tokenIfConfigured,
      responses: {
        200: json(MapSchema, 'The map of the served generation'),
        ...errorResponses('unauthorized', 'forbidden_host', 'index_unreadable'),
      },
    }),
    getMapPosition: createRoute({
      operationId: 'getMapPosition',
      method: 'get',
      path: '/api/map/position',
      summary: 'Where a query lands on the map',
      description:
        'The position on the map of a question or keywords, as GET /api/search takes them: beside the papers nearest to it, placed as a build places a new paper.',
      security: tokenIfConfigured,
      request: { query: MapPositionQuerySchema },
      responses: {
        200: json(MapPositionSchema, 'Where the query lands'),
        ...SEARCH_ERRORS,
      },
    }),
  };
}

/** Saved queries (watches): user data kept beside the index, under the same token rule as every /api/* route. */
function watchRoutes() {
  return {
    createWatch: createRoute({
      operationId: 'createWatch',
      method: 'post',
      path: '/api/watches',
      summary: 'Watch a query or a liked set',
      description:
        'Saves a query, or a set of liked (and disliked) papers, with filters, whose new matches the digest reports. The same query (case and spacing aside) or the same liked set (in any order) with the same filters is one watch: adding it again answers the existing watch with 200. A liked id the index does not have is a 400 naming it.',
      security: tokenIfConfigured,
      request: { body: { content: { 'application/json': { schema: WatchBodySchema } }, required: true } },
      responses: {
        201: json(WatchSchema, 'The new watch'),
        200: json(WatchSchema, 'The watch already kept for this query (or liked set) and filters'),
        ...errorResponses(
          'invalid_parameter',
          'malformed_json',
          'unauthorized',
          'forbidden_host',
          'too_many_watches',
          'payload_too_large',
          'unsupported_media_type',
          'watches_unreadable',
          'busy',
        ),
      },
    }),
    listWatches: createRoute({
      operationId: 'listWatches',
      method: 'get',
      path: '/api/watches',
      summary: 'The watches',
      description: 'Every watch of the index, oldest first.',
      security: tokenIfConfigured,
      responses: {
        200: json(WatchListSchema, 'The watches'),
        ...errorResponses('unauthorized', 'forbidden_host', 'watches_unreadable'),
      },
    }),
    deleteWatch: createRoute({
      operationId: 'deleteWatch',
      method: 'delete',
      path: '/api/watches/{id}',
      summary: 'Stop watching a query',
      security: tokenIfConfigured,
      request: { params: WatchParamsSchema },
      responses: {
        204: { description: 'Removed' },
        ...errorResponses('unauthorized', 'forbidden_host', 'watch_not_found', 'watches_unreadable', 'busy'),
      },
    }),
    digest: createRoute({
      operationId: 'digest',
      method: 'get',
      path: '/api/digest',
      summary: 'New papers for each watch',
      description:
        "For each watch, the papers added since `since` (by default, since the watch was added) that match it with high confidence, best first: each stands out among the watch's matches in the whole library and is close in meaning to it (or contains every term of it); for a liked set, it stands out among the set's recommendations and is as close to one liked paper as a confident search for that paper's text asks. A watch with nothing new has no papers.",
      security: tokenIfConfigured,
      request: { query: DigestQuerySchema },
      responses: {
        200: json(DigestSchema, 'Every watch with its new papers'),
        ...errorResponses('invalid_parameter', 'unauthorized', 'forbidden_host', 'watches_unreadable', 'busy', 'index_unreadable'),
      },
    }),
  };
}

/** The OpenAPI document's header: what the API is, where it runs, and how the access token is sent. */
export const DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'paper-search',
    version: '1.0.0',
    description:
      'Local semantic search over research papers. When the server has an access token (ACCESS_TOKEN or --token), ' +
      'every /api/* operation and this document require it as `Authorization: Bearer <token>`; without one they are open.',
    license: { name: 'MIT', identifier: 'MIT' },
  },
  servers: [{ url: 'http://127.0.0.1:3000', description: 'The server on its default host and port (HOST and PORT change them)' }],
};

export const SECURITY_SCHEMES = {
  [BEARER_AUTH]: {
    type: 'http',
    scheme: 'bearer',
    description:
      'The access token the server was started with. Enforced only when the server has one; otherwise requests without it are answered.',
  },
} as const;
