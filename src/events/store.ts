import { and, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { bookingEvents, eventDeliveries } from '../db/schema.js';
import { withTeam } from '../db/tenant.js';
import { EVENTS_CHANNEL, type BookingEventKind } from './outbox.js';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface EventDeliveryView {
  handler: string;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
}

export interface BookingEventView {
  id: number;
  kind: BookingEventKind;
  meetingId: string;
  bookingId: string;
  payload: Record<string, unknown>;
  createdAt: Date;
  deliveries: EventDeliveryView[];
}

export interface ListEventsQuery {
  /** Only events with a delivery in this state. */
  status?: DeliveryStatus;
  bookingId?: string;
  meetingId?: string;
  limit: number;
  /** Events older than this id (the previous page's last). */
  before?: number;
}

/** A team's booking events, newest first, each with how every handler fared. */
export async function listEvents(db: Database, teamId: string, query: ListEventsQuery): Promise<{ events: BookingEventView[]; nextBefore: number | null }> {
  return withTeam(db, teamId, async (tx) => {
    const rows = await tx
      .select()
      .from(bookingEvents)
      .where(
        and(
          query.bookingId ? eq(bookingEvents.bookingId, query.bookingId) : undefined,
          query.meetingId ? eq(bookingEvents.meetingId, query.meetingId) : undefined,
          query.before ? lt(bookingEvents.id, query.before) : undefined,
          query.status
            ? sql`exists (select 1 from event_deliveries d where d.event_id = ${bookingEvents.id} and d.status = ${query.status})`
            : undefined,
        ),
      )
      .orderBy(desc(bookingEvents.id))
      .limit(query.limit + 1);
    const page = rows.slice(0, query.limit);
    const deliveries = page.length
      ? await tx.select().from(eventDeliveries).where(inArray(eventDeliveries.eventId, page.map((e) => e.id)))
      : [];
    return {
      events: page.map((e) => ({
        id: e.id,
        kind: e.kind as BookingEventKind,
        meetingId: e.meetingId,
        bookingId: e.bookingId,
        payload: e.payload,
        createdAt: e.createdAt,
        deliveries: deliveries
          .filter((d) => d.eventId === e.id)
          .map((d) => ({
            handler: d.handler,
            status: d.status,
            attempts: d.attempts,
            lastError: d.lastError,
            nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt : null,
            deliveredAt: d.deliveredAt,
          })),
      })),
      nextBefore: rows.length > query.limit ? page[page.length - 1]!.id : null,
    };
  });
}

/** Makes an event's failed (or waiting) deliveries due now, with fresh attempts. Returns how many. */
export async function redeliverEvent(db: Database, teamId: string, eventId: number): Promise<number | undefined> {
  return withTeam(db, teamId, async (tx) => {
    const [event] = await tx.select({ id: bookingEvents.id }).from(bookingEvents).where(eq(bookingEvents.id, eventId));
    if (!event) return undefined;
    const updated = await tx
      .update(eventDeliveries)
      .set({ status: 'pending', attempts: 0, nextAttemptAt: sql`now()`, leasedUntil: null, updatedAt: sql`now()` })
      .where(and(eq(eventDeliveries.eventId, eventId), inArray(eventDeliveries.status, ['failed', 'pending'])))
      .returning({ handler: eventDeliveries.handler });
    if (updated.length) await tx.execute(sql`select pg_notify(${EVENTS_CHANNEL}, ${String(eventId)})`);
    return updated.length;
  });
}
