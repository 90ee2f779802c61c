import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { bookings, meetingRooms } from '../db/schema.js';
import { withTeam } from '../db/tenant.js';
import type { RoomState } from './blocks/meeting-message.js';

/** The booking's video room as the video work last recorded it, if one was opened. */
export async function loadRoomState(db: Database, teamId: string, bookingId: string): Promise<RoomState | null> {
  const [room] = await withTeam(db, teamId, (tx) =>
    tx
      .select({ status: meetingRooms.status, startedAt: meetingRooms.startedAt, endedAt: meetingRooms.endedAt, durationSeconds: meetingRooms.durationSeconds })
      .from(meetingRooms)
      .where(eq(meetingRooms.bookingId, bookingId)),
  );
  return room ?? null;
}

export interface BookingLineage {
  /** The first booking of the meeting: the calendar UID. */
  rootId: string;
  /** How many times it was moved to reach `currentId`. */
  sequence: number;
  /** The meeting as it stands now (following moves forward). */
  currentId: string;
}

/** Follows a booking back to the meeting's first booking and forward to its latest one. */
export async function loadLineage(db: Database, teamId: string, bookingId: string): Promise<BookingLineage | null> {
  return withTeam(db, teamId, async (tx) => {
    const link = async (id: string) =>
      (await tx.select({ id: bookings.id, from: bookings.rescheduledFromId, to: bookings.rescheduledToId }).from(bookings).where(eq(bookings.id, id)))[0];
    const start = await link(bookingId);
    if (!start) return null;
    let current = start;
    for (let i = 0; i < 50 && current.to; i++) current = (await link(current.to)) ?? current;
    let root = current;
    let sequence = 0;
    for (let i = 0; i < 50 && root.from; i++) {
      const previous = await link(root.from);
      if (!previous) break;
      root = previous;
      sequence++;
    }
    return { rootId: root.id, sequence, currentId: current.id };
  });
}
