import type { Context, ErrorHandler, MiddlewareHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import { BookingError, type BookingErrorCode } from '../bookings/errors.js';
import { DatabaseBusyError, TRANSIENT_STATES, sqlState } from '../db/errors.js';

/**
 * The one shape every API error has:
 * `{ "error": { "code": "slot_taken", "message": "...", "field": "start" | null, "requestId": "..." } }`.
 */
export type ApiErrorCode =
  | BookingErrorCode
  | 'unauthorized'
  | 'route_not_found'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'busy'
  | 'internal_error';

/** Resources may add their own stable codes (the rooms routes do); these are the shared ones. */
export type AnyApiErrorCode = ApiErrorCode | (string & {});

export interface ApiErrorBody {
  error: {
    code: AnyApiErrorCode;
    message: string;
    field: string | null;
    requestId: string;
  };
}

export type ApiErrorStatus = 400 | 401 | 403 | 404 | 405 | 409 | 410 | 413 | 422 | 429 | 500 | 502 | 503;

/** Variables the request-id middleware sets; every API sub-app's Env includes them. */
export interface RequestIdVariables {
  requestId: string;
}

/** Thrown anywhere in a handler to answer with the error shape and this status. */
export class ApiError extends Error {
  constructor(
    readonly status: ApiErrorStatus,
    readonly code: AnyApiErrorCode,
    message: string,
    readonly field: string | null = null,
    /** Extra top-level members beside "error", e.g. the next free slots of a 409. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * 400: the request is malformed or fails the schema. 422: well formed but cannot be booked
 * (in the past, outside working hours, an idempotency key reused for another request).
 * 409: it conflicts with the current state (slot taken, booking already cancelled).
 */
export const bookingErrorStatus: Record<BookingErrorCode, ApiErrorStatus> = {
  invalid_input: 400,
  not_found: 404,
  in_the_past: 422,
  outside_availability: 422,
  slot_taken: 409,
  booking_cancelled: 409,
  idempotency_mismatch: 422,
};

/** The request id of this request (set by requestIdMiddleware; generated if it did not run). */
export function requestIdOf(c: Context): string {
  const id = (c.get as (key: string) => unknown)('requestId');
  if (typeof id === 'string' && id) return id;
  const generated = crypto.randomUUID();
  (c.set as (key: string, value: unknown) => void)('requestId', generated);
  return generated;
}

export function errorBody(c: Context, code: AnyApiErrorCode, message: string, field: string | null = null): ApiErrorBody {
  return { error: { code, message, field, requestId: requestIdOf(c) } };
}

/** Answers with the error shape. */
export function errorResponse(
  c: Context,
  status: ApiErrorStatus,
  code: AnyApiErrorCode,
  message: string,
  field: string | null = null,
  details?: Record<string, unknown>,
): Response {
  return c.json({ ...errorBody(c, code, message, field), ...details }, status as ContentfulStatusCode);
}

/** The BookingError a service threw, as an ApiError with its status. */
export function fromBookingError(error: BookingError, details?: Record<string, unknown>): ApiError {
  return new ApiError(bookingErrorStatus[error.code], error.code, error.message, error.field ?? null, details);
}

/** The first zod issue as a 400 naming its field ("hostIds.1", "start"); `location` prefixes query/path issues. */
export function fromZodError(error: z.ZodError, location?: 'query' | 'param' | 'header'): ApiError {
  const issue = error.issues[0];
  if (!issue) return new ApiError(400, 'invalid_input', 'The request is not valid');
  const field = issue.path.map(String).join('.') || null;
  const where = location === 'query' ? 'query parameter ' : location === 'param' ? 'path parameter ' : location === 'header' ? 'header ' : '';
  const message = field ? `${where}${field}: ${issue.message}` : issue.message;
  return new ApiError(400, 'invalid_input', message, field);
}

/** Sets `requestId` (an incoming X-Request-Id is kept when it is safe) and echoes it in X-Request-Id. */
export function requestIdMiddleware(): MiddlewareHandler {
  return requestId();
}

/** Logs an unexpected error with the request id; the response carries only the id. */
export function logUnexpected(c: Context, error: unknown): string {
  const id = requestIdOf(c);
  console.error(`[request ${id}] ${c.req.method} ${new URL(c.req.url).pathname} failed:`, error);
  return id;
}

/** app.onError: known errors get their status; anything else is a 500 with a request id and no internals. */
export const onApiError: ErrorHandler = (error, c) => {
  if ((error instanceof ApiError || error instanceof HTTPException) && error.status === 401) c.header('WWW-Authenticate', 'Bearer');
  if (error instanceof ApiError) return errorResponse(c, error.status, error.code, error.message, error.field, error.details);
  if (error instanceof BookingError) {
    const api = fromBookingError(error);
    return errorResponse(c, api.status, api.code, api.message, api.field);
  }
  const busy = busyOf(error);
  if (busy) {
    c.header('Retry-After', String(busy.retryAfterSeconds));
    return errorResponse(c, 503, 'busy', busy.message);
  }
  if (error instanceof HTTPException && error.status < 500) {
    const status = error.status;
    if (status === 401) return errorResponse(c, 401, 'unauthorized', error.message || 'Authentication required');
    if (status === 404) return errorResponse(c, 404, 'route_not_found', error.message || 'No such route');
    if (status === 405) return errorResponse(c, 405, 'method_not_allowed', error.message || 'Method not allowed');
    if (status === 413) return errorResponse(c, 413, 'payload_too_large', error.message || 'The request body is too large');
    if (status === 415) return errorResponse(c, 400, 'invalid_input', 'Send the body as JSON with "Content-Type: application/json"', 'Content-Type');
    return errorResponse(c, 400, 'invalid_input', error.message || 'The request is not valid');
  }
  const id = logUnexpected(c, error);
  return errorResponse(c, 500, 'internal_error', `Something went wrong on our side. Quote request id ${id} when you report it.`);
};

/** Work the database could not take now: no connection free in time, or a statement that ran too long under load. */
function busyOf(error: unknown): { message: string; retryAfterSeconds: number } | undefined {
  if (error instanceof DatabaseBusyError) return { message: error.message, retryAfterSeconds: error.retryAfterSeconds };
  const state = sqlState(error);
  if (state === '57014' || (state && TRANSIENT_STATES.has(state))) {
    return { message: 'The database is busy; try again in a moment', retryAfterSeconds: 1 };
  }
  return undefined;
}

/** app.notFound: an unknown route, in the same shape. */
export const onApiNotFound: NotFoundHandler = (c) =>
  errorResponse(c, 404, 'route_not_found', `No route ${c.req.method} ${new URL(c.req.url).pathname}; see /api/docs`);
