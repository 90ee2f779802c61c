import { Hono } from 'hono';
import type { AppDeps } from '../app.js';

/** The web pages: the call page at /m/:bookingId and its static assets. */
export function videoPages(_deps: AppDeps): Hono {
  return new Hono();
}
