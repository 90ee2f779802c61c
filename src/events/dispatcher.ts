import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { withTeam, withoutTeam } from '../db/tenant.js';
import { EVENTS_CHANNEL, type BookingEventKind, type EventPayloads } from './outbox.js';
import { rawRows } from '../db/raw.js';
import { textArray } from '../db/statements.js';
import { WorkLoop, type WorkLoopOptions } from './work-loop.js';

/** An event as a handler receives it. */
export interface DeliveredEvent<K extends BookingEventKind = BookingEventKind> {
  id: number;
  teamId: string;
  meetingId: string;
  bookingId: string;
  kind: K;
  payload: EventPayloads[K];
  createdAt: Date;
  /** 1 on the first try. */
  attempt: number;
  /** No retry follows if this attempt fails. */
  lastAttempt: boolean;
}

/** Remembers a handler's side effects per event, so a redelivery skips what was already done. */
export interface EffectLedger {
  /** Runs `effect` unless it already ran for this event (and records it when it succeeds). */
  once(effect: string, work: () => Promise<void>): Promise<void>;
}

/**
 * Work a consumer does on its own clock beside the events (guests' reminder emails, sent when
 * they come due): started and stopped with the dispatcher, so every process that delivers events
 * runs it too.
 */
export interface BackgroundJob {
  start(options: { pollMs?: number }): void;
  stop(): Promise<void>;
  /** Look now rather than at the next poll. */
  kick(): void;
  /** One round of due work, now; returns how much it took on. */
  runOnce(): Promise<number>;
}

/** One consumer of booking events (Slack, email, webhooks, video, calendars). Must be idempotent by event id. */
export interface EventHandler {
  name: string;
  kinds: readonly BookingEventKind[];
  /** Attempts before a delivery is given up and marked failed (default 10, about half an hour). */
  maxAttempts?: number;
  /** Delay before attempt n + 1 after attempt n failed. */
  backoffMs?: (attempt: number) => number;
  handle(event: DeliveredEvent, effects: EffectLedger): Promise<void>;
  job?: BackgroundJob;
}

export interface DispatcherOptions extends WorkLoopOptions {
  /** How often the handlers' background jobs look for due work (each job has its own default). */
  jobPollMs?: number;
  /** Deliveries claimed at once (of different meetings; one meeting's events go one at a time). */
  batchSize?: number;
  /** A claimed delivery not finished in this time is taken over by another dispatcher. */
  leaseMs?: number;
}

const DISPATCHER_SETTINGS = { 'app.dispatcher': 'on' };
const DISPATCHER_LIMITS = { admissionKey: '(dispatcher)', lockTimeoutMs: 5_000, statementTimeoutMs: 15_000 };

export function defaultBackoffMs(attempt: number): number {
  const base = Math.min(2_000 * 2 ** (attempt - 1), 3_600_000);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

interface ClaimedRow {
  event_id: string | number;
  handler: string;
  attempts: number;
  team_id: string;
  meeting_id: string;
  booking_id: string;
  kind: BookingEventKind;
  payload: unknown;
  created_at: string | Date;
}

/**
 * Delivers outbox events to their handlers: at least once, in order per meeting and handler, with
 * retries and backoff, from any number of processes at once (rows are claimed with FOR UPDATE SKIP
 * LOCKED and a lease). Failures stay visible in event_deliveries (attempts, last_error).
 */
export class EventDispatcher extends WorkLoop {
  private readonly handlers: Map<string, EventHandler>;
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly jobPollMs: number | undefined;

  constructor(
    private readonly db: Database,
    handlers: readonly EventHandler[],
    options: DispatcherOptions = {},
  ) {
    super('Events', EVENTS_CHANNEL, options);
    this.handlers = new Map(handlers.map((h) => [h.name, h]));
    this.batchSize = options.batchSize ?? 20;
    this.leaseMs = options.leaseMs ?? 60_000;
    this.jobPollMs = options.jobPollMs;
  }

  get handlerNames(): string[] {
    return [...this.handlers.keys()];
  }

  override async start(): Promise<void> {
    await super.start();
    for (const job of this.jobs) job.start({ pollMs: this.jobPollMs });
  }

  override async stop(): Promise<void> {
    await Promise.all([super.stop(), ...this.jobs.map((job) => job.stop())]);
  }

  /** Makes the handlers' background jobs look for due work now (after a clock change in tests, say). */
  kickJobs(): void {
    for (const job of this.jobs) job.kick();
  }

  /** One round of every background job, now, beside their own loops. */
  async runJobsOnce(): Promise<number> {
    return (await Promise.all(this.jobs.map((job) => job.runOnce()))).reduce((a, b) => a + b, 0);
  }

  private get jobs(): BackgroundJob[] {
    return [...this.handlers.values()].flatMap((h) => (h.job ? [h.job] : []));
  }

  /** One round: fan new events out into deliveries, then claim and deliver what is due. Returns deliveries attempted. */
  async runOnce(): Promise<number> {
    await this.fanOut();
    const claimed = await this.claim();
    const outcomes = await Promise.all(claimed.map((row) => this.deliver(row)));
    await this.settle(outcomes);
    return claimed.length;
  }

  /** New events get one pending delivery per handler that wants their kind. */
  private async fanOut(): Promise<void> {
    const names = [...this.handlers.values()];
    await withoutTeam(
      this.db,
      DISPATCHER_SETTINGS,
      async (tx) => {
        const events = await rawRows<{ id: string | number; team_id: string; meeting_id: string; kind: BookingEventKind }>(
          tx,
          sql`select id, team_id, meeting_id, kind from booking_events where fanned_out_at is null order by id limit 200 for update skip locked`,
        );
        if (events.length === 0) return;
        const values = events.flatMap((e) =>
          names.filter((h) => h.kinds.includes(e.kind)).map((h) => sql`(${Number(e.id)}, ${h.name}, ${e.team_id}, ${e.meeting_id})`),
        );
        if (values.length) {
          await tx.execute(
            sql`insert into event_deliveries (event_id, handler, team_id, meeting_id) values ${sql.join(values, sql`, `)} on conflict do nothing`,
          );
        }
        const ids = events.map((e) => Number(e.id));
        await tx.execute(sql`update booking_events set fanned_out_at = now() where id = any(${`{${ids.join(',')}}`}::bigint[])`);
      },
      DISPATCHER_LIMITS,
    );
  }

  /**
   * Claims due deliveries: pending, past their next attempt, not leased, and with no earlier
   * delivery of the same meeting to the same handler still pending (nor an earlier event of the
   * meeting not yet fanned out), so one meeting's events reach a handler in order.
   */
  private async claim(): Promise<ClaimedRow[]> {
    const handlers = [...this.handlers.keys()];
    if (handlers.length === 0) return [];
    return withoutTeam(
      this.db,
      DISPATCHER_SETTINGS,
      (tx) =>
        rawRows<ClaimedRow>(
          tx,
          sql`
          with due as (
            select d.event_id, d.handler from event_deliveries d
            where d.status = 'pending' and d.next_attempt_at <= now()
              and (d.leased_until is null or d.leased_until < now())
              and d.handler = any(${textArray(handlers)}::text[])
              and not exists (
                select 1 from event_deliveries e
                where e.meeting_id = d.meeting_id and e.handler = d.handler and e.status = 'pending' and e.event_id < d.event_id)
              and not exists (
                select 1 from booking_events b where b.meeting_id = d.meeting_id and b.id < d.event_id and b.fanned_out_at is null)
            order by d.event_id
            limit ${this.batchSize}
            for update of d skip locked
          ), claimed as (
            update event_deliveries d
            set leased_until = now() + ${`${this.leaseMs} milliseconds`}::interval, attempts = d.attempts + 1, updated_at = now()
            from due where d.event_id = due.event_id and d.handler = due.handler
            returning d.event_id, d.handler, d.attempts
          )
          select c.event_id, c.handler, c.attempts, e.team_id, e.meeting_id, e.booking_id, e.kind, e.payload, e.created_at
          from claimed c join booking_events e on e.id = c.event_id
          order by c.event_id`,
        ),
      DISPATCHER_LIMITS,
    );
  }

  private async deliver(row: ClaimedRow): Promise<Outcome> {
    const handler = this.handlers.get(row.handler)!;
    const maxAttempts = handler.maxAttempts ?? 10;
    const eventId = Number(row.event_id);
    const event: DeliveredEvent = {
      id: eventId,
      teamId: row.team_id,
      meetingId: row.meeting_id,
      bookingId: row.booking_id,
      kind: row.kind,
      payload: (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as never,
      createdAt: new Date(row.created_at),
      attempt: row.attempts,
      lastAttempt: row.attempts >= maxAttempts,
    };
    const outcome = { eventId, handler: handler.name };
    try {
      await handler.handle(event, this.ledger(event, handler.name));
      return { ...outcome, status: 'delivered', error: null, retryInMs: null };
    } catch (error) {
      const message = describeError(error);
      if (event.lastAttempt) {
        this.log.error(`Events: ${handler.name} gave up on event ${eventId} (${event.kind}) after ${row.attempts} attempts: ${message}`);
        return { ...outcome, status: 'failed', error: message, retryInMs: null };
      }
      const delay = (handler.backoffMs ?? defaultBackoffMs)(row.attempts);
      this.log.warn(`Events: ${handler.name} failed on event ${eventId} (${event.kind}), attempt ${row.attempts}; retrying in ${Math.round(delay / 1000)} s: ${message}`);
      return { ...outcome, status: 'pending', error: message, retryInMs: Math.round(delay) };
    }
  }

  /** Records a round's outcomes in one statement: delivered, failed for good, or due again after a delay. */
  private async settle(outcomes: Outcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    await withoutTeam(
      this.db,
      DISPATCHER_SETTINGS,
      (tx) =>
        tx.execute(sql`
          update event_deliveries d set
            status = o.status::delivery_status,
            delivered_at = case when o.status = 'delivered' then now() else d.delivered_at end,
            leased_until = null,
            last_error = o.last_error,
            next_attempt_at = case when o.retry_in_ms is null then d.next_attempt_at else now() + o.retry_in_ms * interval '1 millisecond' end,
            updated_at = now()
          from unnest(
            ${`{${outcomes.map((o) => o.eventId).join(',')}}`}::bigint[],
            ${textArray(outcomes.map((o) => o.handler))}::text[],
            ${textArray(outcomes.map((o) => o.status))}::text[],
            ${textArray(outcomes.map((o) => o.error))}::text[],
            ${`{${outcomes.map((o) => o.retryInMs ?? 'NULL').join(',')}}`}::int[]
          ) as o(event_id, handler, status, last_error, retry_in_ms)
          where d.event_id = o.event_id and d.handler = o.handler`),
      DISPATCHER_LIMITS,
    ).catch((error) => this.log.error(`Events: could not record the outcome of ${outcomes.length} deliveries`, error));
  }

  private ledger(event: DeliveredEvent, handler: string): EffectLedger {
    return {
      once: async (effect, work) => {
        const done = await withTeam(this.db, event.teamId, async (tx) =>
          (await rawRows(tx, sql`select 1 from event_effects where event_id = ${event.id} and handler = ${handler} and effect = ${effect}`)).length > 0,
        );
        if (done) return;
        await work();
        await withTeam(this.db, event.teamId, (tx) =>
          tx.execute(sql`insert into event_effects (team_id, event_id, handler, effect) values (${event.teamId}, ${event.id}, ${handler}, ${effect}) on conflict do nothing`),
        );
      },
    };
  }

  protected async hasDueWork(withinMs: number): Promise<boolean> {
    const handlers = [...this.handlers.keys()];
    return withoutTeam(
      this.db,
      DISPATCHER_SETTINGS,
      async (tx) => {
        const [row] = await rawRows<{ due: boolean }>(
          tx,
          sql`select exists (select 1 from booking_events where fanned_out_at is null)
              or exists (select 1 from event_deliveries where status = 'pending'
                           and next_attempt_at <= now() + ${`${Math.max(0, Math.round(withinMs))} milliseconds`}::interval
                           and handler = any(${textArray(handlers)}::text[])) as due`,
        );
        return Boolean(row?.due);
      },
      DISPATCHER_LIMITS,
    );
  }
}

interface Outcome {
  eventId: number;
  handler: string;
  /** 'pending' when it is retried. */
  status: 'delivered' | 'failed' | 'pending';
  error: string | null;
  retryInMs: number | null;
}

function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, 2000);
}
