import { and, eq, sql } from 'drizzle-orm';
import { getBooking, NotFoundError, type Booking } from '../bookings/index.js';
import { guestReminders } from '../db/schema.js';
import { rawRows as rows } from '../db/raw.js';
import { withTeam, withoutTeam } from '../db/tenant.js';
import { guestMailInput, loadMeetingMail, sendRecorded, type EmailContext } from './meeting-mail.js';
import { reminderEmail } from './reminder.js';

export interface ReminderLoopOptions {
  /** How often to look for due reminders (default 15 s: a reminder goes out at most that late). */
  pollMs?: number;
  /** A claimed reminder not settled in this time may be taken over by another process. */
  leaseMs?: number;
  batchSize?: number;
  /** Attempts before a reminder the mail server keeps failing is given up. */
  maxAttempts?: number;
  backoffMs?: (attempt: number) => number;
}

interface ClaimedReminder {
  id: string;
  team_id: string;
  booking_id: string;
  guest_id: string;
  starts_at: string | Date;
  attempts: number;
}

const LOOP_SETTINGS = { 'app.dispatcher': 'on' };
const LOOP_LIMITS = { admissionKey: '(reminders)', lockTimeoutMs: 5_000, statementTimeoutMs: 15_000 };

/**
 * Sends guests' reminder emails when they come due. The rows are the source of truth (written when
 * the booking's event is handled, dropped when it moves or is cancelled), so a reminder due while
 * no process ran goes out at the next start, as long as the meeting has not begun. Due rows are
 * claimed with FOR UPDATE SKIP LOCKED and a lease, so with several processes each goes out once.
 * Due-ness follows the app's clock; leases and retries the database's.
 */
export class GuestReminderLoop {
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private kicked = false;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly batchSize: number;
  private readonly maxAttempts: number;
  private readonly backoffMs: (attempt: number) => number;

  constructor(
    private readonly ctx: EmailContext,
    options: ReminderLoopOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 15_000;
    this.leaseMs = options.leaseMs ?? 120_000;
    this.batchSize = options.batchSize ?? 20;
    this.maxAttempts = options.maxAttempts ?? 20;
    this.backoffMs = options.backoffMs ?? ((attempt) => Math.min(5_000 * 2 ** (attempt - 1), 300_000));
  }

  start(options: { pollMs?: number } = {}): void {
    if (this.running) return;
    this.running = true;
    const pollMs = options.pollMs ?? this.pollMs;
    this.loop = this.run(pollMs);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.kick();
    await this.loop;
  }

  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  /** One round: claims what is due and sends it. Returns how many reminders were claimed. */
  async runOnce(): Promise<number> {
    const claimed = await this.claim();
    for (const row of claimed) await this.deliver(row);
    return claimed.length;
  }

  private async run(pollMs: number): Promise<void> {
    while (this.running) {
      let worked = 0;
      try {
        worked = await this.runOnce();
      } catch (error) {
        this.ctx.log.error('Email: reminder round failed', error);
      }
      if (!this.running) break;
      if (worked > 0 || this.kicked) {
        this.kicked = false;
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private async claim(): Promise<ClaimedReminder[]> {
    const now = this.ctx.now();
    return withoutTeam(
      this.ctx.db,
      LOOP_SETTINGS,
      (tx) =>
        rows<ClaimedReminder>(
          tx,
          sql`
          with due as (
            select id from guest_reminders
            where status = 'pending' and send_at <= ${now.toISOString()}::timestamptz and next_attempt_at <= now()
              and (leased_until is null or leased_until < now())
            order by send_at
            limit ${this.batchSize}
            for update skip locked
          )
          update guest_reminders r
          set leased_until = now() + ${`${this.leaseMs} milliseconds`}::interval, attempts = r.attempts + 1, updated_at = now()
          from due where r.id = due.id
          returning r.id, r.team_id, r.booking_id, r.guest_id, r.starts_at, r.attempts`,
        ),
      LOOP_LIMITS,
    );
  }

  private async deliver(row: ClaimedReminder): Promise<void> {
    const now = this.ctx.now();
    try {
      if (new Date(row.starts_at).getTime() <= now.getTime()) {
        return await this.settle(row, { status: 'failed', lastError: 'the meeting started before the reminder could be sent' });
      }
      const booking = await findBooking(this.ctx, row.team_id, row.booking_id);
      // Moved or cancelled meanwhile (its event may not be handled yet): this reminder is not wanted.
      if (!booking || booking.status !== 'confirmed' || booking.rescheduledToId || booking.startsAt.getTime() <= now.getTime()) {
        return await this.settle(row, { status: 'dropped' });
      }
      const mail = await loadMeetingMail(this.ctx, booking);
      const guest = mail.guests.find((g) => g.guestId === row.guest_id);
      if (!guest) return await this.settle(row, { status: 'dropped' });
      const email = reminderEmail(await guestMailInput(this.ctx, mail, guest));
      const outcome = await sendRecorded(this.ctx, booking, guest.guestId, 'reminder', null, email);
      await this.settle(row, outcome === 'sent' ? { status: 'sent', sentAt: true } : { status: 'rejected' });
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      if (row.attempts >= this.maxAttempts) {
        this.ctx.log.error(`Email: gave up on the reminder ${row.id} after ${row.attempts} attempts: ${message}`);
        await this.settle(row, { status: 'failed', lastError: message });
      } else {
        const delay = this.backoffMs(row.attempts);
        this.ctx.log.warn(`Email: reminder ${row.id} not sent (attempt ${row.attempts}); retrying in ${Math.round(delay / 1000)} s: ${message}`);
        await this.settle(row, { lastError: message, retryInMs: delay });
      }
    }
  }

  private async settle(
    row: ClaimedReminder,
    outcome: { status?: 'sent' | 'dropped' | 'rejected' | 'failed'; lastError?: string; sentAt?: boolean; retryInMs?: number },
  ): Promise<void> {
    await withTeam(this.ctx.db, row.team_id, (tx) =>
      tx
        .update(guestReminders)
        .set({
          ...(outcome.status ? { status: outcome.status } : {}),
          ...(outcome.lastError !== undefined ? { lastError: outcome.lastError.slice(0, 2000) } : {}),
          ...(outcome.sentAt ? { sentAt: sql`now()` } : {}),
          ...(outcome.retryInMs !== undefined ? { nextAttemptAt: sql`now() + ${`${outcome.retryInMs} milliseconds`}::interval` } : {}),
          leasedUntil: null,
          updatedAt: sql`now()`,
        })
        .where(and(eq(guestReminders.id, row.id), eq(guestReminders.status, 'pending'))),
    ).catch((error) => this.ctx.log.error(`Email: could not record the outcome of reminder ${row.id}`, error));
  }
}

async function findBooking(ctx: EmailContext, teamId: string, bookingId: string): Promise<Booking | undefined> {
  try {
    return await getBooking(ctx.db, teamId, bookingId);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}
