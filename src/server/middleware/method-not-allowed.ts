import type { Hono } from 'hono';
import { methodNotAllowed } from 'hono/method-not-allowed';
import { apiError } from '../errors.js';

/**
 * Turns "no route" into 405 with `Allow` when the path exists with other methods, from the app's own
 * routes (so every route, the page's included, counts without a list to keep). Hono serves HEAD
 * wherever it serves GET, so `Allow` names both.
 */
// biome-ignore lint/suspicious/noExplicitAny: any Hono app, OpenAPIHono included (its type parameters are invariant)
export function allowedMethodsOnly(app: Hono<any, any, any>) {
  return methodNotAllowed({
    app,
    onMethodNotAllowed: (c, methods) =>
      apiError(c, 'method_not_allowed', `${c.req.method} is not allowed on ${c.req.path}; use ${methods.join(' or ')}`, {
        Allow: methods.join(', '),
      }),
  });
}
