import { asc, desc, eq } from 'drizzle-orm';
import { isUuid } from '../core/ids.js';
import type { Database } from '../db/client.js';
import { bookings } from '../db/schema.js';
import { withTeam, type Queryable } from '../db/tenant.js';
import { loadBookings, type Booking } from './booking-view.js';

/**
 * A meeting as a chain of bookings: a reschedule writes a new booking (a new id, the same
 * meeting_id, a sequence one higher). Everything that belongs to the meeting rather than to one of
 * its bookings (the calendar UID, the video room, the Slack message) is keyed by the meeting's
 * id, which is its first booking's id.
 */
export interface BookingLineage {
  /** The meeting: the id of its first booking (the calendar UID). */
  rootId: string;
  /** How many times it was moved to reach `currentId` (the calendar SEQUENCE). */
  sequence: number;
  /** The meeting as it stands now (its latest booking). */
  currentId: string;
  /** Every booking of the meeting, first to current. */
  ids: string[];
}

/** The meeting a booking belongs to, in one query (row level security applies). */
export async function meetingLineage(q: Queryable, bookingId: string): Promise<BookingLineage | null> {
  if (!isUuid(bookingId)) return null;
  const rows = await q
    .select({ id: bookings.id, meetingId: bookings.meetingId, sequence: bookings.sequence })
    .from(bookings)
    .where(eq(bookings.meetingId, q.select({ meetingId: bookings.meetingId }).from(bookings).where(eq(bookings.id, bookingId))))
    .orderBy(asc(bookings.sequence));
  const current = rows[rows.length - 1];
  if (!current) return null;
  return { rootId: current.meetingId, sequence: current.sequence, currentId: current.id, ids: rows.map((r) => r.id) };
}

/** meetingLineage in its own tenant transaction. */
export async function loadLineage(db: Database, teamId: string, bookingId: string): Promise<BookingLineage | null> {
  return withTeam(db, teamId, (tx) => meetingLineage(tx, bookingId));
}

/** The latest booking of a meeting: what every surface shows for it now. */
export async function getCurrentBooking(db: Database, teamId: string, meetingId: string): Promise<Booking | undefined> {
  return withTeam(db, teamId, async (tx) => {
    const rows = await tx.select().from(bookings).where(eq(bookings.meetingId, meetingId)).orderBy(desc(bookings.sequence)).limit(1);
    return (await loadBookings(tx, rows))[0];
  });
}
