import { Hono } from 'hono';
import type { AppDeps } from '../../app.js';

/** /api/meetings/rooms: joining a booking's call (token) and Twilio's status callbacks (events). */
export function roomsRoutes(_deps: AppDeps): Hono {
  return new Hono();
}
