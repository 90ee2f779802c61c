import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppDeps } from '../app.js';
import { createApiRouter, documentConfig, registerSecurity } from './openapi.js';
import type { OpenApiDocument } from './docs.js';
import { availabilityRoutes } from './routes/availability.js';
import { bookingLinksRoutes } from './routes/booking-links.js';
import { bookingsRoutes } from './routes/bookings.js';
import { calendarRoutes } from './routes/calendars.js';
import { eventsRoutes } from './routes/events.js';
import { meetingTypesRoutes } from './routes/meeting-types.js';
import { roomsRoutes } from './routes/rooms.js';
import { webhooksRoutes } from './routes/webhooks.js';

import { MEETINGS_API_BASE } from './paths.js';

export { MEETINGS_API_BASE } from './paths.js';
/** Far above any real request (a schedule with a year of overrides is about 100 KB); web-app.ts applies it to every route. */
export const MAX_BODY_BYTES = 512 * 1024;

/**
 * /api/meetings: one sub-app per resource, composed with app.route(). The API key is required
 * per resource (meeting types, availability, bookings), not here: the rooms routes authenticate
 * with join-link tokens and Twilio signatures instead.
 */
export function createMeetingsApi(deps: AppDeps): OpenAPIHono<any> {
  const api = createApiRouter();
  api.route('/meeting-types', meetingTypesRoutes(deps));
  api.route('/availability', availabilityRoutes(deps));
  api.route('/bookings', bookingsRoutes(deps));
  api.route('/booking-links', bookingLinksRoutes(deps));
  api.route('/rooms', roomsRoutes(deps));
  api.route('/events', eventsRoutes(deps));
  api.route('/people', calendarRoutes(deps));
  api.route('/webhooks', webhooksRoutes(deps));
  return api;
}

/** The OpenAPI 3.1 document of the meetings API, with its paths as served (under /api/meetings). */
export function meetingsApiDocument(meetingsApi: OpenAPIHono<any>): OpenApiDocument {
  const root = new OpenAPIHono();
  registerSecurity(root);
  root.route(MEETINGS_API_BASE, meetingsApi);
  return root.getOpenAPI31Document(documentConfig) as unknown as OpenApiDocument;
}
