import { eq } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { meetingRooms } from '../db/schema.js';
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

