import { meetingLineage } from '../bookings/lineage.js';
import type { Database } from '../db/client.js';
import { withTeam } from '../db/tenant.js';
import { findMeetingRoom } from '../video/room-store.js';
import type { RoomState } from './blocks/meeting-message.js';

/** The meeting's video room as the video work last recorded it, if one was opened (rooms follow the meeting across moves). */
export async function loadRoomState(db: Database, teamId: string, bookingId: string): Promise<RoomState | null> {
  const room = await withTeam(db, teamId, async (tx) => findMeetingRoom(tx, (await meetingLineage(tx, bookingId))?.ids ?? [bookingId]));
  return room ? { status: room.status, startedAt: room.startedAt, endedAt: room.endedAt, durationSeconds: room.durationSeconds } : null;
}

