import { and, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { InvalidInputError, NotFoundError } from '../bookings/errors.js';
import { parseInput } from '../bookings/validate.js';
import { httpUrlSchema, personIdSchema } from '../core/bookings/schemas.js';
import { text } from '../core/input.js';
import { isUuid } from '../core/ids.js';
import type { Database } from '../db/client.js';
import { webhookDeliveries, webhookEndpoints } from '../db/schema.js';
import { withTeam } from '../db/tenant.js';
import { EVENT_KINDS, type BookingEventKind } from '../events/outbox.js';
import { refusedWebhookAddress } from './address-policy.js';
import { newWebhookSecret } from './signing.js';

/** A team's webhook endpoints: where they are, what they receive, who made them, whether they are on. */

export const MAX_ENDPOINTS_PER_TEAM = 20;

export type EndpointCreator = { kind: 'api_key'; id: string } | { kind: 'slack'; id: string };

export interface WebhookEndpoint {
  id: string;
  teamId: string;
  url: string;
  description: string | null;
  eventTypes: BookingEventKind[];
  status: 'enabled' | 'disabled';
  disabledAt: Date | null;
  disabledReason: string | null;
  failingSince: Date | null;
  createdBy: EndpointCreator;
  notifySlackUserId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface CreatedEndpoint {
  endpoint: WebhookEndpoint;
  /** Shown once, when the endpoint is made (and when its secret is rotated). */
  secret: string;
}

export const eventTypesSchema = z
  .array(z.enum(EVENT_KINDS, { error: `must be one of ${EVENT_KINDS.join(', ')}` }))
  .min(1, 'subscribe to at least one event type')
  .max(EVENT_KINDS.length)
  .transform((kinds) => [...new Set(kinds)]);

export const descriptionSchema = text().trim().max(200, 'must be at most 200 characters');

/** Where a webhook may be sent: an http(s) URL that does not point at an address refused by refusedWebhookAddress. */
const webhookUrlSchema = httpUrlSchema.superRefine((url, ctx) => {
  const refused = refusedWebhookAddress(url);
  if (refused) ctx.addIssue({ code: 'custom', message: `must not point at ${refused}` });
});

export const createEndpointSchema = z
  .object({
    url: webhookUrlSchema,
    description: descriptionSchema.optional(),
    eventTypes: eventTypesSchema.default([...EVENT_KINDS]),
    notifySlackUserId: personIdSchema.nullish(),
  })
  .strict();
export type CreateEndpointInput = z.input<typeof createEndpointSchema>;

export const updateEndpointSchema = z
  .object({
    url: webhookUrlSchema.optional(),
    description: descriptionSchema.nullish(),
    eventTypes: eventTypesSchema.optional(),
    enabled: z.boolean().optional(),
    notifySlackUserId: personIdSchema.nullish(),
  })
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'send at least one field to change');
export type UpdateEndpointInput = z.input<typeof updateEndpointSchema>;

type EndpointRow = typeof webhookEndpoints.$inferSelect;

export function toEndpoint(row: EndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    teamId: row.teamId,
    url: row.url,
    description: row.description,
    eventTypes: row.eventTypes as BookingEventKind[],
    status: row.status,
    disabledAt: row.disabledAt,
    disabledReason: row.disabledReason,
    failingSince: row.failingSince,
    createdBy: { kind: row.createdByKind as EndpointCreator['kind'], id: row.createdBy },
    notifySlackUserId: row.notifySlackUserId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export async function createEndpoint(db: Database, teamId: string, input: CreateEndpointInput, createdBy: EndpointCreator): Promise<CreatedEndpoint> {
  const data = parseInput(createEndpointSchema, input);
  const secret = newWebhookSecret();
  const row = await withTeam(db, teamId, async (tx) => {
    const [count] = await tx.select({ n: sql<number>`count(*)::int` }).from(webhookEndpoints);
    if ((count?.n ?? 0) >= MAX_ENDPOINTS_PER_TEAM) {
      throw new InvalidInputError(`A team may have at most ${MAX_ENDPOINTS_PER_TEAM} webhook endpoints; delete one first`, 'url');
    }
    const [inserted] = await tx
      .insert(webhookEndpoints)
      .values({
        teamId,
        url: data.url,
        description: data.description || null,
        eventTypes: data.eventTypes,
        secret,
        createdByKind: createdBy.kind,
        createdBy: createdBy.id,
        notifySlackUserId: data.notifySlackUserId ?? (createdBy.kind === 'slack' ? createdBy.id : null),
      })
      .returning();
    return inserted!;
  });
  return { endpoint: toEndpoint(row), secret };
}

export async function listEndpoints(db: Database, teamId: string): Promise<WebhookEndpoint[]> {
  const rows = await withTeam(db, teamId, (tx) => tx.select().from(webhookEndpoints).orderBy(desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id)));
  return rows.map(toEndpoint);
}

export async function getEndpoint(db: Database, teamId: string, id: string): Promise<WebhookEndpoint> {
  if (!isUuid(id)) throw new NotFoundError('webhook_endpoint', id, 'id');
  const [row] = await withTeam(db, teamId, (tx) => tx.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)));
  if (!row) throw new NotFoundError('webhook_endpoint', id, 'id');
  return toEndpoint(row);
}

/**
 * Changes an endpoint. Disabling it gives up its waiting deliveries (they can be redelivered by
 * hand once it is on again); enabling it forgets its failures.
 */
export async function updateEndpoint(db: Database, teamId: string, id: string, input: UpdateEndpointInput, now = new Date()): Promise<WebhookEndpoint> {
  const data = parseInput(updateEndpointSchema, input);
  if (!isUuid(id)) throw new NotFoundError('webhook_endpoint', id, 'id');
  const row = await withTeam(db, teamId, async (tx) => {
    const [current] = await tx.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)).for('update');
    if (!current) throw new NotFoundError('webhook_endpoint', id, 'id');
    const turningOff = data.enabled === false && current.status === 'enabled';
    const turningOn = data.enabled === true && current.status === 'disabled';
    const [updated] = await tx
      .update(webhookEndpoints)
      .set({
        ...(data.url !== undefined ? { url: data.url } : {}),
        ...(data.description !== undefined ? { description: data.description || null } : {}),
        ...(data.eventTypes !== undefined ? { eventTypes: data.eventTypes } : {}),
        ...(data.notifySlackUserId !== undefined ? { notifySlackUserId: data.notifySlackUserId } : {}),
        ...(turningOff ? { status: 'disabled' as const, disabledAt: now, disabledReason: 'Disabled by hand' } : {}),
        ...(turningOn ? { status: 'enabled' as const, disabledAt: null, disabledReason: null, failingSince: null } : {}),
        updatedAt: now,
      })
      .where(eq(webhookEndpoints.id, id))
      .returning();
    if (turningOff) await giveUpPending(tx, id, 'The endpoint was disabled');
    return updated!;
  });
  return toEndpoint(row);
}

/** A new secret, shown once; the old one stops signing at once. */
export async function rotateEndpointSecret(db: Database, teamId: string, id: string, now = new Date()): Promise<CreatedEndpoint> {
  if (!isUuid(id)) throw new NotFoundError('webhook_endpoint', id, 'id');
  const secret = newWebhookSecret();
  const [row] = await withTeam(db, teamId, (tx) => tx.update(webhookEndpoints).set({ secret, updatedAt: now }).where(eq(webhookEndpoints.id, id)).returning());
  if (!row) throw new NotFoundError('webhook_endpoint', id, 'id');
  return { endpoint: toEndpoint(row), secret };
}

export async function deleteEndpoint(db: Database, teamId: string, id: string): Promise<void> {
  if (!isUuid(id)) throw new NotFoundError('webhook_endpoint', id, 'id');
  const deleted = await withTeam(db, teamId, (tx) => tx.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id)).returning({ id: webhookEndpoints.id }));
  if (!deleted.length) throw new NotFoundError('webhook_endpoint', id, 'id');
}

/** The endpoint's secret, for signing (never shown again after creation). */
export async function endpointSecret(db: Database, teamId: string, id: string): Promise<string | undefined> {
  const [row] = await withTeam(db, teamId, (tx) => tx.select({ secret: webhookEndpoints.secret }).from(webhookEndpoints).where(eq(webhookEndpoints.id, id)));
  return row?.secret;
}

export async function giveUpPending(tx: Parameters<Parameters<typeof withTeam>[2]>[0], endpointId: string, reason: string): Promise<void> {
  await tx
    .update(webhookDeliveries)
    .set({ status: 'failed', lastError: reason, leasedUntil: null, leaseToken: null, updatedAt: sql`now()` })
    .where(and(eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.status, 'pending'), sql`${webhookDeliveries.leasedUntil} is null or ${webhookDeliveries.leasedUntil} < now()`));
}
