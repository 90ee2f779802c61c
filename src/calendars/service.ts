import { and, eq, gt, inArray, lt, sql } from 'drizzle-orm';
import type { Config } from '../config.js';
import { subtractIntervals, type BusyInterval, type Interval } from '../core/availability/index.js';
import type { Database } from '../db/client.js';
import { calendarAccounts, calendarWrites, calendars, users, type CachedBusy } from '../db/schema.js';
import { withTeam, type Tx } from '../db/tenant.js';
import { PROVIDER_TIMEOUT_MS } from './http.js';
import { openSecret, sealSecret, SecretsKeyMissingError, SecretUnreadableError } from './secrets.js';
import { openSession } from './sessions.js';
import { busyIn, loadAccounts, rangeCovers, saveAccount, type AccountRow, type CalendarAccountView, type CalendarRow } from './store.js';
import { CalendarError, type CalendarProvider, type RemoteCalendar } from './types.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** Busy time read within this long counts as fresh for showing free times. */
export const CACHE_TTL_MS = 5 * MINUTE_MS;
/** How far ahead an account's busy time is read and kept (free/busy APIs answer ~6 weeks a request). */
export const CACHE_AHEAD_DAYS = 62;
/** After a failed read, an account is not asked again on demand for this long. */
export const RETRY_AFTER_FAILURE_MS = MINUTE_MS;
/** People whose busy time was wanted this recently are kept fresh by the background refresher. */
export const WANTED_FOR_MS = 30 * MINUTE_MS;

/** A calendar whose busy time is not in the answer (or only as last read), and why. */
export interface UnreadCalendar {
  personId: string;
  accountId: string;
  calendarId: string;
  calendarName: string;
  provider: CalendarProvider;
  reason: string;
  /** Still being read: a later answer will have it. */
  pending: boolean;
}

export interface ExternalBusy {
  /** Per person: busy intervals from their calendars (`external: true`), our own written meetings left out. */
  busy: Map<string, BusyInterval[]>;
  unread: UnreadCalendar[];
  /** Resolves when reads still running when this answer was given have ended. */
  settled?: Promise<void>;
}

export interface BusyOptions {
  /** Longest wait for calendars being read now; past it, what was last read is used. Default 0. */
  waitMs?: number;
  /** Busy time read longer ago than this is read again. Default CACHE_TTL_MS. */
  maxAgeMs?: number;
}

/** What the booking service and the surfaces need from calendars: busy time, never an exception. */
export interface ExternalBusySource {
  busyFor(teamId: string, personIds: readonly string[], from: Date, to: Date, options?: BusyOptions): Promise<ExternalBusy>;
}

/** The cached side of a busy-time question (see readCache). */
export interface CacheRead {
  ids: string[];
  from: Date;
  to: Date;
  now: Date;
  maxAge: number;
  rows: ReadRow[];
  written: { personId: string; start: Date; end: Date }[];
  /** Accounts to read again, with their rows. */
  stale: Map<string, ReadRow[]>;
}

function emptyCache(personIds: readonly string[], from: Date, to: Date, now: Date): CacheRead {
  return { ids: [...new Set(personIds)], from, to, now, maxAge: CACHE_TTL_MS, rows: [], written: [], stale: new Map() };
}

interface ReadRow {
  account: AccountRow;
  calendar: CalendarRow;
  email: string | null;
  personZone: string;
}

type ReadResult = Map<string, CachedBusy[] | CalendarError>;

/**
 * People's calendars: connecting accounts, their busy time through a cache in the database
 * (shared by every process, refreshed on demand and by the background refresher), and the
 * accounts' sessions for writing meetings back. Remote calls never run inside a transaction.
 */
export class CalendarService implements ExternalBusySource {
  private readonly inFlight = new Map<string, { from: number; to: number; work: Promise<ReadResult> }>();
  readonly log: Pick<Console, 'warn' | 'error'>;

  constructor(
    readonly db: Database,
    readonly config: Config,
    private readonly clock: () => Date = () => new Date(),
    log?: Pick<Console, 'warn' | 'error'>,
  ) {
    this.log = log ?? console;
  }

  get configured(): boolean {
    return Boolean(this.config.calendars?.secretsKey);
  }

  now(): Date {
    return this.clock();
  }

  private get secretsKey(): string {
    const key = this.config.calendars?.secretsKey;
    if (!key) throw new SecretsKeyMissingError();
    return key;
  }

  seal(teamId: string, accountId: string, value: unknown): Promise<string> {
    return sealSecret(this.secretsKey, `${teamId}/${accountId}`, value);
  }

  open<T>(teamId: string, account: Pick<AccountRow, 'id' | 'secret'>): Promise<T> {
    return openSecret<T>(this.secretsKey, `${teamId}/${account.id}`, account.secret);
  }

  // ---------- accounts ----------

  async listAccounts(teamId: string, personId: string): Promise<CalendarAccountView[]> {
    return withTeam(this.db, teamId, (tx) => loadAccounts(tx, personId));
  }

  /**
   * Stores an account whose calendars were just listed with its credentials (which proves they
   * work), and reads its busy time once so the first free times shown already count it.
   */
  async saveAccount(
    teamId: string,
    personId: string,
    account: { provider: CalendarProvider; label: string; settings: AccountRow['settings']; secret: unknown; remote: RemoteCalendar[] },
  ): Promise<CalendarAccountView> {
    const accountId = await withTeam(this.db, teamId, (tx) =>
      saveAccount(tx, { teamId, personId, provider: account.provider, label: account.label, settings: account.settings, remote: account.remote, now: this.now(), seal: (id) => this.seal(teamId, id, account.secret) }),
    );
    await this.refreshAccount(teamId, accountId).catch((error) => this.log.warn(`Calendars: first read of account ${accountId} failed`, error));
    const views = await this.listAccounts(teamId, personId);
    return views.find((v) => v.id === accountId)!;
  }

  /** Changes what a calendar counts for. Adding meetings to one calendar takes it off any other. */
  async updateCalendar(
    teamId: string,
    personId: string,
    calendarId: string,
    change: { countsAsBusy?: boolean; allDayBusy?: boolean; writeBookings?: boolean },
  ): Promise<CalendarAccountView[] | undefined> {
    return withTeam(this.db, teamId, async (tx) => {
      const [calendar] = await tx.select().from(calendars).where(and(eq(calendars.id, calendarId), eq(calendars.slackUserId, personId)));
      if (!calendar) return undefined;
      if (change.writeBookings && !calendar.canWrite) throw new CalendarError('rejected', `Meetings cannot be added to “${calendar.name}”: it is read-only`);
      if (change.writeBookings) {
        await tx.update(calendars).set({ writeBookings: false, updatedAt: sql`now()` }).where(and(eq(calendars.slackUserId, personId), eq(calendars.writeBookings, true)));
      }
      const set: Partial<CalendarRow> = {};
      if (change.countsAsBusy !== undefined) set.countsAsBusy = change.countsAsBusy;
      if (change.allDayBusy !== undefined) set.allDayBusy = change.allDayBusy;
      if (change.writeBookings !== undefined) set.writeBookings = change.writeBookings;
      if (Object.keys(set).length) await tx.update(calendars).set({ ...set, updatedAt: sql`now()` }).where(eq(calendars.id, calendarId));
      return loadAccounts(tx, personId);
    });
  }

  /** Removes the account, its calendars, their cached busy time and its credentials. */
  async disconnect(teamId: string, personId: string, accountId: string): Promise<boolean> {
    const [removed] = await withTeam(this.db, teamId, (tx) =>
      tx
        .delete(calendarAccounts)
        .where(and(eq(calendarAccounts.id, accountId), eq(calendarAccounts.slackUserId, personId)))
        .returning(),
    );
    if (!removed) return false;
    if (removed.provider === 'google') await this.revokeGoogle(teamId, removed);
    return true;
  }

  private async revokeGoogle(teamId: string, account: AccountRow): Promise<void> {
    try {
      const secret = await this.open<{ refreshToken?: string; accessToken: string }>(teamId, account);
      const token = secret.refreshToken ?? secret.accessToken;
      await fetch(`https://oauth2.googleapis.com/revoke?token=${encodeURIComponent(token)}`, { method: 'POST', signal: AbortSignal.timeout(5_000) });
    } catch (error) {
      this.log.warn(`Calendars: could not revoke Google's token for a disconnected account (${error instanceof Error ? error.message : error})`);
    }
  }

  /** Reads one account's busy time now (the "refresh" button, the background refresher). */
  async refreshAccount(teamId: string, accountId: string): Promise<CalendarAccountView | undefined> {
    const rows = await withTeam(this.db, teamId, (tx) => this.readRows(tx, { accountId }));
    if (rows.length) {
      const now = this.now();
      await this.read(teamId, rows, this.windowFor(now, now, now));
    }
    const personId = rows[0]?.account.slackUserId;
    if (!personId) {
      const [account] = await withTeam(this.db, teamId, (tx) => tx.select().from(calendarAccounts).where(eq(calendarAccounts.id, accountId)));
      if (!account) return undefined;
      return (await this.listAccounts(teamId, account.slackUserId)).find((a) => a.id === accountId);
    }
    return (await this.listAccounts(teamId, personId)).find((a) => a.id === accountId);
  }

  // ---------- busy time ----------

  private readRows(tx: Tx, where: { personIds?: readonly string[]; accountId?: string }): Promise<ReadRow[]> {
    return tx
      .select({ account: calendarAccounts, calendar: calendars, email: users.email, personZone: users.timeZone })
      .from(calendars)
      .innerJoin(calendarAccounts, eq(calendarAccounts.id, calendars.accountId))
      .innerJoin(users, and(eq(users.teamId, calendars.teamId), eq(users.slackUserId, calendars.slackUserId)))
      .where(
        and(
          eq(calendars.countsAsBusy, true),
          where.personIds ? inArray(calendars.slackUserId, [...where.personIds]) : undefined,
          where.accountId ? eq(calendars.accountId, where.accountId) : undefined,
        ),
      );
  }

  /** The window an account is read for: from yesterday to CACHE_AHEAD_DAYS ahead, widened to what was asked. */
  private windowFor(now: Date, from: Date, to: Date): [Date, Date] {
    const lo = Math.min(now.getTime() - DAY_MS, from.getTime() - DAY_MS);
    const hi = Math.max(now.getTime() + CACHE_AHEAD_DAYS * DAY_MS, to.getTime() + DAY_MS);
    return [new Date(lo), new Date(hi)];
  }

  async busyFor(teamId: string, personIds: readonly string[], from: Date, to: Date, options: BusyOptions = {}): Promise<ExternalBusy> {
    if (!this.configured || personIds.length === 0) return this.assemble(emptyCache(personIds, from, to, this.now()));
    const cache = await withTeam(this.db, teamId, (tx) => this.readCache(tx, personIds, from, to, options));
    const { fresh, reading, settled } = await this.refresh(teamId, cache, options.waitMs ?? 0);
    return { ...this.assemble(cache, fresh, reading), ...(reading.size ? { settled } : {}) };
  }

  /**
   * The people's busy time as cached, read in the caller's transaction (one round trip, no remote
   * call), with the accounts that should be read again: a calendar read too long ago or not over
   * this window, unless the account failed a moment ago.
   */
  async readCache(tx: Tx, personIds: readonly string[], from: Date, to: Date, options: Pick<BusyOptions, 'maxAgeMs'> = {}): Promise<CacheRead> {
    const ids = [...new Set(personIds)];
    const now = this.now();
    if (!this.configured || ids.length === 0) return emptyCache(ids, from, to, now);
    const maxAge = options.maxAgeMs ?? CACHE_TTL_MS;
    const [rows, written] = await Promise.all([
      this.readRows(tx, { personIds: ids }),
      tx
        .select({ personId: calendarWrites.slackUserId, start: calendarWrites.startsAt, end: calendarWrites.endsAt })
        .from(calendarWrites)
        .where(and(inArray(calendarWrites.slackUserId, ids), lt(calendarWrites.startsAt, new Date(to.getTime() + DAY_MS)), gt(calendarWrites.endsAt, new Date(from.getTime() - DAY_MS)))),
    ]);
    const wanted = [...new Set(rows.filter((r) => !r.account.wantedAt || now.getTime() - r.account.wantedAt.getTime() > 5 * MINUTE_MS).map((r) => r.account.id))];
    if (wanted.length) await tx.update(calendarAccounts).set({ wantedAt: now }).where(inArray(calendarAccounts.id, wanted));
    const stale = new Map<string, ReadRow[]>();
    for (const row of rows) {
      const group = rows.filter((r) => r.account.id === row.account.id);
      const old = group.some((r) => !r.calendar.readAt || now.getTime() - r.calendar.readAt.getTime() >= maxAge || !rangeCovers(r.calendar, from, to));
      const resting = row.account.refreshingUntil && row.account.refreshingUntil > now;
      if (old && !resting) stale.set(row.account.id, group);
    }
    return { ids, from, to, now, rows, written, stale, maxAge };
  }

  /** Whether the cache read leaves accounts to read remotely. */
  needsReading(cache: CacheRead): boolean {
    return cache.stale.size > 0;
  }

  /**
   * Reads the stale accounts of a cache read (outside any transaction), waiting at most `waitMs`;
   * `reading` names those still being read after the wait, `settled` resolves when they are done.
   */
  async refresh(teamId: string, cache: CacheRead, waitMs: number): Promise<{ fresh: Map<string, CachedBusy[] | CalendarError>; reading: Set<string>; settled: Promise<void> }> {
    const fresh = new Map<string, CachedBusy[] | CalendarError>();
    const reading = new Set<string>();
    const reads: Promise<void>[] = [];
    for (const [accountId, group] of cache.stale) {
      reading.add(accountId);
      reads.push(
        this.read(teamId, group, this.windowFor(cache.now, cache.from, cache.to)).then(
          (result) => {
            for (const [id, r] of result) fresh.set(id, r);
            reading.delete(accountId);
          },
          (error) => {
            reading.delete(accountId);
            this.log.error(`Calendars: reading account ${accountId} failed`, error);
          },
        ),
      );
    }
    const settled = Promise.all(reads).then(() => {});
    if (reads.length && waitMs > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([settled, new Promise((resolve) => (timer = setTimeout(resolve, waitMs)))]);
      clearTimeout(timer);
    }
    return { fresh, reading, settled };
  }

  /**
   * The answer from a cache read and what was read since: per person, busy intervals (all-day
   * events only where they count, our own written meetings left out), and the calendars whose
   * current busy time is not in it. Accounts in `reading` are reported as still being read.
   */
  assemble(cache: CacheRead, fresh: ReadonlyMap<string, CachedBusy[] | CalendarError> = new Map(), reading: ReadonlySet<string> = new Set(cache.stale.keys())): ExternalBusy {
    const { now, maxAge } = cache;
    const answer: ExternalBusy = { busy: new Map(cache.ids.map((id) => [id, []])), unread: [] };
    const lo = cache.from.getTime() - DAY_MS;
    const hi = cache.to.getTime() + DAY_MS;
    const ownMeetings = new Map<string, Interval[]>();
    for (const w of cache.written) ownMeetings.set(w.personId, [...(ownMeetings.get(w.personId) ?? []), { start: w.start, end: w.end }]);
    for (const { account, calendar } of cache.rows) {
      const result = fresh.get(calendar.id);
      let intervals: CachedBusy[] | null | undefined;
      let reason: string | undefined;
      const pending = reading.has(account.id);
      if (result && !(result instanceof CalendarError)) {
        intervals = result;
      } else {
        intervals = calendar.busy;
        if (result instanceof CalendarError) reason = result.message;
        else if (pending) reason = calendar.readAt ? 'still being read; showing it as last read' : 'still being read';
        else if (calendar.readError && (!calendar.readAt || now.getTime() - calendar.readAt.getTime() > maxAge)) reason = calendar.readError;
        else if (!calendar.readAt || !rangeCovers(calendar, cache.from, cache.to)) reason = calendar.readError ?? 'not read yet';
      }
      if (reason) {
        answer.unread.push({
          personId: account.slackUserId,
          accountId: account.id,
          calendarId: calendar.id,
          calendarName: calendar.name,
          provider: account.provider,
          reason,
          pending: pending && !(result instanceof CalendarError),
        });
      }
      const list = answer.busy.get(account.slackUserId)!;
      for (const b of busyIn(intervals, lo, hi)) {
        if (b.allDay && !calendar.allDayBusy) continue;
        list.push({ start: new Date(b.start), end: new Date(b.end), external: true });
      }
    }
    for (const [personId, list] of answer.busy) {
      const own = ownMeetings.get(personId);
      if (own?.length && list.length) answer.busy.set(personId, subtractIntervals(list, own).map((i) => ({ ...i, external: true })));
    }
    return answer;
  }

  /**
   * Reads an account's calendars over [from, to) (one read per account at a time in this process)
   * and stores the result: the busy time, or the error beside the busy time last read.
   */
  private read(teamId: string, group: ReadRow[], [from, to]: [Date, Date]): Promise<ReadResult> {
    const account = group[0]!.account;
    const running = this.inFlight.get(account.id);
    if (running && running.from <= from.getTime() && running.to >= to.getTime()) return running.work;
    const work = this.readNow(teamId, group, from, to).finally(() => {
      if (this.inFlight.get(account.id)?.work === work) this.inFlight.delete(account.id);
    });
    this.inFlight.set(account.id, { from: from.getTime(), to: to.getTime(), work });
    return work;
  }

  private async readNow(teamId: string, group: ReadRow[], from: Date, to: Date): Promise<ReadResult> {
    const { account, email, personZone } = group[0]!;
    const byExternal = new Map<string, CachedBusy[] | CalendarError>();
    let newSecret: string | undefined;
    try {
      const secret = await this.open(teamId, account);
      const ownerEmails = [email, account.settings.username].filter((e): e is string => Boolean(e && e.includes('@')));
      const opened = openSession(this.config.calendars, account, secret, { ownerEmails, timeoutMs: PROVIDER_TIMEOUT_MS });
      const answer = await opened.session.readBusy(
        group.map((r) => ({ externalId: r.calendar.externalId, timeZone: r.calendar.timeZone ?? personZone })),
        from,
        to,
      );
      for (const [id, r] of answer) byExternal.set(id, r);
      if (opened.tokens?.changed) newSecret = await this.seal(teamId, account.id, opened.tokens.secret);
    } catch (error) {
      const failure = asCalendarError(error);
      for (const r of group) byExternal.set(r.calendar.externalId, failure);
    }
    const now = this.now();
    const result: ReadResult = new Map();
    const errors: CalendarError[] = [];
    await withTeam(this.db, teamId, async (tx) => {
      for (const { calendar } of group) {
        const r = byExternal.get(calendar.externalId) ?? new CalendarError('rejected', 'The provider did not answer for this calendar');
        result.set(calendar.id, r);
        if (r instanceof CalendarError) {
          errors.push(r);
          await tx.update(calendars).set({ readError: r.message, updatedAt: sql`now()` }).where(eq(calendars.id, calendar.id));
        } else {
          await tx.update(calendars).set({ busy: r, busyFrom: from, busyTo: to, readAt: now, readError: null, updatedAt: sql`now()` }).where(eq(calendars.id, calendar.id));
        }
      }
      const status = errors.length === 0 ? 'ok' : errors.some((e) => e.needsReconnect) ? 'reconnect' : 'error';
      await tx
        .update(calendarAccounts)
        .set({
          status,
          lastError: errors[0]?.message ?? null,
          ...(errors.length < group.length ? { lastReadAt: now } : {}),
          refreshingUntil: errors.length ? new Date(now.getTime() + RETRY_AFTER_FAILURE_MS) : null,
          ...(newSecret ? { secret: newSecret } : {}),
          updatedAt: sql`now()`,
        })
        .where(eq(calendarAccounts.id, account.id));
    });
    return result;
  }
}

export function asCalendarError(error: unknown): CalendarError {
  if (error instanceof CalendarError) return error;
  if (error instanceof SecretUnreadableError || error instanceof SecretsKeyMissingError) return new CalendarError('auth', error.message);
  return new CalendarError('unreachable', error instanceof Error ? error.message : String(error));
}

const services = new WeakMap<Database, WeakMap<Config, CalendarService>>();

/** The calendar service of an app (one per database and configuration, so the in-process read dedupe is shared). */
export function calendarsOf(deps: { db: Database; config: Config; now?: () => Date }): CalendarService {
  // An app built without a database (a page-only test) gets a service of its own.
  if (typeof deps.db !== 'object' || deps.db === null) return new CalendarService(deps.db, deps.config, deps.now);
  let byConfig = services.get(deps.db);
  if (!byConfig) services.set(deps.db, (byConfig = new WeakMap()));
  let service = byConfig.get(deps.config);
  if (!service) byConfig.set(deps.config, (service = new CalendarService(deps.db, deps.config, deps.now)));
  return service;
}


