import { desc, eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { bookings } from '../db/schema.js';
import { withTeam } from '../db/tenant.js';
import { isUuid } from '../core/ids.js';
import { loadBookings, type Booking } from './booking-view.js';

export interface BookingLineage {
  /** The meeting: the id of its first booking (the calendar UID). */
  rootId: string;
  /** How many times it was moved to reach `currentId` (the calendar SEQUENCE). */
  sequence: number;
  /** The meeting as it stands now (its latest booking). */
  currentId: string;
}

/** The meeting a booking belongs to, and where that meeting stands now (following moves forward). */
export async function loadLineage(db: Database, teamId: string, bookingId: string): Promise<BookingLineage | null> {
  if (!isUuid(bookingId)) return null;
  return withTeam(db, teamId, async (tx) => {
    const [current] = await tx
      .select({ id: bookings.id, meetingId: bookings.meetingId, sequence: bookings.sequence })
      .from(bookings)
      .where(eq(bookings.meetingId, tx.select({ meetingId: bookings.meetingId }).from(bookings).where(eq(bookings.id, bookingId))))
      .orderBy(desc(bookings.sequence))
      .limit(1);
    return current ? { rootId: current.meetingId, sequence: current.sequence, currentId: current.id } : null;
  });
}

/** The latest booking of a meeting: what every surface shows for it now. */
export async function getCurrentBooking(db: Database, teamId: string, meetingId: string): Promise<Booking | undefined> {
  return withTeam(db, teamId, async (tx) => {
    const rows = await tx.select().from(bookings).where(eq(bookings.meetingId, meetingId)).orderBy(desc(bookings.sequence)).limit(1);
    return (await loadBookings(tx, rows))[0];
  });
}
