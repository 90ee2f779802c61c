import { sql } from 'drizzle-orm';
import { rawRows } from '../db/raw.js';
import { withoutTeam } from '../db/tenant.js';
import { CACHE_TTL_MS, WANTED_FOR_MS, type CalendarService } from './service.js';

const REFRESHER_SETTINGS = { 'app.calendar_refresher': 'on' };
/** An account taken for reading is left to its reader this long. */
const LEASE_MS = 60_000;
/** Read again this long before the cache would go stale, so people rarely wait for a calendar. */
const AHEAD_MS = 60_000;

/**
 * Keeps recently wanted calendars fresh in the background: every `intervalMs` it takes (FOR UPDATE
 * SKIP LOCKED, with a lease, so several processes share the work) the accounts whose busy time was
 * wanted in the last half hour and is about to go stale, and reads them.
 */
export class CalendarRefresher {
  private timer?: ReturnType<typeof setTimeout>;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly service: CalendarService,
    private readonly options: { intervalMs?: number; batch?: number } = {},
  ) {}

  start(): void {
    if (!this.service.configured) return;
    const tick = () => {
      if (this.stopped) return;
      this.running = this.runOnce()
        .then(() => {})
        .catch((error) => this.service.log.error('Calendars: background refresh failed', error))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.options.intervalMs ?? 20_000);
        });
    };
    this.timer = setTimeout(tick, 1_000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One round; returns how many accounts were read. */
  async runOnce(): Promise<number> {
    const now = this.service.now();
    const due = await withoutTeam(
      this.service.db,
      REFRESHER_SETTINGS,
      (tx) =>
        rawRows<{ id: string; team_id: string }>(
          tx,
          sql`
          with due as (
            select a.id from calendar_accounts a
            where a.wanted_at > ${new Date(now.getTime() - WANTED_FOR_MS).toISOString()}::timestamptz
              and (a.refreshing_until is null or a.refreshing_until < ${now.toISOString()}::timestamptz)
              and exists (
                select 1 from calendars c where c.account_id = a.id and c.counts_as_busy
                  and (c.read_at is null or c.read_at < ${new Date(now.getTime() - CACHE_TTL_MS + AHEAD_MS).toISOString()}::timestamptz))
            order by a.wanted_at desc
            limit ${this.options.batch ?? 10}
            for update of a skip locked
          )
          update calendar_accounts a set refreshing_until = ${new Date(now.getTime() + LEASE_MS).toISOString()}::timestamptz
          from due where a.id = due.id
          returning a.id, a.team_id`,
        ),
      { admissionKey: '(calendar refresher)' },
    );
    await Promise.all(
      due.map((row) =>
        this.service.refreshAccount(row.team_id, row.id).catch((error) => this.service.log.warn(`Calendars: background read of account ${row.id} failed`, error)),
      ),
    );
    return due.length;
  }
}
