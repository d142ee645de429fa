import type { MiddlewareHandler } from 'hono';
import { timingSafeEqual } from 'hono/utils/buffer';
import { ApiError } from '../errors.js';

/**
 * Requires `Authorization: Bearer <token>`. A missing, malformed or wrong header is the same 401
 * `unauthorized` (Hono's bearerAuth answers a malformed one with a bare 400 of its own). The
 * comparison takes the same time whatever the guess.
 */
export function accessToken(token: string): MiddlewareHandler {
  return async (c, next) => {
    const given = c.req.header('Authorization')?.match(/^Bearer +(.+)$/i)?.[1];
    if (given === undefined || !(await timingSafeEqual(token, given)))
      throw new ApiError('unauthorized', undefined, { 'WWW-Authenticate': 'Bearer' });
    await next();
  };
}
