import { Hono } from 'hono';
import type { AppDeps } from '../app.js';
import { roomsRoutes } from './routes/rooms.js';

/** /api/meetings: one sub-app per resource, composed with app.route(). */
export function createMeetingsApi(deps: AppDeps): Hono {
  const api = new Hono();
  api.route('/rooms', roomsRoutes(deps));
  return api;
}
