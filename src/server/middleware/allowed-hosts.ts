import type { MiddlewareHandler } from 'hono';
import { ApiError } from '../errors.js';

/** Names that reach only this machine, whatever DNS says: 127.0.0.0/8, ::1 and localhost. */
const LOOPBACK_NAMES = /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])$/;

/** The host name of a Host header or an allowed-host entry (`name`, `name:port`, `[v6]:port`), lower-cased. */
export function hostNameOf(host: string): string | undefined {
  try {
    return new URL(`http://${host}`).hostname;
  } catch {
    return undefined;
  }
}

/**
 * Against DNS rebinding: a page on a domain that its owner points at 127.0.0.1 is same-origin with
 * this server and could read every paper, but its requests carry that domain as their host. Without an
 * access token only loopback names and the configured ones are answered; anything else is 403
 * `forbidden_host`. Both the Host header and the request URL's host are checked, since an
 * absolute-form request (`GET http://other.example/...`) names its host in the URL instead.
 */
export function allowedHostsOnly(allowedHosts: readonly string[]): MiddlewareHandler {
  const configured = new Set(allowedHosts.map(hostNameOf).filter((name) => name !== undefined));
  const isAllowed = (name: string | undefined) => name !== undefined && (LOOPBACK_NAMES.test(name) || configured.has(name));
  return async (c, next) => {
    const header = c.req.header('Host');
    for (const name of [new URL(c.req.url).hostname, ...(header === undefined ? [] : [hostNameOf(header)])]) {
      if (!isAllowed(name)) {
        const shown = name ?? header;
        throw new ApiError(
          'forbidden_host',
          `host "${shown}" is not allowed: without an access token only 127.0.0.1, localhost, [::1] and ALLOWED_HOSTS are answered; add it to ALLOWED_HOSTS or set ACCESS_TOKEN`,
        );
      }
    }
    await next();
  };
}
