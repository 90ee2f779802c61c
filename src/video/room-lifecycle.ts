/**
 * The video room's life following the meeting's: a cancelled meeting's running room is ended, a
 * moved meeting keeps the call that is going on (its people stay together in one room), and a
 * room Twilio reports over is recorded as over even when its room-ended callback never came.
 *
 * Plain functions of (database, Twilio credentials, booking), so a booking-event handler can call
 * them: each may run again for the same event and changes nothing the second time. A Twilio
 * failure throws VideoServiceError, for the caller to retry later.
 */
import { and, inArray } from 'drizzle-orm';
import type { RoomStatusChange as RoomEvent } from './room-store.js';
import { loadBooking } from '../bookings/booking-view.js';
import { meetingLineage } from '../bookings/lineage.js';
import type { Database } from '../db/client.js';
import { meetingRooms } from '../db/schema.js';
import { withTeam } from '../db/tenant.js';
import type { MeetingRoomRow } from './access.js';
import { findMeetingRoom, recordRoomEnded } from './room-store.js';
import { VideoServiceError, completeTwilioRoom, findTwilioRoom, type TwilioCredentials } from './twilio-rooms.js';

export interface RoomLifecycleDeps {
  db: Database;
  /** Undefined when Twilio is not configured: no room can exist, so there is nothing to do. */
  twilio: TwilioCredentials | undefined;
  now?: () => Date;
}

export interface CancelledMeetingRooms {
  outcome: 'ended' | 'already_over' | 'no_room' | 'meeting_goes_on' | 'not_found' | 'unconfigured';
  /** The unique names of the rooms this call completed at Twilio. */
  ended: string[];
  /** Room events for the meeting's message ("Ended after …"), one per room whose status changed. */
  roomEvents: RoomEvent[];
}

/**
 * booking.cancelled: ends the meeting's running room at Twilio (Status=completed), which
 * disconnects everyone in it, and records it. The pages of the people in the call then ask what
 * became of the meeting and say it was cancelled. A booking cancelled by being rescheduled is not
 * a cancelled meeting: its call goes on ('meeting_goes_on').
 */
export async function endRoomOfCancelledMeeting(deps: RoomLifecycleDeps, input: { teamId: string; bookingId: string }): Promise<CancelledMeetingRooms> {
  const now = deps.now?.() ?? new Date();
  const found = await withTeam(deps.db, input.teamId, async (tx) => {
    const lineage = await meetingLineage(tx, input.bookingId);
    if (!lineage) return undefined;
    const current = await loadBooking(tx, lineage.currentId);
    const rooms = await tx
      .select()
      .from(meetingRooms)
      .where(and(inArray(meetingRooms.bookingId, lineage.ids), inArray(meetingRooms.status, ['pending', 'in-progress'])));
    return { current, rooms };
  });
  const result: CancelledMeetingRooms = { outcome: 'no_room', ended: [], roomEvents: [] };
  if (!found?.current) return { ...result, outcome: 'not_found' };
  if (found.current.status !== 'cancelled') return { ...result, outcome: 'meeting_goes_on' };
  if (found.rooms.length === 0) return result;
  if (!deps.twilio) return { ...result, outcome: 'unconfigured' };

  result.outcome = 'already_over';
  for (const room of found.rooms) {
    const completed = await completeTwilioRoom(deps.twilio, room.providerRoomId ?? room.uniqueName);
    if (completed.outcome === 'ended') {
      result.outcome = 'ended';
      result.ended.push(room.uniqueName);
    }
    const event = await recordRoomEnded(
      deps.db,
      input.teamId,
      room,
      {
        eventKey: `app:meeting-cancelled:${room.providerRoomId ?? room.uniqueName}`,
        event: completed.outcome === 'ended' ? 'room-completed-by-app' : 'room-found-over',
        at: completed.endedAt ?? now,
        durationSeconds: completed.durationSeconds,
        details: { Reason: 'meeting-cancelled', BookingId: found.current.id, ...(room.providerRoomId ? { RoomSid: room.providerRoomId } : {}) },
      },
      now,
    );
    if (event) result.roomEvents.push(event);
  }
  return result;
}

export interface MovedMeetingRoom {
  /**
   * 'kept': the call is going on and stays as it is: the people in it stay, and the moved meeting's
   * links join that same room while it runs (never a second one). 'no_live_room': nothing is going on.
   */
  outcome: 'kept' | 'no_live_room' | 'no_room' | 'not_found' | 'unconfigured';
  roomName?: string;
  roomEvent?: RoomEvent;
}

/**
 * booking.rescheduled: decides what becomes of a call that is going on when its meeting moves.
 * The call is kept: the room is named after the meeting, not the booking, so whoever joins the
 * moved meeting while the call runs joins the same room, and the pages in the call tell their
 * people the new time. Twilio is asked whether the call is really going on; a room it reports
 * over is recorded as over (its callback was lost), and that room event is returned.
 */
export async function keepRoomOfMovedMeeting(deps: RoomLifecycleDeps, input: { teamId: string; bookingId: string }): Promise<MovedMeetingRoom> {
  const now = deps.now?.() ?? new Date();
  const room = await withTeam(deps.db, input.teamId, async (tx) => {
    const lineage = await meetingLineage(tx, input.bookingId);
    return lineage ? { lineage, room: await findMeetingRoom(tx, lineage.ids) } : undefined;
  });
  if (!room) return { outcome: 'not_found' };
  if (!room.room) return { outcome: 'no_room' };
  if (room.room.status === 'completed' || room.room.status === 'failed') return { outcome: 'no_live_room', roomName: room.room.uniqueName };
  if (!deps.twilio) return { outcome: 'unconfigured', roomName: room.room.uniqueName };
  const found = await findTwilioRoom(deps.twilio, room.room.uniqueName, room.room.providerRoomId);
  if (found.state === 'in-progress') return { outcome: 'kept', roomName: room.room.uniqueName };
  if (found.state === 'unknown') throw new VideoServiceError('unavailable', `Twilio could not say whether ${room.room.uniqueName} is going on: ${found.reason}`);
  const roomEvent = await settleEndedRoom(deps.db, input.teamId, { room: room.room, endedAt: found.endedAt, durationSeconds: found.durationSeconds }, now);
  return { outcome: 'no_live_room', roomName: room.room.uniqueName, roomEvent };
}

/** Records a room Twilio reported over though its room-ended callback never reached us. */
export async function settleEndedRoom(
  db: Database,
  teamId: string,
  ended: { room: MeetingRoomRow; endedAt?: Date; durationSeconds?: number },
  now: Date,
): Promise<RoomEvent | undefined> {
  return recordRoomEnded(
    db,
    teamId,
    ended.room,
    {
      eventKey: `app:found-over:${ended.room.providerRoomId ?? ended.room.uniqueName}`,
      event: 'room-found-over',
      at: ended.endedAt ?? now,
      durationSeconds: ended.durationSeconds,
      details: { Reason: 'twilio-reports-over', ...(ended.room.providerRoomId ? { RoomSid: ended.room.providerRoomId } : {}) },
    },
    now,
  );
}
