import { z } from '@hono/zod-openapi';
import { MODES } from '../search/index.js';

/** Input limits, documented in the README and enforced here. */
export const LIMITS = {
  queryChars: 1000,
  passageChars: 20_000,
  maxK: 100,
  bodyBytes: 64 * 1024,
} as const;

/** Repeated query parameters arrive as arrays: say so instead of a confusing type error. */
const givenOnce = (field: string, expected: string) => (issue: { input?: unknown }) =>
  Array.isArray(issue.input) ? `${field} must be given once` : issue.input === undefined ? `${field} is required` : `${field} must be ${expected}`;

/** Query strings carry numbers as text; anything else (a repeated parameter's array) reaches the check as it came. */
const numberFromText = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value);
const k = z.preprocess(numberFromText, z.number({ error: givenOnce('k', 'a whole number') }).int('k must be a whole number').min(1, 'k must be at least 1').max(LIMITS.maxK, `k must be at most ${LIMITS.maxK}`))
  .default(10)
  .openapi({ description: 'Number of results', example: 10 });
const mode = z.enum(MODES, { error: givenOnce('mode', `one of ${MODES.join(', ')}`) }).default('hybrid')
  .openapi({ description: 'hybrid (default): fusion of dense and lexical; dense: embeddings only; lexical: BM25 only' });

export const SearchQuerySchema = z.object({
  q: z.string({ error: givenOnce('q', 'text') }).trim().min(1, 'q must not be empty').max(LIMITS.queryChars, `q must be at most ${LIMITS.queryChars} characters`)
    .openapi({ description: 'A question or keywords', example: 'how do robots learn from a few demonstrations?' }),
  k,
  mode,
});

export const SimilarBodySchema = z.object({
  text: z.string({ error: 'text is required and must be a string' }).trim().min(1, 'text must not be empty').max(LIMITS.passageChars, `text must be at most ${LIMITS.passageChars} characters`)
    .openapi({ description: 'An abstract or any passage; long texts are embedded passage by passage, not truncated' }),
  k,
  mode,
}).openapi('SimilarRequest');

export const PaperParamsSchema = z.object({
  id: z.string().min(1).openapi({ param: { name: 'id', in: 'path' }, example: 'diffclone-enhanced-behaviour-cloning-0b1c2d3e' }),
});

export const SimilarPaperQuerySchema = z.object({ k });

export const ResultSchema = z.object({
  id: z.string(),
  title: z.string(),
  score: z.number().openapi({ description: 'Higher is better; comparable within one answer' }),
  snippet: z.string().openapi({ description: 'The part of the abstract that best matches the query' }),
  abstract: z.string(),
}).openapi('Result');

export const SearchAnswerSchema = z.object({
  query: z.string().openapi({ description: 'The query text, or the paper id for similar-to-paper' }),
  mode: z.enum(MODES),
  took_ms: z.number(),
  confidence: z.enum(['high', 'low']).openapi({ description: 'low when the corpus probably does not cover the query' }),
  results: z.array(ResultSchema),
}).openapi('SearchAnswer');

export const PaperSchema = z.object({
  id: z.string(),
  title: z.string(),
  abstract: z.string(),
  metadata: z.record(z.string(), z.unknown()).optional(),
}).openapi('Paper');

export const HealthSchema = z.object({
  status: z.literal('ok'),
  papers: z.number().int(),
  model: z.string(),
  built_at: z.string().openapi({ description: 'ISO time the index was built' }),
}).openapi('Health');

export const ErrorSchema = z.object({
  error: z.object({
    code: z.string().openapi({ example: 'invalid_parameter' }),
    message: z.string().openapi({ example: 'k must be at most 100' }),
  }),
}).openapi('Error');
