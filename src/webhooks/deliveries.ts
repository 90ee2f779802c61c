import { and, desc, eq, gte, inArray, lt, or, sql } from 'drizzle-orm';
import type { LinkConfig } from '../api/present.js';
import { InvalidInputError, NotFoundError } from '../bookings/errors.js';
import { loadBooking } from '../bookings/booking-view.js';
import { isUuid } from '../core/ids.js';
import type { Database } from '../db/client.js';
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from '../db/schema.js';
import { withTeam, type Tx } from '../db/tenant.js';
import type { BookingEventKind } from '../events/outbox.js';
import { eventPayload } from './payload.js';

/** Wakes every process's webhook sender at commit (NOTIFY in the transaction that made the work). */
export const WEBHOOKS_CHANNEL = 'webhook_deliveries';

export type WebhookDeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface WebhookAttemptView {
  trigger: 'scheduled' | 'manual' | 'test';
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  responseSnippet: string | null;
  error: string | null;
  succeeded: boolean;
}

export interface WebhookDeliveryView {
  id: string;
  endpointId: string;
  eventId: number | null;
  messageId: string;
  eventType: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
  payload?: Record<string, unknown>;
  attemptLog?: WebhookAttemptView[];
}

/** A delivery that cannot be done in its endpoint's or its own present state. */
export class WebhookStateError extends Error {
  constructor(
    readonly code: 'endpoint_disabled' | 'delivery_in_progress',
    message: string,
  ) {
    super(message);
    this.name = 'WebhookStateError';
  }
}

/**
 * One delivery per enabled endpoint of the team that subscribed to the event's kind, each with the
 * same body (built once, now) and webhook-id. Safe to run again for the same event: an endpoint
 * that already has its delivery of the event keeps it.
 */
export async function enqueueEventDeliveries(
  deps: { db: Database; config: LinkConfig },
  event: { id: number; teamId: string; meetingId: string; bookingId: string; kind: BookingEventKind; payload: object; createdAt: Date },
): Promise<number> {
  return withTeam(deps.db, event.teamId, async (tx) => {
    const endpoints = await tx
      .select({ id: webhookEndpoints.id })
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.status, 'enabled'), sql`${webhookEndpoints.eventTypes} ? ${event.kind}`));
    if (endpoints.length === 0) return 0;
    const booking = await loadBooking(tx, event.bookingId);
    if (!booking) return 0;
    const payload = await eventPayload(deps.config, event, booking);
    const inserted = await tx
      .insert(webhookDeliveries)
      .values(
        endpoints.map((e) => ({
          teamId: event.teamId,
          endpointId: e.id,
          eventId: event.id,
          messageId: `msg_${event.id}`,
          eventType: event.kind,
          payload: payload as unknown as Record<string, unknown>,
        })),
      )
      .onConflictDoNothing()
      .returning({ id: webhookDeliveries.id });
    if (inserted.length) await notify(tx);
    return inserted.length;
  });
}

export async function notify(tx: Tx): Promise<void> {
  await tx.execute(sql`select pg_notify(${WEBHOOKS_CHANNEL}, '')`);
}

export interface ListDeliveriesQuery {
  endpointId?: string;
  status?: WebhookDeliveryStatus;
  eventId?: number;
  limit: number;
  /** The previous page's nextCursor. */
  cursor?: string;
}

/** A team's deliveries, newest first, each with its last outcome. */
export async function listDeliveries(db: Database, teamId: string, query: ListDeliveriesQuery): Promise<{ deliveries: WebhookDeliveryView[]; nextCursor: string | null }> {
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  return withTeam(db, teamId, async (tx) => {
    const rows = await tx
      .select()
      .from(webhookDeliveries)
      .where(
        and(
          query.endpointId ? eq(webhookDeliveries.endpointId, query.endpointId) : undefined,
          query.status ? eq(webhookDeliveries.status, query.status) : undefined,
          query.eventId ? eq(webhookDeliveries.eventId, query.eventId) : undefined,
          after
            ? or(lt(webhookDeliveries.createdAt, after.at), and(eq(webhookDeliveries.createdAt, after.at), lt(webhookDeliveries.id, after.id)))
            : undefined,
        ),
      )
      .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
      .limit(query.limit + 1);
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      deliveries: page.map((row) => toView(row)),
      nextCursor: rows.length > query.limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  });
}

/** One delivery with its body and every attempt (newest first, the last 100). */
export async function getDelivery(db: Database, teamId: string, id: string): Promise<WebhookDeliveryView> {
  if (!isUuid(id)) throw new NotFoundError('webhook_delivery', id, 'id');
  return withTeam(db, teamId, async (tx) => {
    const [row] = await tx.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id));
    if (!row) throw new NotFoundError('webhook_delivery', id, 'id');
    const attempts = await tx.select().from(webhookAttempts).where(eq(webhookAttempts.deliveryId, id)).orderBy(desc(webhookAttempts.id)).limit(100);
    return {
      ...toView(row),
      payload: row.payload,
      attemptLog: attempts.map((a) => ({
        trigger: a.trigger as WebhookAttemptView['trigger'],
        startedAt: a.startedAt,
        durationMs: a.durationMs,
        statusCode: a.statusCode,
        responseSnippet: a.responseSnippet,
        error: a.error,
        succeeded: a.succeeded,
      })),
    };
  });
}

/**
 * Sends a delivery again (delivered, failed or waiting): due now, with a fresh round of the retry
 * schedule. Its endpoint must be enabled.
 */
export async function redeliver(db: Database, teamId: string, id: string): Promise<WebhookDeliveryView> {
  const now = new Date();
  if (!isUuid(id)) throw new NotFoundError('webhook_delivery', id, 'id');
  return withTeam(db, teamId, async (tx) => {
    const [row] = await tx
      .select({ delivery: webhookDeliveries, endpointStatus: webhookEndpoints.status })
      .from(webhookDeliveries)
      .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
      .where(eq(webhookDeliveries.id, id))
      .for('update', { of: webhookDeliveries });
    if (!row) throw new NotFoundError('webhook_delivery', id, 'id');
    if (row.endpointStatus !== 'enabled') throw new WebhookStateError('endpoint_disabled', 'Its endpoint is disabled: enable it first (PATCH the endpoint with "enabled": true), then redeliver.');
    if (row.delivery.leasedUntil && row.delivery.leasedUntil > now && row.delivery.status === 'pending') throw new WebhookStateError('delivery_in_progress', 'It is being sent right now; look again in a moment.');
    const [updated] = await tx
      .update(webhookDeliveries)
      .set({ status: 'pending', attempts: 0, failingSince: null, nextAttemptAt: sql`now()`, leasedUntil: null, leaseToken: null, redeliveredAt: sql`now()`, updatedAt: sql`now()` })
      .where(eq(webhookDeliveries.id, id))
      .returning();
    await notify(tx);
    return toView(updated!);
  });
}

/** Every failed delivery of an endpoint made since `since`, sent again (after an outage). Returns how many. */
export async function recoverFailed(db: Database, teamId: string, endpointId: string, since: Date): Promise<number> {
  if (!isUuid(endpointId)) throw new NotFoundError('webhook_endpoint', endpointId, 'id');
  return withTeam(db, teamId, async (tx) => {
    const [endpoint] = await tx.select({ status: webhookEndpoints.status }).from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId));
    if (!endpoint) throw new NotFoundError('webhook_endpoint', endpointId, 'id');
    if (endpoint.status !== 'enabled') throw new WebhookStateError('endpoint_disabled', 'The endpoint is disabled: enable it first (PATCH it with "enabled": true), then recover.');
    const updated = await tx
      .update(webhookDeliveries)
      .set({ status: 'pending', attempts: 0, failingSince: null, nextAttemptAt: sql`now()`, leasedUntil: null, leaseToken: null, redeliveredAt: sql`now()`, updatedAt: sql`now()` })
      .where(and(eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.status, 'failed'), gte(webhookDeliveries.createdAt, since), sql`${webhookDeliveries.maxAttempts} is null`))
      .returning({ id: webhookDeliveries.id });
    if (updated.length) await notify(tx);
    return updated.length;
  });
}

/** The latest delivery of each of these endpoints (for a summary such as the App Home). */
export async function lastDeliveries(db: Database, teamId: string, endpointIds: string[]): Promise<Map<string, WebhookDeliveryView>> {
  if (endpointIds.length === 0) return new Map();
  const rows = await withTeam(db, teamId, (tx) =>
    tx
      .selectDistinctOn([webhookDeliveries.endpointId])
      .from(webhookDeliveries)
      .where(inArray(webhookDeliveries.endpointId, endpointIds))
      .orderBy(webhookDeliveries.endpointId, desc(webhookDeliveries.createdAt)),
  );
  return new Map(rows.map((r) => [r.endpointId, toView(r)]));
}

function toView(row: typeof webhookDeliveries.$inferSelect): WebhookDeliveryView {
  return {
    id: row.id,
    endpointId: row.endpointId,
    eventId: row.eventId,
    messageId: row.messageId,
    eventType: row.eventType,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt : null,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    deliveredAt: row.deliveredAt,
    createdAt: row.createdAt,
  };
}

function encodeCursor(at: Date, id: string): string {
  return btoa(JSON.stringify([at.toISOString(), id])).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function decodeCursor(cursor: string): { at: Date; id: string } {
  try {
    const [iso, id] = JSON.parse(atob(cursor.replace(/-/g, '+').replace(/_/g, '/'))) as [string, string];
    const at = new Date(iso);
    if (typeof iso !== 'string' || Number.isNaN(at.getTime()) || typeof id !== 'string' || !isUuid(id)) throw new Error('bad cursor');
    return { at, id };
  } catch {
    throw new InvalidInputError('cursor: not a cursor this API returned', 'cursor');
  }
}
