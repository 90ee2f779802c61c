import { createRoute } from '@hono/zod-openapi';
import type { AppDeps } from '../../app.js';
import { listEvents, redeliverEvent } from '../../events/store.js';
import { requireApiKey, type ApiEnv } from '../auth.js';
import { ApiError } from '../errors.js';
import { bearerAuth, createApiRouter, errorResponses, jsonResponse } from '../openapi.js';
import { EventIdParam, EventListQuery, EventPage, RedeliveryResult } from '../schemas.js';

const tags = ['Booking events'];

const list = createRoute({
  method: 'get',
  path: '/',
  operationId: 'listBookingEvents',
  tags,
  summary: 'List booking events and their deliveries',
  description:
    'Every change to a booking or its call (booking.created, booking.rescheduled, booking.cancelled, meeting.started, meeting.ended), ' +
    'newest first, with how each consumer (Slack, email, webhooks) fared: attempts, the last error, the next retry. ' +
    'status=failed lists what gave up.',
  security: bearerAuth,
  request: { query: EventListQuery },
  responses: { 200: jsonResponse(EventPage, 'One page of events'), ...errorResponses() },
});

const redeliver = createRoute({
  method: 'post',
  path: '/{id}/redeliver',
  operationId: 'redeliverBookingEvent',
  tags,
  summary: "Retry an event's failed deliveries now",
  description: 'Deliveries of the event to its consumers that failed (or are waiting) are made due now, with fresh attempts. For webhooks, redeliver a webhook delivery instead.',
  security: bearerAuth,
  request: { params: EventIdParam },
  responses: { 202: jsonResponse(RedeliveryResult, 'Made due again'), ...errorResponses(404) },
});

/** /api/meetings/events */
export function eventsRoutes(deps: AppDeps) {
  const router = createApiRouter<ApiEnv>();
  router.use('*', requireApiKey(deps));

  router.openapi(list, async (c) => {
    const page = await listEvents(deps.db, c.var.teamId, c.req.valid('query'));
    return c.json(
      {
        events: page.events.map((e) => ({
          ...e,
          createdAt: e.createdAt.toISOString(),
          deliveries: e.deliveries.map((d) => ({ ...d, nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null, deliveredAt: d.deliveredAt?.toISOString() ?? null })),
        })),
        nextBefore: page.nextBefore,
      },
      200,
    );
  });

  router.openapi(redeliver, async (c) => {
    const { id } = c.req.valid('param');
    const count = await redeliverEvent(deps.db, c.var.teamId, id);
    if (count === undefined) throw new ApiError(404, 'not_found', `Event ${id} was not found`, 'id');
    return c.json({ redelivering: count }, 202);
  });

  return router;
}
