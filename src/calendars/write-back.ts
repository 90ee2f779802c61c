/**
 * Meetings written into the calendar each participant chose ("add my meetings here"): put when
 * booked or moved (the same event, found through calendar_writes, moved in place), removed when
 * cancelled. The location is the person's own join link. Called by the booking-events handler,
 * in order per meeting; every step can run again safely.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Booking } from '../bookings/booking-view.js';
import { calendarAccounts, calendarWrites, calendars, users } from '../db/schema.js';
import { withTeam } from '../db/tenant.js';
import { joinUrl } from '../video/links.js';
import { PROVIDER_TIMEOUT_MS } from './http.js';
import type { CalendarService } from './service.js';
import { asCalendarError } from './service.js';
import { openSession } from './sessions.js';
import type { AccountRow, CalendarRow } from './store.js';
import type { CalendarEventData } from './types.js';

type WriteRow = typeof calendarWrites.$inferSelect;

interface Target {
  account: AccountRow;
  calendar: CalendarRow;
  timeZone: string;
}

/** Brings every participant's chosen calendar in line with the meeting as it stands now. */
export async function syncMeetingToCalendars(service: CalendarService, booking: Booking, once: (effect: string, work: () => Promise<void>) => Promise<void>): Promise<void> {
  const teamId = booking.teamId;
  const people = booking.participants.filter((p) => p.role !== 'guest' && p.slackUserId).map((p) => p.slackUserId!);
  const { targets, written } = await withTeam(service.db, teamId, async (tx) => {
    const [targets, written] = await Promise.all([
      people.length
        ? tx
            .select({ account: calendarAccounts, calendar: calendars, timeZone: users.timeZone })
            .from(calendars)
            .innerJoin(calendarAccounts, eq(calendarAccounts.id, calendars.accountId))
            .innerJoin(users, and(eq(users.teamId, calendars.teamId), eq(users.slackUserId, calendars.slackUserId)))
            .where(and(inArray(calendars.slackUserId, people), eq(calendars.writeBookings, true)))
        : Promise.resolve([]),
      tx.select().from(calendarWrites).where(eq(calendarWrites.meetingId, booking.meetingId)),
    ]);
    return { targets: targets as Target[], written };
  });
  const failures: unknown[] = [];
  const live = booking.status === 'confirmed';
  for (const target of live ? targets : []) {
    const existing = written.find((w) => w.calendarId === target.calendar.id);
    try {
      await once(`put:${target.calendar.id}:${booking.id}`, () => put(service, booking, target, existing));
    } catch (error) {
      failures.push(error);
    }
  }
  // Cancelled, or written to a calendar the person no longer adds meetings to: take it out.
  for (const w of written.filter((w) => !live || !targets.some((t) => t.calendar.id === w.calendarId))) {
    try {
      await once(`delete:${w.calendarId}:${booking.id}`, () => remove(service, teamId, w));
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length) throw failures[0];
}

async function put(service: CalendarService, booking: Booking, target: Target, existing: WriteRow | undefined): Promise<void> {
  const teamId = booking.teamId;
  const personId = target.calendar.slackUserId;
  const link = await joinUrl(service.config, { teamId, bookingId: booking.id, participant: personId });
  const event: CalendarEventData = {
    meetingId: booking.meetingId,
    sequence: booking.sequence,
    title: booking.title,
    description: [booking.notes, `Join the video call (your own link): ${link}`, 'Booked with Meetings for Slack; move or cancel it there.'].filter(Boolean).join('\n\n'),
    location: link,
    start: booking.startsAt,
    end: booking.endsAt,
    timeZone: target.timeZone,
  };
  const { session, tokens } = openSession(service.config.calendars, target.account, await service.open(teamId, target.account), { timeoutMs: PROVIDER_TIMEOUT_MS });
  let saved;
  try {
    saved = await session.putEvent(target.calendar.externalId, event, existing ? { externalId: existing.externalId, etag: existing.etag } : undefined);
  } catch (error) {
    throw asCalendarError(error);
  } finally {
    if (tokens?.changed) await storeTokens(service, teamId, target.account.id, tokens.secret);
  }
  await withTeam(service.db, teamId, (tx) =>
    tx
      .insert(calendarWrites)
      .values({ teamId, calendarId: target.calendar.id, meetingId: booking.meetingId, slackUserId: personId, externalId: saved.externalId, etag: saved.etag ?? null, startsAt: booking.startsAt, endsAt: booking.endsAt, sequence: booking.sequence })
      .onConflictDoUpdate({
        target: [calendarWrites.calendarId, calendarWrites.meetingId],
        set: { externalId: saved.externalId, etag: saved.etag ?? null, startsAt: booking.startsAt, endsAt: booking.endsAt, sequence: booking.sequence, updatedAt: sql`now()` },
      }),
  );
}

async function remove(service: CalendarService, teamId: string, written: WriteRow): Promise<void> {
  const [row] = await withTeam(service.db, teamId, (tx) =>
    tx
      .select({ account: calendarAccounts, calendar: calendars })
      .from(calendars)
      .innerJoin(calendarAccounts, eq(calendarAccounts.id, calendars.accountId))
      .where(eq(calendars.id, written.calendarId)),
  );
  if (row) {
    const { session, tokens } = openSession(service.config.calendars, row.account, await service.open(teamId, row.account), { timeoutMs: PROVIDER_TIMEOUT_MS });
    try {
      await session.deleteEvent(row.calendar.externalId, { externalId: written.externalId, etag: written.etag });
    } catch (error) {
      throw asCalendarError(error);
    } finally {
      if (tokens?.changed) await storeTokens(service, teamId, row.account.id, tokens.secret);
    }
  }
  await withTeam(service.db, teamId, (tx) =>
    tx.delete(calendarWrites).where(and(eq(calendarWrites.calendarId, written.calendarId), eq(calendarWrites.meetingId, written.meetingId))),
  );
}

async function storeTokens(service: CalendarService, teamId: string, accountId: string, secret: unknown): Promise<void> {
  const sealed = await service.seal(teamId, accountId, secret);
  await withTeam(service.db, teamId, (tx) => tx.update(calendarAccounts).set({ secret: sealed, updatedAt: sql`now()` }).where(eq(calendarAccounts.id, accountId)));
}
