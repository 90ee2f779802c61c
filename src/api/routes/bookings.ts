import { createRoute } from '@hono/zod-openapi';
import type { AppDeps } from '../../app.js';
import {
  BookingError,
  SlotTakenError,
  cancelBooking,
  createBooking,
  findSlots,
  getBooking,
  listBookings,
  rescheduleBooking,
  type Booking as BookingRecord,
} from '../../bookings/index.js';
import { calendarsOf } from '../../calendars/service.js';
import type { Database } from '../../db/client.js';
import { withTeam } from '../../db/tenant.js';
import { requireApiKey, type ApiEnv } from '../auth.js';
import { ApiError, fromBookingError } from '../errors.js';
import { MEETINGS_API_BASE } from '../paths.js';
import { bearerAuth, createApiRouter, errorResponses, jsonBody, jsonResponse, locationHeader } from '../openapi.js';
import { presentBooking, presentSlots } from '../present.js';
import {
  BookingCreateBody,
  BookingEnvelope,
  BookingIdParam,
  BookingListQuery,
  BookingPage,
  CancelBody,
  IdempotencyHeader,
  RescheduleBody,
  RescheduleResult,
  SlotTakenErrorSchema,
  ViewerTimeZoneQuery,
} from '../schemas.js';

const tags = ['Bookings'];
const NEXT_SLOTS = 5;
const NEXT_SLOTS_WINDOW_MS = 14 * 86_400_000;

const slotTaken = {
  409: jsonResponse(SlotTakenErrorSchema, 'The slot was taken meanwhile (code slot_taken; nextSlots names the next free ones), or the booking is cancelled (code booking_cancelled)'),
};

const create = createRoute({
  method: 'post',
  path: '/',
  operationId: 'createBooking',
  tags,
  summary: 'Book a meeting',
  description:
    'Re-checks the slot inside the transaction; the database refuses a double booking even under a race. ' +
    'With an Idempotency-Key header a retry returns the first booking (200, header Idempotent-Replayed: true) instead of booking again. ' +
    'externalReference links the meeting to a ticket (shown in Slack, kept through moves, sent in webhooks); metadata keeps whatever JSON the integration needs. ' +
    'The answer carries each participant\'s own join link and the .ics link.',
  security: bearerAuth,
  request: { headers: IdempotencyHeader, body: jsonBody(BookingCreateBody) },
  responses: {
    201: { ...jsonResponse(BookingEnvelope, 'Booked'), headers: locationHeader('The new booking') },
    200: jsonResponse(BookingEnvelope, 'A retry with the same Idempotency-Key: the booking made the first time'),
    ...errorResponses(404, 422),
    ...slotTaken,
  },
});

const list = createRoute({
  method: 'get',
  path: '/',
  operationId: 'listBookings',
  tags,
  summary: 'List bookings',
  description:
    'Filtered by person, attendee email, meeting type, ticket (externalRefId), time range and status; sorted by start (earliest or latest first) or by when booked; ' +
    'a page at a time (pass nextCursor back as cursor, with the same filters and sort).',
  security: bearerAuth,
  request: { query: BookingListQuery },
  responses: { 200: jsonResponse(BookingPage, 'One page of bookings'), ...errorResponses() },
});

const get = createRoute({
  method: 'get',
  path: '/{id}',
  operationId: 'getBooking',
  tags,
  summary: 'Get a booking',
  description: 'The booking with each participant\'s own join link and .ics link. A moved booking is cancelled and names the booking that replaced it (rescheduledToId).',
  security: bearerAuth,
  request: { params: BookingIdParam, query: ViewerTimeZoneQuery },
  responses: { 200: jsonResponse(BookingEnvelope, 'The booking'), ...errorResponses(404) },
});

const reschedule = createRoute({
  method: 'post',
  path: '/{id}/reschedule',
  operationId: 'rescheduleBooking',
  tags,
  summary: 'Move a booking to another start',
  description: 'Books the new time for the same people and cancels the original in one transaction; the answer has both.',
  security: bearerAuth,
  request: { params: BookingIdParam, headers: IdempotencyHeader, body: jsonBody(RescheduleBody) },
  responses: { 200: jsonResponse(RescheduleResult, 'The new booking and the cancelled original'), ...errorResponses(404, 422), ...slotTaken },
});

const cancel = createRoute({
  method: 'post',
  path: '/{id}/cancel',
  operationId: 'cancelBooking',
  tags,
  summary: 'Cancel a booking',
  description: 'Frees the hosts\' time. Cancelling an already cancelled booking changes nothing and answers the same way.',
  security: bearerAuth,
  request: { params: BookingIdParam, body: jsonBody(CancelBody) },
  responses: { 200: jsonResponse(BookingEnvelope, 'The cancelled booking'), ...errorResponses(404) },
});

/** A slot taken meanwhile: 409 naming the next free slots for the same people (found by the service's own read when it could). */
async function slotTakenAnswer(
  deps: AppDeps,
  teamId: string,
  error: SlotTakenError,
  attempt: { meetingTypeId: string; hostIds: string[]; start: Date; timeZone: string },
): Promise<ApiError> {
  if (error.nextSlots) return fromBookingError(error, { nextSlots: presentSlots(error.nextSlots, attempt.timeZone) });
  const now = deps.now?.() ?? new Date();
  const from = new Date(Math.max(attempt.start.getTime(), now.getTime()));
  let nextSlots: ReturnType<typeof presentSlots> = [];
  try {
    const found = await withTeam(deps.db, teamId, (tx) =>
      findSlots(tx, { meetingTypeId: attempt.meetingTypeId, hostIds: attempt.hostIds, from, to: new Date(from.getTime() + NEXT_SLOTS_WINDOW_MS), mode: 'all', now, last: true }),
    );
    nextSlots = presentSlots(found.slots.slice(0, NEXT_SLOTS), attempt.timeZone);
  } catch {
    // The conflict is the answer; suggestions are a courtesy.
  }
  return fromBookingError(error, { nextSlots });
}

/** The services name a booking's id "bookingId"; in this API it is the path parameter "id". */
async function underPathId<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof BookingError && error.field === 'bookingId') throw fromBookingError(new BookingError(error.code, error.message, 'id'));
    throw error;
  }
}

function hostsOf(booking: BookingRecord): string[] {
  return booking.participants.filter((p) => p.role !== 'guest' && p.slackUserId).map((p) => p.slackUserId!);
}

/** /api/meetings/bookings */
export function bookingsRoutes(deps: AppDeps) {
  const router = createApiRouter<ApiEnv>();
  const db: Database = deps.db;
  router.use('*', requireApiKey(deps));
  const calendars = calendarsOf(deps);
  const clock = () => ({ now: deps.now?.() ?? new Date(), calendars });
  const present = (booking: BookingRecord, timeZone: string) => presentBooking(deps.config, booking, timeZone);

  router.openapi(create, async (c) => {
    const teamId = c.var.teamId;
    const { timeZone = 'UTC', ...body } = c.req.valid('json');
    const idempotencyKey = c.req.valid('header')['idempotency-key'];
    try {
      const { booking, replayed } = await createBooking(db, teamId, { ...body, source: 'api', idempotencyKey }, clock());
      if (replayed) {
        c.header('Idempotent-Replayed', 'true');
        return c.json({ booking: await present(booking, timeZone) }, 200);
      }
      c.header('Location', `${MEETINGS_API_BASE}/bookings/${booking.id}`);
      return c.json({ booking: await present(booking, timeZone) }, 201);
    } catch (error) {
      if (!(error instanceof SlotTakenError)) throw error;
      const hostIds = [...new Set([body.organizerId, ...body.hostIds])];
      throw await slotTakenAnswer(deps, teamId, error, { meetingTypeId: body.meetingTypeId, hostIds, start: body.start, timeZone });
    }
  });

  router.openapi(list, async (c) => {
    const { timeZone = 'UTC', ...query } = c.req.valid('query');
    const page = await listBookings(db, c.var.teamId, query);
    return c.json({ bookings: await Promise.all(page.bookings.map((b) => present(b, timeZone))), nextCursor: page.nextCursor }, 200);
  });

  router.openapi(get, async (c) => {
    const { timeZone = 'UTC' } = c.req.valid('query');
    const booking = await underPathId(getBooking(db, c.var.teamId, c.req.valid('param').id));
    return c.json({ booking: await present(booking, timeZone) }, 200);
  });

  router.openapi(reschedule, async (c) => {
    const teamId = c.var.teamId;
    const { id } = c.req.valid('param');
    const { timeZone = 'UTC', start, actorId } = c.req.valid('json');
    const idempotencyKey = c.req.valid('header')['idempotency-key'];
    try {
      const result = await underPathId(
        rescheduleBooking(db, teamId, { bookingId: id, start, actorId: actorId ?? `api-key:${c.var.apiKey.prefix}`, idempotencyKey }, clock()),
      );
      if (result.replayed) c.header('Idempotent-Replayed', 'true');
      return c.json({ booking: await present(result.booking, timeZone), previous: await present(result.previous, timeZone) }, 200);
    } catch (error) {
      if (!(error instanceof SlotTakenError)) throw error;
      const original = await getBooking(db, teamId, id);
      throw await slotTakenAnswer(deps, teamId, error, { meetingTypeId: original.meetingTypeId, hostIds: hostsOf(original), start, timeZone });
    }
  });

  router.openapi(cancel, async (c) => {
    const { id } = c.req.valid('param');
    const { timeZone = 'UTC', reason, actorId } = c.req.valid('json');
    const { booking } = await underPathId(
      cancelBooking(db, c.var.teamId, { bookingId: id, reason, actorId: actorId ?? `api-key:${c.var.apiKey.prefix}` }, clock()),
    );
    return c.json({ booking: await present(booking, timeZone) }, 200);
  });

  return router;
}
