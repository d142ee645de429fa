import { bodyLimit } from 'hono/body-limit';
import { apiError } from '../errors.js';

/** Refuses a request body over `maxBytes` with 413, before anything reads it whole. */
export function limitBody(maxBytes: number) {
  return bodyLimit({ maxSize: maxBytes, onError: (c) => apiError(c, 'payload_too_large', `request body exceeds ${maxBytes} bytes`) });
}
