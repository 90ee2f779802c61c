import { asc, eq, inArray } from 'drizzle-orm';
import { bookings, meetingParticipants, meetingTypes } from '../db/schema.js';
import type { Tx } from '../db/tenant.js';

export type BookingRow = typeof bookings.$inferSelect;

export interface BookingParticipant {
  id: string;
  role: 'organizer' | 'host' | 'guest';
  slackUserId: string | null;
  guestName: string | null;
  guestEmail: string | null;
  /** A guest's identity in the meeting, kept through moves; null for Slack members. */
  guestId: string | null;
  /** A guest's IANA time zone, when known. */
  guestTimeZone: string | null;
}

/** A booking as every caller sees it: the row, its type's name and who is in it. */
export interface Booking extends BookingRow {
  meetingTypeName: string;
  durationMinutes: number;
  participants: BookingParticipant[];
}

const roleOrder = { organizer: 0, host: 1, guest: 2 } as const;

export async function loadBookings(tx: Tx, rows: BookingRow[]): Promise<Booking[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const typeIds = [...new Set(rows.map((r) => r.meetingTypeId))];
  const [participants, types] = await Promise.all([
    tx
      .select({
        id: meetingParticipants.id,
        bookingId: meetingParticipants.bookingId,
        role: meetingParticipants.role,
        slackUserId: meetingParticipants.slackUserId,
        guestName: meetingParticipants.guestName,
        guestEmail: meetingParticipants.guestEmail,
        guestId: meetingParticipants.guestId,
        guestTimeZone: meetingParticipants.guestTimeZone,
      })
      .from(meetingParticipants)
      .where(inArray(meetingParticipants.bookingId, ids))
      .orderBy(asc(meetingParticipants.position), asc(meetingParticipants.id)),
    tx.select({ id: meetingTypes.id, name: meetingTypes.name }).from(meetingTypes).where(inArray(meetingTypes.id, typeIds)),
  ]);
  const typeNames = new Map(types.map((t) => [t.id, t.name]));
  return rows.map((row) =>
    toBooking(
      row,
      { name: typeNames.get(row.meetingTypeId) ?? '' },
      participants.filter((p) => p.bookingId === row.id),
    ),
  );
}

/** Assembles the view from rows already at hand (a fresh insert needs no second read). */
export function toBooking(row: BookingRow, type: { name: string }, participants: (BookingParticipant & { bookingId: string })[]): Booking {
  return {
    ...row,
    meetingTypeName: type.name,
    durationMinutes: Math.round((row.endsAt.getTime() - row.startsAt.getTime()) / 60_000),
    participants: participants
      .map(({ id, role, slackUserId, guestName, guestEmail, guestId, guestTimeZone }) => ({ id, role, slackUserId, guestName, guestEmail, guestId, guestTimeZone }))
      .sort((a, b) => roleOrder[a.role] - roleOrder[b.role]),
  };
}

export async function loadBooking(tx: Tx, id: string): Promise<Booking | undefined> {
  const rows = await tx.select().from(bookings).where(eq(bookings.id, id));
  return (await loadBookings(tx, rows))[0];
}

/** Slack members in the booking (organizer first). */
export function memberIds(booking: Pick<Booking, 'participants'>): string[] {
  return booking.participants.filter((p) => p.slackUserId).map((p) => p.slackUserId!);
}
