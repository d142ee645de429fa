import { z } from '@hono/zod-openapi';
import {
  CONFIDENCE_LEVELS,
  DEFAULT_MODE,
  DEFAULT_RECOMMEND_MODE,
  EXPORT_FORMATS,
  LIMITS,
  MARKED_PAPERS,
  MODES,
  PAGE_SIZE,
  RECOMMEND_MODE_HINTS,
  RECOMMEND_MODES,
  RESULT_COUNT,
} from './values.js';

/**
 * The wire contract: requests and answers of the JSON API (and of the CLI's --json and the MCP tools), defined once.
 * They validate requests, generate /openapi.json, and give the TypeScript types by inference.
 * Request fields are described with zod's own `.meta`, which both the OpenAPI generator and zod's JSON
 * Schema (the MCP tools' input schemas) read; what `.openapi()` adds reaches only the OpenAPI document.
 */

/** Repeated query parameters arrive as arrays: say so instead of a confusing type error. */
const givenOnce = (field: string, expected: string) => (issue: { input?: unknown }) =>
  Array.isArray(issue.input)
    ? `${field} must be given once`
    : issue.input === undefined
      ? `${field} is required`
      : `${field} must be ${expected}`;

/** Query strings carry numbers as text; anything else (a repeated parameter's array) reaches the check as it came. */
const numberFromText = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value);
const k = z
  .preprocess(
    numberFromText,
    z
      .number({ error: givenOnce('k', 'a whole number') })
      .int('k must be a whole number')
      .min(RESULT_COUNT.min, `k must be at least ${RESULT_COUNT.min}`)
      .max(RESULT_COUNT.max, `k must be at most ${RESULT_COUNT.max}`),
  )
  .default(RESULT_COUNT.default)
  .meta({ description: `Number of results, ${RESULT_COUNT.min}-${RESULT_COUNT.max}`, example: RESULT_COUNT.default });
const mode = z
  .enum(MODES, { error: givenOnce('mode', `one of ${MODES.join(', ')}`) })
  .default(DEFAULT_MODE)
  .meta({ description: 'hybrid (default): fusion of dense and lexical; dense: embeddings only; lexical: BM25 only' });

const year = (field: string) =>
  z
    .preprocess(
      numberFromText,
      z
        .number({ error: givenOnce(field, 'a year') })
        .int(`${field} must be a year`)
        .min(0, `${field} must be a year`)
        .max(9999, `${field} must be a year`),
    )
    .optional();
const filterText = (field: string, description: string) =>
  z
    .string({ error: givenOnce(field, 'text') })
    .trim()
    .min(1, `${field} must not be empty`)
    .max(200, `${field} must be at most 200 characters`)
    .optional()
    .meta({ description });

/** Filters every search-like request and the paper list take; they combine with AND. */
const filters = {
  year_min: year('year_min').meta({ description: 'Only papers from this year on' }),
  year_max: year('year_max').meta({ description: 'Only papers up to this year' }),
  author: filterText('author', 'Only papers with an author whose name contains this (case and accents ignored)'),
  venue: filterText('venue', 'Only papers whose venue contains this (case and accents ignored)'),
  tag: filterText('tag', 'Only papers with this tag: keyword, arXiv category or MeSH term (case and accents ignored)'),
};

const format = z
  .enum(EXPORT_FORMATS, { error: givenOnce('format', `one of ${EXPORT_FORMATS.join(', ')}`) })
  .optional()
  .meta({ description: 'Answer with the papers as a bibliography file instead of JSON' });

const explain = z
  .enum(['basic', 'full'], { error: givenOnce('explain', 'basic or full') })
  .optional()
  .meta({
    description:
      "basic (when absent): each result's explain has its matched terms with their offsets and its ranks; full: also the passage nearest the query in meaning (embeds every sentence of the results: slower)",
  });

/**
 * An object that answers an unknown field with a 400 naming it and the accepted ones, instead of ignoring it.
 * The accepted ones are those of the object checking, so a schema derived by omit or extend (the MCP tools'
 * inputs) names its own.
 */
function closedObject<T extends z.ZodRawShape>(shape: T, what: string) {
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown ${what} ${issue.keys.map((key) => `"${key}"`).join(', ')}; accepted: ${Object.keys((issue.inst as z.ZodObject).shape).join(', ')}`
        : undefined,
  });
}

export const SearchQuerySchema = closedObject(
  {
    q: z
      .string({ error: givenOnce('q', 'text') })
      .trim()
      .min(1, 'q must not be empty')
      .max(LIMITS.queryChars, `q must be at most ${LIMITS.queryChars} characters`)
      .meta({ description: 'A question or keywords', example: 'how do robots learn from a few demonstrations?' }),
    k,
    mode,
    ...filters,
    format,
    explain,
  },
  'parameter',
);

/**
 * Inline in the OpenAPI document rather than a named schema: generators such as openapi-typescript make
 * a named schema's defaulted fields required, and k and mode are optional in a request.
 */
export const SimilarBodySchema = closedObject(
  {
    text: z
      .string({ error: 'text is required and must be a string' })
      .trim()
      .min(1, 'text must not be empty')
      .max(LIMITS.passageChars, `text must be at most ${LIMITS.passageChars} characters`)
      .meta({ description: 'An abstract or any passage; long texts are embedded passage by passage, not truncated' }),
    k,
    mode,
    ...filters,
    format,
    explain,
  },
  'field',
);

export const PaperParamsSchema = z.object({
  id: z
    .string()
    .min(1)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'diffclone-enhanced-behaviour-cloning-0b1c2d3e' }),
});

export const SimilarPaperQuerySchema = closedObject({ k, ...filters, format, explain }, 'parameter');

export const PaperQuerySchema = closedObject({ format }, 'parameter');

export const PaperListQuerySchema = closedObject(
  {
    offset: z
      .preprocess(
        numberFromText,
        z
          .number({ error: givenOnce('offset', 'a whole number') })
          .int('offset must be a whole number')
          .min(0, 'offset must be at least 0'),
      )
      .default(0),
    limit: z
      .preprocess(
        numberFromText,
        z
          .number({ error: givenOnce('limit', 'a whole number') })
          .int('limit must be a whole number')
          .min(1, 'limit must be at least 1')
          .max(PAGE_SIZE.max, `limit must be at most ${PAGE_SIZE.max}`),
      )
      .default(PAGE_SIZE.default),
    ...filters,
    format,
  },
  'parameter',
);

/** The filter fields of a parsed request. */
export type WireFilter = { [K in keyof typeof filters]?: z.output<(typeof filters)[K]> };

const SpanSchema = z
  .object({
    start: z.number().int().openapi({ description: 'Offset of the first character (UTF-16 code units, as JavaScript strings count)' }),
    end: z.number().int().openapi({ description: 'Offset just past the last character: text.slice(start, end) is the word as written' }),
  })
  .openapi('Span');

const TermSpanSchema = SpanSchema.extend({
  term: z.string().openapi({ description: 'The analyzed query term (lower-cased, stemmed) this word matched', example: 'model' }),
}).openapi('TermSpan');

const ExplainSchema = z
  .object({
    terms: z.array(z.string()).openapi({
      description:
        "The query's analyzed terms (lower-cased, Porter-stemmed; a lookup's with the joined, split or spelled-out forms added) found in the title or abstract",
    }),
    title: z.array(TermSpanSchema).openapi({ description: 'Where those terms stand in `title`, in order: what to highlight there' }),
    abstract: z.array(TermSpanSchema).openapi({ description: 'Where they stand in `abstract`, in order' }),
    snippet_start: z.number().int().openapi({
      description:
        "Where `snippet` starts in `abstract` (it is a slice of it, up to a trailing ' …'): abstract spans shifted by this mark the snippet",
    }),
    lexical_rank: z.number().int().nullable().openapi({
      description: "Rank (1 = best) in the mode's BM25 candidate list; null when not in it, or the mode did not consult BM25 (dense)",
    }),
    dense_rank: z.number().int().nullable().openapi({
      description:
        "Rank (1 = best) in the mode's embedding candidate list; null when not in it, or the mode did not consult embeddings (lexical)",
    }),
    passage: SpanSchema.extend({
      field: z.enum(['title', 'abstract']),
      similarity: z.number().openapi({ description: 'Cosine similarity between the query and the passage' }),
    })
      .nullable()
      .openapi({
        description:
          'The title or the sentence of the abstract nearest the query in meaning, as a range of that field; null unless explain=full was asked (it embeds every sentence of the results)',
      }),
  })
  .openapi('Explain');

const ResultSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    score: z.number().openapi({ description: 'Higher is better; comparable within one answer' }),
    snippet: z.string().openapi({ description: 'The part of the abstract that best matches the query' }),
    abstract: z.string(),
    matched_words: z
      .array(z.string())
      .openapi({ description: 'Words of the title and abstract (lower-cased, as written) that matched a query term: what to highlight' }),
    explain: ExplainSchema.openapi({
      description: 'Why this paper is in the answer: the query terms it matched and where, its ranks, its best passage',
    }),
    authors: z.array(z.string()).optional(),
    year: z.number().int().optional(),
    venue: z.string().optional(),
    url: z.string().optional().openapi({ description: 'An http(s) link to the paper (its URL, DOI, arXiv or PubMed page)' }),
  })
  .openapi('Result');

export const SearchAnswerSchema = z
  .object({
    query: z.string().openapi({ description: 'The query text, or the paper id for similar-to-paper' }),
    mode: z.enum(MODES),
    took_ms: z.number(),
    confidence: z.enum(CONFIDENCE_LEVELS).openapi({ description: 'low when the corpus probably does not cover the query' }),
    generation: z.number().int().openapi({
      description: 'The generation of the index that answered (the whole answer comes from it, also while a new one is loaded)',
    }),
    results: z.array(ResultSchema),
  })
  .openapi('SearchAnswer');

export const PaperSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    abstract: z.string().openapi({ description: 'Empty for a paper known by its title alone' }),
    authors: z.array(z.string()).optional().openapi({ description: 'Display names, in order' }),
    year: z.number().int().optional(),
    date: z.string().optional().openapi({ description: 'ISO date, as precise as known (2024, 2024-05, 2024-05-17)' }),
    venue: z.string().optional().openapi({ description: 'Journal, proceedings, container title or arXiv journal-ref' }),
    tags: z.array(z.string()).optional().openapi({ description: 'Keywords, arXiv categories, MeSH terms' }),
    doi: z.string().optional(),
    arxiv: z.string().optional().openapi({ description: 'Version-less arXiv id' }),
    pmid: z.string().optional(),
    url: z.string().optional().openapi({ description: 'An http(s) link to the paper (its URL, DOI, arXiv or PubMed page)' }),
    key: z.string().optional().openapi({ description: 'Citation key from the export' }),
    source: z.string().optional().openapi({ description: 'The file the paper was read from' }),
    metadata: z.record(z.string(), z.unknown()).optional().openapi({ description: 'Every other field the export had, verbatim' }),
  })
  .openapi('Paper');

export const PaperListSchema = z
  .object({
    total: z.number().int().openapi({ description: 'Papers the filters keep, over every page' }),
    offset: z.number().int().openapi({ description: 'Papers skipped before this page' }),
    limit: z.number().int().openapi({ description: 'Largest number of papers on this page' }),
    papers: z.array(PaperSchema).openapi({ description: 'Newest first, then by title; papers without a year last' }),
  })
  .openapi('PaperList');

export const HealthSchema = z
  .object({
    status: z.enum(['ok', 'unreadable']).openapi({
      description:
        'unreadable once a data file of the served generation changed under the server; until a restart or a new generation is loaded',
    }),
    message: z.string().optional().openapi({ description: 'With unreadable: which file, in one line' }),
    papers: z.number().int(),
    model: z.string(),
    precision: z.string(),
    built_at: z.string().openapi({ description: 'ISO time the served generation of the index was built' }),
    generation: z
      .number()
      .int()
      .openapi({ description: 'Which build of the index folder is served: 1 for the first, one more for each build that changed it' }),
    sources: z
      .array(
        z.object({
          source: z.string().openapi({ description: 'File name of an input, without its folder' }),
          papers: z.number().int().openapi({ description: 'Papers first read from it' }),
        }),
      )
      .openapi({ description: 'Papers per input file of the library' }),
  })
  .openapi('Health');

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'invalid_parameter' }),
      message: z.string().openapi({ example: 'k must be at most 100' }),
    }),
  })
  .openapi('Error');

export type WireAnswer = z.infer<typeof SearchAnswerSchema>;
export type WirePaper = z.infer<typeof PaperSchema>;
export type WirePaperList = z.infer<typeof PaperListSchema>;
export type Health = z.infer<typeof HealthSchema>;

/** Ids of marked papers, as each search result gives them. */
const paperIds = (field: string) =>
  z
    .array(
      z
        .string({ error: `${field} must be a list of paper ids (strings)` })
        .trim()
        .min(1, `${field} must not hold an empty id`),
      { error: `${field} must be a list of paper ids, such as ["id-1", "id-2"]` },
    )
    .max(MARKED_PAPERS.max, `${field} may name at most ${MARKED_PAPERS.max} papers`);

/** The fields of a liked-set watch: papers like the liked ones (and unlike the disliked ones), as POST /api/recommend ranks them. */
const likedSet = {
  liked: paperIds('liked')
    .min(1, 'liked must name at least one paper')
    .optional()
    .openapi({
      description: 'Ids of papers the researcher likes: watch for new papers like them (instead of a query)',
      example: ['diffclone-enhanced-behaviour-cloning-0b1c2d3e'],
    }),
  disliked: paperIds('disliked').optional().openapi({ description: 'With liked: ids of papers that are "not for me"' }),
  name: z
    .string({ error: 'name must be a string' })
    .trim()
    .min(1, 'name must not be empty')
    .max(200, 'name must be at most 200 characters')
    .optional()
    .openapi({ description: 'With liked: what to call the liked set in lists and digests', example: 'my humanoid set' }),
};

/** A watch is a saved query or a liked set: exactly one of query and liked, and disliked and name only with liked. */
function oneKindOfWatch(watch: { query?: string; liked?: string[]; disliked?: string[]; name?: string }, context: z.RefinementCtx): void {
  // Each message starts with the field it is about, which the API's error line then needs no prefix for.
  const refuse = (field: string, message: string) => context.addIssue({ code: 'custom', path: [field], message });
  if (watch.query !== undefined && watch.liked !== undefined)
    refuse('query', 'query and liked cannot both be given: a watch is a saved query or a set of liked papers');
  else if (watch.query === undefined && watch.liked === undefined)
    refuse('query', 'query or liked is required: a query to watch ("query": "...") or the ids of papers you like ("liked": ["id", ...])');
  else if (watch.liked === undefined && watch.disliked !== undefined)
    refuse('disliked', 'disliked needs liked: it refines a set of liked papers');
  else if (watch.liked === undefined && watch.name !== undefined) refuse('name', 'name is for a set of liked papers; a query names itself');
}

/** A watch as it is asked for: a saved query, or a liked set (liked and disliked paper ids), and the filters it keeps. */
export const WatchBodySchema = closedObject(
  {
    query: z
      .string({ error: 'query must be a string' })
      .trim()
      .min(1, 'query must not be empty')
      .max(LIMITS.passageChars, `query must be at most ${LIMITS.passageChars} characters`)
      .optional()
      .openapi({
        description: 'A question or keywords to watch for, or an abstract to watch for papers like it (or give liked instead)',
        example: 'diffusion policies for manipulation',
      }),
    ...likedSet,
    ...filters,
  },
  'field',
).superRefine(oneKindOfWatch);

/** A saved watch; the same object is one entry of the watches.json file beside the index. */
export const WatchSchema = z
  .object({
    id: z
      .string()
      .regex(/^[0-9a-f]{8,64}$/, 'a watch id is 8 or more lower-case hex digits')
      .openapi({ description: 'Short and stable: the same query (or liked set) and filters always get the same id', example: '3f9a1c2e' }),
    query: WatchBodySchema.shape.query,
    ...likedSet,
    created_at: z.iso.datetime({ error: 'created_at must be an ISO date-time' }).openapi({ description: 'ISO time the watch was added' }),
    ...filters,
  })
  .superRefine(oneKindOfWatch)
  .openapi('Watch');

export const WatchListSchema = z.object({ watches: z.array(WatchSchema).openapi({ description: 'Oldest first' }) }).openapi('WatchList');

export const WatchParamsSchema = z.object({
  id: z
    .string()
    .min(1)
    .openapi({ param: { name: 'id', in: 'path' }, example: '3f9a1c2e' }),
});

export type WatchRequest = z.output<typeof WatchBodySchema>;
export type Watch = z.output<typeof WatchSchema>;
export type WireWatchList = z.infer<typeof WatchListSchema>;

/** An ISO date (midnight UTC), an ISO date-time with its zone, or a generation number. */
const SINCE = /^(\d+|\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d))?)$/;
const since = z
  .string({ error: givenOnce('since', 'text') })
  .trim()
  .refine(
    (text) => SINCE.test(text) && (/^\d+$/.test(text) || !Number.isNaN(Date.parse(text))),
    'since must be an ISO date (2026-01-31), an ISO date-time with its zone (2026-01-31T09:00:00Z) or a build generation number (3)',
  );

export const DigestQuerySchema = closedObject(
  {
    since: since.optional().openapi({
      description:
        "Papers added after this ISO date or date-time, or in a later build than this generation number; by default, each watch's own creation time",
      example: '2026-01-31T09:00:00Z',
    }),
  },
  'parameter',
);

const DigestResultSchema = z
  .object({
    ...ResultSchema.shape,
    added_at: z.string().openapi({ description: 'ISO time the paper entered the library' }),
    why: z.string().openapi({ description: 'Why this paper is in the digest, in one line (with the evidence and the bar it cleared)' }),
  })
  .openapi('DigestResult');

export const DigestSchema = z
  .object({
    since: z.string().optional().openapi({ description: 'The since asked for; absent when each watch counts from its own creation' }),
    generation: z
      .number()
      .int()
      .openapi({ description: 'The generation of the index the digest came from: a later digest since it lists only newer papers' }),
    watches: z
      .array(
        z.object({
          id: z.string(),
          query: z.string().optional().openapi({ description: 'The query watched (a saved query)' }),
          liked: z.array(z.string()).optional().openapi({ description: 'The liked paper ids watched (a liked set)' }),
          disliked: z.array(z.string()).optional(),
          name: z.string().optional().openapi({ description: "The liked set's name, when it was given one" }),
          since: z
            .string()
            .openapi({ description: "What this watch's papers are new since: the since asked for, or when the watch was added" }),
          papers: z
            .array(DigestResultSchema)
            .openapi({ description: 'New papers that match the watch with high confidence, best first; empty when nothing new matched' }),
        }),
      )
      .openapi({ description: 'Every watch, oldest first' }),
  })
  .openapi('Digest');

export type WireDigest = z.infer<typeof DigestSchema>;

export const RecommendBodySchema = closedObject(
  {
    liked: paperIds('liked')
      .min(1, 'liked must name at least one paper')
      .openapi({
        description: 'Ids of papers the researcher likes (at least one); never recommended back',
        example: ['diffclone-enhanced-behaviour-cloning-0b1c2d3e'],
      }),
    disliked: paperIds('disliked')
      .optional()
      .openapi({ description: 'Ids of papers that are "not for me": recommendations move away from them; never recommended' }),
    k,
    mode: z
      .enum(RECOMMEND_MODES, { error: `mode must be one of ${RECOMMEND_MODES.join(', ')}` })
      .default(DEFAULT_RECOMMEND_MODE)
      .openapi({
        description: `How papers are chosen (${DEFAULT_RECOMMEND_MODE} by default, the best measured): ${RECOMMEND_MODES.map((m) => `${m}: ${RECOMMEND_MODE_HINTS[m]}`).join('; ')}`,
      }),
    ...filters,
    format,
  },
  'field',
);

/** A search answer whose mode is the recommendation method (its own object: an allOf of SearchAnswer would demand both modes). */
export const RecommendAnswerSchema = z
  .object({
    ...SearchAnswerSchema.shape,
    query: z.string().openapi({ description: 'The liked paper ids, comma-separated, then "; not " and the disliked ones' }),
    mode: z.enum(RECOMMEND_MODES).openapi({ description: 'The recommendation method used' }),
  })
  .openapi('RecommendAnswer');

export type WireRecommendAnswer = z.infer<typeof RecommendAnswerSchema>;

/** Map coordinates: normalised so the map fills [0, 1] on its longer side (aspect kept), 4 decimals (1/10,000 of the map). */
const mapCoordinate = (axis: 'x' | 'y') =>
  z.number().openapi({ description: `${axis} in [0, 1], ${axis === 'y' ? 'growing downwards, ' : ''}rounded to 4 decimals` });

export const MapSchema = z
  .object({
    generation: z.number().int().openapi({ description: 'The generation of the index the map belongs to' }),
    points: z
      .object({
        ids: z
          .array(z.string())
          .openapi({ description: 'Every paper of the index exactly once; its title etc. from GET /api/papers/{id}' }),
        x: z
          .array(z.number())
          .openapi({ description: 'x of ids[i], in [0, 1] (the longer side of the map spans [0, 1], aspect kept), 4 decimals' }),
        y: z.array(z.number()).openapi({ description: 'y of ids[i], in [0, 1], growing downwards (screen order), 4 decimals' }),
        cluster: z.array(z.number().int()).openapi({ description: 'The id of the cluster (region) ids[i] belongs to' }),
      })
      .openapi({
        description:
          'Parallel arrays, one entry per paper (compact: no repeated keys). Positions come from UMAP over the index’s HNSW neighbours; papers added by an incremental build are placed beside their nearest neighbours without moving the others.',
      }),
    clusters: z
      .array(
        z.object({
          id: z.number().int(),
          label: z
            .string()
            .openapi({ description: 'Its most distinctive words, joined with " · "', example: 'robot · grasping · manipulation' }),
          terms: z
            .array(z.string())
            .openapi({ description: 'Its most distinctive words (class-based tf-idf over titles and abstracts), most distinctive first' }),
          size: z.number().int().openapi({ description: 'Papers in it; the sizes add up to the number of points' }),
          x: mapCoordinate('x').openapi({ description: 'Where to put its label: x of its papers’ centroid, in [0, 1], 4 decimals' }),
          y: mapCoordinate('y').openapi({ description: 'Where to put its label: y of its papers’ centroid, in [0, 1], 4 decimals' }),
        }),
      )
      .openapi({ description: 'The regions of the map, largest first' }),
  })
  .openapi('Map');

export type WireMap = z.infer<typeof MapSchema>;

export const MapPositionQuerySchema = closedObject(
  {
    q: SearchQuerySchema.shape.q,
  },
  'parameter',
);

export const MapPositionSchema = z
  .object({
    generation: z.number().int().openapi({ description: 'The generation of the index whose map the position is on' }),
    query: z.string(),
    x: mapCoordinate('x'),
    y: mapCoordinate('y'),
    cluster: z.number().int().openapi({ description: 'The cluster of the papers nearest to the query' }),
  })
  .openapi({
    description:
      'Where a query lands on the map: the weighted average of the positions of its nearest papers (the placement an incremental build gives a new paper)',
  })
  .openapi('MapPosition');

export type WireMapPosition = z.infer<typeof MapPositionSchema>;
