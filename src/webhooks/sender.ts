import { and, eq, sql } from 'drizzle-orm';
import { getRuntimeKey } from 'hono/adapter';
import type { Database } from '../db/client.js';
import { webhookAttempts, webhookDeliveries, webhookEndpoints } from '../db/schema.js';
import { withTeam, withoutTeam, type Tx } from '../db/tenant.js';
import { rawRows } from '../db/raw.js';
import { WorkLoop, type WorkLoopOptions } from '../events/work-loop.js';
import { WEBHOOKS_CHANNEL, notify, type WebhookAttemptView, type WebhookDeliveryView } from './deliveries.js';
import { giveUpPending, toEndpoint, type WebhookEndpoint } from './endpoints.js';
import { testPayload } from './payload.js';
import { signWebhook } from './signing.js';
import { hostNameToResolve, refusedResolvedAddress, refusedWebhookAddress } from './address-policy.js';

/**
 * Sends webhook deliveries: claims due ones across teams (FOR UPDATE SKIP LOCKED, with a lease and
 * a token, so any number of processes share the work and never send one at the same time), POSTs
 * each signed per Standard Webhooks, logs the attempt, and on failure schedules the next one.
 * After the last attempt of a round, an endpoint that nothing has reached since the round's first
 * failure is disabled and its owner told.
 */

/** After attempt n fails, attempt n + 1 comes this much later: about 27.5 hours in all, 8 attempts (Standard Webhooks' own example). */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = [5_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 5 * 3_600_000, 10 * 3_600_000, 10 * 3_600_000];
/** The longest an endpoint may take to answer. */
export const DEFAULT_TIMEOUT_MS = 15_000;
const SNIPPET_BYTES = 1024;
const SENDER_SETTINGS = { 'app.webhook_sender': 'on' };
const SENDER_LIMITS = { admissionKey: '(webhooks)', lockTimeoutMs: 5_000, statementTimeoutMs: 15_000 };
const USER_AGENT = 'MeetingsForSlack-Webhooks/1.0';

export interface WebhookSenderOptions extends WorkLoopOptions {
  /** Delays between attempts (ms); a round makes retryScheduleMs.length + 1 attempts. Tests pass a fast one. */
  retryScheduleMs?: readonly number[];
  /** Spread of each delay, as a fraction either way (default 0.1), so endpoints that failed together are not retried together. */
  jitter?: number;
  timeoutMs?: number;
  batchSize?: number;
  /** A claimed delivery not settled in this time may be taken over (longer than timeoutMs). */
  leaseMs?: number;
  /** How host names are resolved before sending, to refuse those that lead to a refused address (default: node:dns). */
  resolveHost?: HostResolver;
  /** Told once when an endpoint is disabled for failing (the Slack notice). */
  onDisabled?: (endpoint: WebhookEndpoint) => Promise<void>;
}

interface Claimed {
  id: string;
  teamId: string;
  endpointId: string;
  url: string;
  secret: string;
  messageId: string;
  payload: unknown;
  attempts: number;
  maxAttempts: number | null;
  leaseToken: string;
  redelivered: boolean;
}

export interface AttemptOutcome {
  statusCode: number | null;
  responseSnippet: string | null;
  error: string | null;
  durationMs: number;
  succeeded: boolean;
  startedAt: Date;
}

export class WebhookSender extends WorkLoop {
  private readonly schedule: readonly number[];

  constructor(
    private readonly db: Database,
    private readonly options: WebhookSenderOptions = {},
  ) {
    super('Webhooks', WEBHOOKS_CHANNEL, options);
    this.schedule = options.retryScheduleMs ?? DEFAULT_RETRY_SCHEDULE_MS;
  }

  /** One round: claim what is due and send it. Returns how many were attempted. */
  async runOnce(): Promise<number> {
    const claimed = await this.claim();
    await Promise.all(claimed.map((row) => this.send(row, row.attempts === 1 && row.redelivered ? 'manual' : 'scheduled')));
    return claimed.length;
  }

  /**
   * A test message to one endpoint, sent now (not queued) and attempted once: the answer says what
   * the endpoint replied. Its endpoint may be disabled (to check it before turning it back on).
   */
  async sendTest(teamId: string, endpointId: string): Promise<{ delivery: WebhookDeliveryView; attempt: WebhookAttemptView } | undefined> {
    const leaseToken = crypto.randomUUID();
    const claimed = await withTeam(this.db, teamId, async (tx) => {
      const [endpoint] = await tx.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpointId));
      if (!endpoint) return undefined;
      const payload = testPayload(endpointId, new Date());
      const [row] = await tx
        .insert(webhookDeliveries)
        .values({
          teamId,
          endpointId,
          messageId: `msg_test_${crypto.randomUUID().replace(/-/g, '')}`,
          eventType: payload.type,
          payload: payload as unknown as Record<string, unknown>,
          maxAttempts: 1,
          attempts: 1,
          leasedUntil: sql`now() + ${`${this.leaseMs} milliseconds`}::interval`,
          leaseToken,
        })
        .returning();
      return { ...row!, url: endpoint.url, secret: endpoint.secret };
    });
    if (!claimed) return undefined;
    const outcome = await this.send(
      {
        id: claimed.id,
        teamId,
        endpointId,
        url: claimed.url,
        secret: claimed.secret,
        messageId: claimed.messageId,
        payload: claimed.payload,
        attempts: 1,
        maxAttempts: 1,
        leaseToken,
        redelivered: false,
      },
      'test',
    );
    const delivery = await withTeam(this.db, teamId, async (tx) => (await tx.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, claimed.id)))[0]!);
    return {
      delivery: {
        id: delivery.id,
        endpointId,
        eventId: null,
        messageId: delivery.messageId,
        eventType: delivery.eventType,
        status: delivery.status,
        attempts: delivery.attempts,
        nextAttemptAt: null,
        lastStatusCode: delivery.lastStatusCode,
        lastError: delivery.lastError,
        deliveredAt: delivery.deliveredAt,
        createdAt: delivery.createdAt,
      },
      attempt: { trigger: 'test', ...outcome },
    };
  }

  private get leaseMs(): number {
    return this.options.leaseMs ?? Math.max(60_000, (this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS) * 4);
  }

  private async claim(): Promise<Claimed[]> {
    const rows = await withoutTeam(
      this.db,
      SENDER_SETTINGS,
      (tx) =>
        rawRows<Record<string, unknown>>(
          tx,
          sql`
          with due as (
            select d.id from webhook_deliveries d
            join webhook_endpoints e on e.id = d.endpoint_id
            where d.status = 'pending' and d.next_attempt_at <= now()
              and (d.leased_until is null or d.leased_until < now())
              and e.status = 'enabled'
            order by d.next_attempt_at
            limit ${this.options.batchSize ?? 20}
            for update of d skip locked
          )
          update webhook_deliveries d
          set leased_until = now() + ${`${this.leaseMs} milliseconds`}::interval, lease_token = gen_random_uuid(),
              attempts = d.attempts + 1, updated_at = now()
          from due, webhook_endpoints e
          where d.id = due.id and e.id = d.endpoint_id
          returning d.id, d.team_id, d.endpoint_id, e.url, e.secret, d.message_id, d.payload, d.attempts, d.max_attempts, d.lease_token,
                    d.redelivered_at is not null as redelivered`,
        ),
      SENDER_LIMITS,
    );
    return rows.map((r) => ({
      id: String(r.id),
      teamId: String(r.team_id),
      endpointId: String(r.endpoint_id),
      url: String(r.url),
      secret: String(r.secret),
      messageId: String(r.message_id),
      payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload,
      attempts: Number(r.attempts),
      maxAttempts: r.max_attempts == null ? null : Number(r.max_attempts),
      leaseToken: String(r.lease_token),
      redelivered: Boolean(r.redelivered),
    }));
  }

  private async send(claim: Claimed, trigger: WebhookAttemptView['trigger']): Promise<AttemptOutcome> {
    const outcome = await postWebhook(claim, this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS, this.options.resolveHost);
    let disabled: WebhookEndpoint | undefined;
    try {
      disabled = await withTeam(this.db, claim.teamId, (tx) => this.settle(tx, claim, trigger, outcome), SENDER_LIMITS);
    } catch (error) {
      this.log.error(`Webhooks: could not record the attempt of delivery ${claim.id}`, error);
    }
    if (!outcome.succeeded && trigger !== 'test') {
      this.log.warn(`Webhooks: ${claim.url} refused delivery ${claim.id} (attempt ${claim.attempts}): ${outcome.error ?? `HTTP ${outcome.statusCode}`}`);
    }
    if (disabled) {
      this.log.warn(`Webhooks: endpoint ${disabled.id} (${disabled.url}) disabled: ${disabled.disabledReason}`);
      await this.options.onDisabled?.(disabled).catch((error) => this.log.error(`Webhooks: could not tell anyone that endpoint ${disabled!.id} was disabled`, error));
    }
    return outcome;
  }

  /** Logs the attempt and moves the delivery on; returns the endpoint if this failure disabled it. */
  private async settle(tx: Tx, claim: Claimed, trigger: WebhookAttemptView['trigger'], outcome: AttemptOutcome): Promise<WebhookEndpoint | undefined> {
    await tx.insert(webhookAttempts).values({
      teamId: claim.teamId,
      deliveryId: claim.id,
      trigger,
      startedAt: outcome.startedAt,
      durationMs: outcome.durationMs,
      statusCode: outcome.statusCode,
      responseSnippet: outcome.responseSnippet,
      error: outcome.error,
      succeeded: outcome.succeeded,
    });
    const mine = and(eq(webhookDeliveries.id, claim.id), eq(webhookDeliveries.leaseToken, claim.leaseToken));
    const common = { leasedUntil: null, leaseToken: null, lastStatusCode: outcome.statusCode, updatedAt: sql`now()` };
    if (outcome.succeeded) {
      await tx.update(webhookDeliveries).set({ ...common, status: 'delivered', deliveredAt: sql`now()`, lastError: null, failingSince: null }).where(mine);
      await tx.update(webhookEndpoints).set({ failingSince: null }).where(eq(webhookEndpoints.id, claim.endpointId));
      return undefined;
    }
    const lastError = outcome.error ?? `The endpoint answered HTTP ${outcome.statusCode}`;
    const maxAttempts = claim.maxAttempts ?? this.schedule.length + 1;
    const final = claim.attempts >= maxAttempts;
    const [settled] = await tx
      .update(webhookDeliveries)
      .set({
        ...common,
        lastError,
        failingSince: sql`coalesce(${webhookDeliveries.failingSince}, ${outcome.startedAt.toISOString()}::timestamptz)`,
        ...(final ? { status: 'failed' as const } : { nextAttemptAt: sql`now() + ${`${this.delayAfter(claim.attempts)} milliseconds`}::interval` }),
      })
      .where(mine)
      .returning({ failingSince: webhookDeliveries.failingSince });
    await tx
      .update(webhookEndpoints)
      .set({ failingSince: sql`coalesce(${webhookEndpoints.failingSince}, ${outcome.startedAt.toISOString()}::timestamptz)` })
      .where(eq(webhookEndpoints.id, claim.endpointId));
    // A test message, or an attempt whose lease was taken over, decides nothing about the endpoint.
    if (!final || claim.maxAttempts !== null || !settled?.failingSince) return undefined;
    const [disabled] = await tx
      .update(webhookEndpoints)
      .set({
        status: 'disabled',
        disabledAt: sql`now()`,
        disabledReason: `Every delivery failed since ${settled.failingSince.toISOString()}; the last error: ${lastError}`.slice(0, 1000),
        updatedAt: sql`now()`,
      })
      .where(
        and(
          eq(webhookEndpoints.id, claim.endpointId),
          eq(webhookEndpoints.status, 'enabled'),
          sql`${webhookEndpoints.failingSince} is not null and ${webhookEndpoints.failingSince} <= ${settled.failingSince.toISOString()}::timestamptz`,
        ),
      )
      .returning();
    if (!disabled) return undefined;
    await giveUpPending(tx, claim.endpointId, 'The endpoint was disabled after failing for too long');
    await notify(tx);
    return toEndpoint(disabled);
  }

  private delayAfter(attempt: number): number {
    const base = this.schedule[Math.min(attempt - 1, this.schedule.length - 1)] ?? 0;
    const jitter = this.options.jitter ?? 0.1;
    return Math.max(0, Math.round(base * (1 - jitter + Math.random() * 2 * jitter)));
  }

  protected async hasDueWork(withinMs: number): Promise<boolean> {
    const [row] = await withoutTeam(
      this.db,
      SENDER_SETTINGS,
      (tx) =>
        rawRows<{ due: boolean }>(
          tx,
          sql`select exists (select 1 from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id
                where d.status = 'pending' and e.status = 'enabled'
                  and d.next_attempt_at <= now() + ${`${Math.max(0, Math.round(withinMs))} milliseconds`}::interval) as due`,
        ),
      SENDER_LIMITS,
    );
    return Boolean(row?.due);
  }
}

/** A host name's addresses, every family. */
export type HostResolver = (hostname: string) => Promise<string[]>;

/** node:dns's lookup on Node; on Workers there is none (and Cloudflare's network reaches no link-local address). */
export const resolveHost: HostResolver | undefined =
  getRuntimeKey() === 'node'
    ? async (hostname) => {
        const { lookup } = await import('node:dns/promises');
        return (await lookup(hostname, { all: true, verbatim: true })).map((found) => found.address);
      }
    : undefined;

/** One signed POST; never throws: what happened is the outcome. */
export async function postWebhook(
  claim: Pick<Claimed, 'url' | 'secret' | 'messageId' | 'payload'>,
  timeoutMs: number,
  resolve: HostResolver | undefined = resolveHost,
): Promise<AttemptOutcome> {
  const body = JSON.stringify(claim.payload);
  const startedAt = new Date();
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  // An endpoint saved before the address rules existed is refused here, as a failed attempt; so is
  // a name that resolves to such an address.
  const refused = refusedWebhookAddress(claim.url);
  if (refused) return { statusCode: null, responseSnippet: null, error: `Not sent: the URL points at ${refused}`, durationMs: 0, succeeded: false, startedAt };
  const refusedName = await refusedByName(claim.url, resolve);
  if (refusedName) return { statusCode: null, responseSnippet: null, error: `Not sent: ${refusedName}`, durationMs: elapsed(), succeeded: false, startedAt };
  try {
    const response = await fetch(claim.url, {
      method: 'POST',
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: { 'content-type': 'application/json', 'user-agent': USER_AGENT, ...signWebhook(claim.secret, claim.messageId, body, startedAt) },
    });
    const snippet = await readSnippet(response);
    const succeeded = response.status >= 200 && response.status < 300;
    const redirect = response.status >= 300 && response.status < 400 ? ` (redirects are not followed; use the final URL${response.headers.get('location') ? `, ${response.headers.get('location')}` : ''})` : '';
    return {
      statusCode: response.status,
      responseSnippet: snippet,
      error: succeeded ? null : `HTTP ${response.status}${redirect}`,
      durationMs: elapsed(),
      succeeded,
      startedAt,
    };
  } catch (error) {
    return { statusCode: null, responseSnippet: null, error: describeFetchError(error, timeoutMs), durationMs: elapsed(), succeeded: false, startedAt };
  }
}

async function readSnippet(response: Response): Promise<string | null> {
  if (!response.body) return null;
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < SNIPPET_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } catch {
    // a body cut short: keep what came
  } finally {
    reader.cancel().catch(() => {});
  }
  const bytes = new Uint8Array(Math.min(size, SNIPPET_BYTES));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, bytes.length - offset);
    bytes.set(part, offset);
    offset += part.length;
    if (offset >= bytes.length) break;
  }
  // Postgres text cannot hold NUL.
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes).replace(/\u0000/g, '') || null;
}

/** Why the URL's host name is refused: an address it resolves to is. An address in the URL was judged already. */
async function refusedByName(url: string, resolve: HostResolver | undefined): Promise<string | undefined> {
  const hostname = hostNameToResolve(url);
  if (!resolve || !hostname) return undefined;
  let addresses: string[];
  try {
    addresses = await resolve(hostname);
  } catch {
    return undefined; // a name that does not resolve: fetch reports it in its own words
  }
  for (const address of addresses) {
    const reason = refusedResolvedAddress(address);
    if (reason) return `${hostname} resolves to ${address}, ${reason}`;
  }
  return undefined;
}

function describeFetchError(error: unknown, timeoutMs: number): string {
  const e = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `No answer within ${Math.round(timeoutMs / 1000)} s`;
  const cause = e?.cause?.code ?? e?.cause?.message;
  return `Could not reach the endpoint: ${e?.message ?? String(error)}${cause ? ` (${cause})` : ''}`.replace(/\u0000/g, '').slice(0, 1000);
}
