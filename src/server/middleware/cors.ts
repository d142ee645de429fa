import { cors } from 'hono/cors';

/** Lets browsers on these origins call the API; registered before the access token so preflights pass. */
export function corsFor(origins: string[]) {
  return cors({ origin: origins });
}
