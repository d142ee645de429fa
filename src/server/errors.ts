import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ErrorSchema } from '../contract/schemas.js';
import { LIMITS } from '../contract/values.js';
import { IndexUnreadableError, WatchesUnreadableError, WatchLimitError, WatchNotFoundError } from '../index/index.js';
import { BusyError } from '../model/index.js';
import { PaperNotFoundError, RecommendRequestError } from '../search/index.js';
import { LockHeldError } from '../storage/index.js';

interface ErrorKind {
  status: ContentfulStatusCode;
  /** Sent when the code is answered without a more specific message. */
  message: string;
  /** When a client gets it, for the OpenAPI document. */
  when: string;
}

/**
 * Every error the API answers, by code: the one place that ties a code to its status. Each answer is
 * `{"error": {"code", "message"}}`; the OpenAPI document describes the error responses from this table.
 */
export const API_ERRORS = {
  invalid_parameter: {
    status: 400,
    message: 'a parameter is invalid; see /openapi.json',
    when: 'a parameter or body field is missing, unknown or out of range (the message names it)',
  },
  malformed_json: {
    status: 400,
    message: 'request body is not valid JSON; send a JSON object such as {"text": "..."}',
    when: 'the body is not valid JSON',
  },
  unauthorized: {
    status: 401,
    message: 'missing or invalid access token; send Authorization: Bearer <token>',
    when: 'the server has an access token and the request does not carry it',
  },
  forbidden_host: {
    status: 403,
    message: 'this host name is not allowed; use 127.0.0.1 or localhost, or configure ALLOWED_HOSTS',
    when: 'the server has no access token and the request names a host other than a loopback name or one of ALLOWED_HOSTS (a defence against DNS rebinding)',
  },
  not_found: { status: 404, message: 'no such route; see /openapi.json', when: 'no route has this path' },
  paper_not_found: { status: 404, message: 'no paper with that id', when: 'no paper of the index has this id' },
  watch_not_found: { status: 404, message: 'no watch with that id', when: 'no watch has this id' },
  method_not_allowed: {
    status: 405,
    message: 'method not allowed on this path',
    when: 'the path exists but not with this method (the Allow header lists the methods)',
  },
  too_many_watches: {
    status: 409,
    message: `the index already has ${LIMITS.watches} watches, the most kept; remove one first`,
    when: `the index already has ${LIMITS.watches} watches`,
  },
  payload_too_large: {
    status: 413,
    message: 'request body is too large',
    when: `the body is larger than the limit (${LIMITS.bodyBytes / 1024} KiB by default)`,
  },
  unsupported_media_type: {
    status: 415,
    message: 'request body must be JSON; send it with Content-Type: application/json',
    when: 'the body is not sent as application/json',
  },
  internal_error: {
    status: 500,
    message: 'the server failed to answer; the error was logged',
    when: 'a fault of the server, never of the request',
  },
  watches_unreadable: {
    status: 500,
    message: 'the watches file cannot be read; it is left as it is for its owner to fix',
    when: 'watches.json beside the index is not a valid watches file (the message names it); it is never overwritten',
  },
  busy: {
    status: 503,
    message: 'the server is busy; retry shortly',
    when: 'as many searches as the server admits are working and waiting, the embedding queue is full, or another process is writing the watches; retry after the Retry-After header',
  },
  index_unreadable: {
    status: 503,
    message: 'the index became unreadable; rebuild or restart the server',
    when: 'a data file of the index changed under the running server (truncated, say); /health says so until a restart',
  },
} as const satisfies Record<string, ErrorKind>;

export type ErrorCode = keyof typeof API_ERRORS;

/** An error answer thrown from anywhere in a request (a middleware or a handler); onError sends it. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string = API_ERRORS[code].message,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** The JSON answer for an error code. */
export function apiError(
  c: Context,
  code: ErrorCode,
  message: string = API_ERRORS[code].message,
  headers: Record<string, string> = {},
): Response {
  return c.json({ error: { code, message } }, API_ERRORS[code].status, headers);
}

/**
 * What Hono's own exceptions mean here. Its JSON validator throws 400 only for a body that does not
 * parse, and @hono/zod-openapi throws 415 for a body that is not declared JSON; any other status
 * would be a fault of this server.
 */
const HONO_EXCEPTION_CODES: Partial<Record<number, ErrorCode>> = { 400: 'malformed_json', 415: 'unsupported_media_type' };

/** The API's answer to an exception, or undefined for a fault of the server itself. */
function asApiError(error: Error): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (error instanceof PaperNotFoundError) return new ApiError('paper_not_found', error.message);
  if (error instanceof RecommendRequestError) return new ApiError('invalid_parameter', error.message);
  if (error instanceof BusyError) return new ApiError('busy', error.message, { 'Retry-After': '1' });
  if (error instanceof IndexUnreadableError) return new ApiError('index_unreadable', error.message);
  if (error instanceof WatchNotFoundError) return new ApiError('watch_not_found', error.message);
  if (error instanceof WatchLimitError) return new ApiError('too_many_watches');
  if (error instanceof WatchesUnreadableError) return new ApiError('watches_unreadable', error.message);
  if (error instanceof LockHeldError) return new ApiError('busy', error.message, { 'Retry-After': '1' });
  const code = error instanceof HTTPException ? HONO_EXCEPTION_CODES[error.status] : undefined;
  return code && new ApiError(code);
}

export const answerError: ErrorHandler = (error, c) => {
  const known = asApiError(error);
  if (known) return apiError(c, known.code, known.message, known.headers);
  console.error(`internal error on ${c.req.method} ${c.req.path}: ${error.message}`);
  return apiError(c, 'internal_error');
};

export const answerNotFound: NotFoundHandler = (c) => apiError(c, 'not_found', `no route ${c.req.method} ${c.req.path}; see /openapi.json`);

/**
 * The first failed check of a request's parameters or body, as one line naming the field. An unknown
 * field's message already names it and the accepted ones (see closedObject in the contract).
 */
export function answerInvalidRequest(
  result: { target: string; error: { issues: ReadonlyArray<{ code: string; path: PropertyKey[]; message: string }> } },
  c: Context,
): Response {
  const issue = result.error.issues[0]!;
  const field = issue.path.map(String).join('.') || (result.target === 'json' ? 'body' : result.target);
  const named = issue.code === 'unrecognized_keys' || issue.message.startsWith(field);
  return apiError(c, 'invalid_parameter', named ? issue.message : `${field}: ${issue.message}`);
}

/**
 * The OpenAPI error responses of an operation that can answer these codes: one response per status,
 * its description naming the codes and when each is answered.
 */
export function errorResponses(...codes: ErrorCode[]) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(API_ERRORS[code].status, [...(byStatus.get(API_ERRORS[code].status) ?? []), code]);
  return Object.fromEntries(
    [...byStatus].map(([status, sharing]) => [
      status,
      {
        description: sharing.map((code) => `\`${code}\`: ${API_ERRORS[code].when}`).join('; '),
        content: { 'application/json': { schema: ErrorSchema } },
      },
    ]),
  );
}
