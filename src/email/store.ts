import { and, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { bookings, guestEmails, guestReminders } from '../db/schema.js';
import { withTeam } from '../db/tenant.js';

export type GuestEmailKind = (typeof guestEmails.$inferInsert)['kind'];

export interface GuestEmailRecord {
  teamId: string;
  meetingId: string;
  bookingId: string;
  guestId: string;
  recipient: string;
  kind: GuestEmailKind;
  eventId: number | null;
  status: 'sent' | 'rejected';
  messageId?: string | null;
  error?: string | null;
}

/** Writes down an email sent to a guest, or refused for good by the mail server. */
export async function recordGuestEmail(db: Database, record: GuestEmailRecord): Promise<void> {
  await withTeam(db, record.teamId, (tx) =>
    tx.insert(guestEmails).values({ ...record, messageId: record.messageId ?? null, error: record.error?.slice(0, 2000) ?? null }),
  );
}

/** The booking whose time the guest was last sent an invitation for (what their calendar shows). */
export async function lastInvitation(
  db: Database,
  teamId: string,
  meetingId: string,
  guestId: string,
): Promise<{ bookingId: string; startsAt: Date; endsAt: Date } | undefined> {
  return withTeam(db, teamId, async (tx) => {
    const [row] = await tx
      .select({ bookingId: guestEmails.bookingId, startsAt: bookings.startsAt, endsAt: bookings.endsAt })
      .from(guestEmails)
      .innerJoin(bookings, eq(bookings.id, guestEmails.bookingId))
      .where(
        and(
          eq(guestEmails.meetingId, meetingId),
          eq(guestEmails.guestId, guestId),
          eq(guestEmails.status, 'sent'),
          inArray(guestEmails.kind, ['confirmation', 'update']),
        ),
      )
      .orderBy(desc(guestEmails.createdAt))
      .limit(1);
    return row;
  });
}

/** A pending reminder for each of these guests of the booking (none twice, however often this runs). */
export async function scheduleReminderRows(
  db: Database,
  booking: { teamId: string; meetingId: string; id: string; startsAt: Date },
  guestIds: string[],
  sendAt: Date,
): Promise<void> {
  if (guestIds.length === 0) return;
  await withTeam(db, booking.teamId, (tx) =>
    tx
      .insert(guestReminders)
      .values(guestIds.map((guestId) => ({ teamId: booking.teamId, meetingId: booking.meetingId, bookingId: booking.id, guestId, sendAt, startsAt: booking.startsAt })))
      .onConflictDoNothing(),
  );
}

/** Drops a meeting's pending reminders (all of them, or all but the current booking's). Returns how many. */
export async function dropReminderRows(db: Database, teamId: string, meetingId: string, keepBookingId?: string): Promise<number> {
  const dropped = await withTeam(db, teamId, (tx) =>
    tx
      .update(guestReminders)
      .set({ status: 'dropped', leasedUntil: null, updatedAt: sql`now()` })
      .where(
        and(
          eq(guestReminders.meetingId, meetingId),
          eq(guestReminders.status, 'pending'),
          keepBookingId ? ne(guestReminders.bookingId, keepBookingId) : undefined,
        ),
      )
      .returning({ id: guestReminders.id }),
  );
  return dropped.length;
}
