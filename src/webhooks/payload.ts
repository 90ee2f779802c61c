import type { z } from '@hono/zod-openapi';
import { presentBooking, type LinkConfig } from '../api/present.js';
import type { Booking as BookingSchema } from '../api/schemas.js';
import type { Booking } from '../bookings/index.js';
import type { BookingEventKind } from '../events/outbox.js';

/**
 * The body of a webhook, in the shape Standard Webhooks recommends: `type`, `timestamp` (when the
 * change happened) and `data`. `data.booking` is the booking exactly as the API presents it (with
 * its external reference, metadata, join links and .ics link); `data.change` is what the event
 * itself records (for a move: the previous booking and times; for a cancel: who and why; for a
 * call: the room's start, end and duration).
 */
export interface WebhookPayload {
  type: BookingEventKind | 'webhook.test';
  timestamp: string;
  data: {
    eventId: number | null;
    meetingId: string | null;
    booking: z.infer<typeof BookingSchema> | null;
    change: Record<string, unknown>;
  };
}

export async function eventPayload(
  config: LinkConfig,
  event: { id: number; kind: BookingEventKind; meetingId: string; payload: object; createdAt: Date },
  booking: Booking,
): Promise<WebhookPayload> {
  return {
    type: event.kind,
    timestamp: event.createdAt.toISOString(),
    data: { eventId: event.id, meetingId: event.meetingId, booking: await presentBooking(config, booking, 'UTC'), change: { ...event.payload } },
  };
}

export function testPayload(endpointId: string, at: Date): WebhookPayload {
  return {
    type: 'webhook.test',
    timestamp: at.toISOString(),
    data: { eventId: null, meetingId: null, booking: null, change: { endpointId, message: 'A test message from Meetings for Slack: the endpoint is reachable and can check signatures.' } },
  };
}
