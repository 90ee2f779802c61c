import { OpenAPIHono, z, type Hook } from '@hono/zod-openapi';
import type { Env } from 'hono';
import { fromZodError, type ApiErrorStatus, type RequestIdVariables } from './errors.js';

/**
 * Helpers every /api/meetings resource uses, so its routes validate with zod and appear in the
 * OpenAPI document from the same schemas. A resource exports an OpenAPIHono made by
 * createApiRouter() and registers each route with router.openapi(createRoute({...}), handler).
 */

/** Validation failures (body, query, path, header) become a 400 in the API's error shape. */
export const validationHook: Hook<any, any, any, any> = (result) => {
  if (!result.success) {
    const target = (result as { target?: string }).target;
    throw fromZodError(result.error as z.ZodError, target === 'query' ? 'query' : target === 'param' ? 'param' : target === 'header' ? 'header' : undefined);
  }
};

export function createApiRouter<E extends Env = { Variables: RequestIdVariables }>(): OpenAPIHono<E> {
  return new OpenAPIHono<E>({ defaultHook: validationHook });
}

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'Stable machine-readable code, e.g. slot_taken, not_found, invalid_input', example: 'slot_taken' }),
      message: z.string().meta({ description: 'What went wrong and what to do about it, for a person to read' }),
      field: z.string().nullable().meta({ description: 'The input at fault (e.g. "start", "hostIds.1"), or null', example: 'start' }),
      requestId: z.string().meta({ description: 'Also written to the server log with any unexpected error' }),
    }),
  })
  .openapi('Error');

const errorDescriptions: Record<ApiErrorStatus, string> = {
  400: 'The request is malformed or fails validation',
  401: 'No API key, or a wrong or revoked one',
  403: 'Not allowed',
  404: 'Not found (or belonging to another team)',
  405: 'Method not allowed',
  409: 'Conflicts with the current state',
  410: 'Gone',
  413: 'Body too large',
  422: 'Well formed, but cannot be done (in the past, outside availability, idempotency key reused)',
  429: "Over the API key's rate limit (see the RateLimit headers); try again after Retry-After seconds",
  500: 'Unexpected error; quote the request id',
  502: 'An upstream service failed',
  503: 'Not available right now',
};

const rateLimitHeaders = {
  'RateLimit-Policy': {
    description: 'The API key\'s quota (IETF draft-ietf-httpapi-ratelimit-headers): q requests per w seconds',
    schema: { type: 'string' as const, example: '"per-key";q=3000;w=60' },
  },
  RateLimit: {
    description: 'What is left of the quota: r requests for the next t seconds',
    schema: { type: 'string' as const, example: '"per-key";r=2999;t=59' },
  },
};

/** The documented error responses of a route (an API-key route: 400, 401, 429 and 500 always), each with the error shape. */
export function errorResponses(...statuses: ApiErrorStatus[]) {
  const out: Record<number, { description: string; headers?: Record<string, { description: string; schema: { type: 'string' | 'integer'; example: unknown } }>; content: { 'application/json': { schema: typeof ErrorSchema } } }> = {};
  for (const status of [...new Set([400, 401, 429, 500, ...statuses] as ApiErrorStatus[])]) {
    out[status] = { description: errorDescriptions[status], content: { 'application/json': { schema: ErrorSchema } } };
  }
  out[429]!.headers = { 'Retry-After': { description: 'Seconds until the quota starts again', schema: { type: 'integer', example: 12 } }, ...rateLimitHeaders };
  return out;
}

/** A required JSON request body. */
export function jsonBody<S extends z.ZodType>(schema: S, description?: string) {
  return { required: true, description, content: { 'application/json': { schema } } } as const;
}

/** A JSON response. */
export function jsonResponse<S extends z.ZodType>(schema: S, description: string) {
  return { description, content: { 'application/json': { schema } } } as const;
}

export const bearerAuth = [{ apiKey: [] as string[] }];

/** The Location header of a 201: where the new resource is. */
export function locationHeader(description: string) {
  return { Location: { description: `${description}: its URL path`, schema: { type: 'string' as const, example: '/api/meetings/bookings/1f0c6d1e-4f5b-4c59-9d3c-1b7e9c1a2b3c' } } };
}

/** Document-level settings: title, the API-key security scheme. */
export const documentConfig = {
  openapi: '3.1.0',
  info: {
    title: 'Meetings for Slack API',
    version: '1.0.0',
    description:
      'Everything the Slack bot does, over HTTP: meeting types, availability, bookings. Every request carries a team API key ' +
      '(`Authorization: Bearer mfs_...`, created with `npm run keys -- create --team T0123 --name helpdesk`). ' +
      'Times go out as ISO 8601 with the offset of the time zone you pass as `timeZone` (UTC when none), and always also in UTC (`...Utc`). ' +
      'Errors have one shape: `{ "error": { "code", "message", "field", "requestId" } }`. ' +
      'Limits on input (each refusal is a 400 naming the field): instants from 2000-01-01T00:00:00Z to before 2200-01-01T00:00:00Z, ' +
      'local dates from 2000-01-01 to 2199-12-31, Slack member ids at most 64 characters, no text with the NUL character (\\u0000), ' +
      'request bodies at most 512 KB (413). ' +
      'Rate limits: each API key may make API_RATE_LIMIT requests a minute (3000 unless the server or the key sets another), counted across all of the ' +
      'server\'s processes; every answer says how many are left in the `RateLimit-Policy` and `RateLimit` headers (IETF draft), and a request over ' +
      'the limit gets 429 with `Retry-After`.',
    contact: { name: 'Meetings for Slack: the team running this server' },
  },
  servers: [{ url: '/', description: 'This server (paths start with /api/meetings)' }],
  tags: [
    { name: 'Meeting types', description: 'What can be booked: durations, slot intervals, buffers, notice, horizon, daily limits, join windows.' },
    { name: 'Availability', description: 'Free slots for one or more hosts, and the people and working hours they come from.' },
    { name: 'Bookings', description: 'Book, list, move and cancel meetings, with join links, .ics links and the ticket they are about.' },
    { name: 'Booking events', description: 'Every change to a booking or its call, and how each consumer (Slack, webhooks, video) fared.' },
    { name: 'Booking links', description: 'Public booking pages (PUBLIC_URL/book/<team>/<slug>): who is booked, how (one, all, round robin), the questions asked.' },
    { name: 'Calendars', description: "People's own calendars (CalDAV, iCal feeds, Google, Microsoft 365) whose busy time counts, and where bookings are added." },
    { name: 'Webhooks', description: 'Endpoints that receive booking events, signed per Standard Webhooks, with their delivery log.' },
    { name: 'Video rooms', description: 'Joining a booking\'s call (authenticated by its join link) and Twilio\'s status callbacks.' },
  ],
};

/** Registers the bearer scheme on a router whose document is served. */
export function registerSecurity(app: OpenAPIHono<any>): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'A team API key: `mfs_<prefix>_<secret>`',
  });
}
