import { and, eq, inArray, sql } from 'drizzle-orm';
import { calendarAccounts, calendars, type CachedBusy } from '../db/schema.js';
import type { Tx } from '../db/tenant.js';
import type { CalendarProvider, RemoteCalendar } from './types.js';

export type AccountRow = typeof calendarAccounts.$inferSelect;
export type CalendarRow = typeof calendars.$inferSelect;

export interface CalendarView {
  id: string;
  name: string;
  timeZone: string | null;
  countsAsBusy: boolean;
  allDayBusy: boolean;
  canWrite: boolean;
  writeBookings: boolean;
  readAt: Date | null;
  readError: string | null;
}

export interface CalendarAccountView {
  id: string;
  personId: string;
  provider: CalendarProvider;
  label: string;
  status: 'ok' | 'error' | 'reconnect';
  lastError: string | null;
  lastReadAt: Date | null;
  createdAt: Date;
  calendars: CalendarView[];
}

export function presentAccount(account: AccountRow, rows: CalendarRow[]): CalendarAccountView {
  return {
    id: account.id,
    personId: account.slackUserId,
    provider: account.provider,
    label: account.label,
    status: account.status as CalendarAccountView['status'],
    lastError: account.lastError,
    lastReadAt: account.lastReadAt,
    createdAt: account.createdAt,
    calendars: rows
      .filter((c) => c.accountId === account.id)
      .sort((a, b) => Number(b.writeBookings) - Number(a.writeBookings) || a.name.localeCompare(b.name))
      .map((c) => ({
        id: c.id,
        name: c.name,
        timeZone: c.timeZone,
        countsAsBusy: c.countsAsBusy,
        allDayBusy: c.allDayBusy,
        canWrite: c.canWrite,
        writeBookings: c.writeBookings,
        readAt: c.readAt,
        readError: c.readError,
      })),
  };
}

/** A person's accounts with their calendars, oldest account first. */
export async function loadAccounts(tx: Tx, personId: string): Promise<CalendarAccountView[]> {
  const [accounts, rows] = await Promise.all([
    tx.select().from(calendarAccounts).where(eq(calendarAccounts.slackUserId, personId)).orderBy(calendarAccounts.createdAt),
    tx.select().from(calendars).where(eq(calendars.slackUserId, personId)),
  ]);
  return accounts.map((a) => presentAccount(a, rows));
}

export interface SaveAccount {
  teamId: string;
  personId: string;
  provider: CalendarProvider;
  label: string;
  /** Seals the secret for the account id it will be stored under. */
  seal: (accountId: string) => Promise<string>;
  settings: AccountRow['settings'];
  remote: RemoteCalendar[];
  /** A newly connected account is wanted: the background refresher keeps it fresh for a while. */
  now: Date;
}

/**
 * Stores a newly connected account with its calendars. Connecting the same account again (same
 * provider and label) replaces its credentials and brings its calendar list up to date, keeping
 * the person's choices for the calendars it still has.
 */
export async function saveAccount(tx: Tx, input: SaveAccount): Promise<string> {
  const [existing] = await tx
    .select()
    .from(calendarAccounts)
    .where(and(eq(calendarAccounts.slackUserId, input.personId), eq(calendarAccounts.provider, input.provider), eq(calendarAccounts.label, input.label)));
  const accountId = existing?.id ?? crypto.randomUUID();
  const sealed = await input.seal(accountId);
  if (existing) {
    await tx
      .update(calendarAccounts)
      .set({ secret: sealed, settings: input.settings, status: 'ok', lastError: null, refreshingUntil: null, wantedAt: input.now, updatedAt: sql`now()` })
      .where(eq(calendarAccounts.id, accountId));
  } else {
    await tx.insert(calendarAccounts).values({ id: accountId, teamId: input.teamId, slackUserId: input.personId, provider: input.provider, label: input.label, secret: sealed, settings: input.settings, wantedAt: input.now });
  }
  const known = await tx.select().from(calendars).where(eq(calendars.accountId, accountId));
  const keep = new Set(input.remote.map((r) => r.externalId));
  const gone = known.filter((k) => !keep.has(k.externalId)).map((k) => k.id);
  if (gone.length) await tx.delete(calendars).where(inArray(calendars.id, gone));
  for (const r of input.remote) {
    const old = known.find((k) => k.externalId === r.externalId);
    if (old) {
      await tx
        .update(calendars)
        .set({ name: r.name, timeZone: r.timeZone ?? null, canWrite: r.canWrite, writeBookings: old.writeBookings && r.canWrite, updatedAt: sql`now()` })
        .where(eq(calendars.id, old.id));
    } else {
      await tx.insert(calendars).values({
        teamId: input.teamId,
        slackUserId: input.personId,
        accountId,
        externalId: r.externalId,
        name: r.name,
        timeZone: r.timeZone ?? null,
        canWrite: r.canWrite,
        // Every calendar of a CalDAV account or feed; for Google, the ones the person owns or edits
        // (not subscribed holidays and birthdays).
        countsAsBusy: r.primary || r.canWrite || input.provider !== 'google',
      });
    }
  }
  return accountId;
}

export function rangeCovers(calendar: Pick<CalendarRow, 'busyFrom' | 'busyTo'>, from: Date, to: Date): boolean {
  return Boolean(calendar.busyFrom && calendar.busyTo && calendar.busyFrom <= from && calendar.busyTo >= to);
}

export function busyIn(busy: CachedBusy[] | null | undefined, from: number, to: number): CachedBusy[] {
  return (busy ?? []).filter((b) => Date.parse(b.end) > from && Date.parse(b.start) < to);
}
