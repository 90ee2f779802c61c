import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { meetingRoomEvents, meetingRooms } from '../db/schema.js';
import { meetingLineage } from '../bookings/lineage.js';
import { withTeam, type Tx } from '../db/tenant.js';
import { recordEvent } from '../events/outbox.js';
import type { MeetingRoomRow } from './access.js';
import type { TwilioRoom } from './twilio-rooms.js';

/**
 * The meeting's room: a row of any of its bookings (keyed by the meeting's first booking; rows
 * made before rooms followed the meeting are keyed by the booking that opened them), the one in
 * progress first, else the latest.
 */
export async function findMeetingRoom(tx: Tx, bookingIds: string[]): Promise<MeetingRoomRow | undefined> {
  if (bookingIds.length === 0) return undefined;
  const rows = await tx
    .select()
    .from(meetingRooms)
    .where(inArray(meetingRooms.bookingId, bookingIds))
    .orderBy(sql`${meetingRooms.status} = 'in-progress' desc`, desc(meetingRooms.updatedAt));
  return rows[0];
}

/**
 * Records the Twilio room a booking's call runs in. A room Twilio made anew after the previous
 * one ended (same unique name, new sid) starts the row over as pending.
 */
export async function recordRoom(db: Database, teamId: string, bookingId: string, room: TwilioRoom, now: Date): Promise<MeetingRoomRow> {
  return withTeam(db, teamId, async (tx) => {
    const replaced = sql`${meetingRooms.providerRoomId} is distinct from excluded.provider_room_id and ${meetingRooms.status} in ('completed', 'failed')`;
    const [row] = await tx
      .insert(meetingRooms)
      .values({ teamId, bookingId, provider: 'twilio', providerRoomId: room.sid, uniqueName: room.uniqueName, status: 'pending', updatedAt: now })
      .onConflictDoUpdate({
        target: meetingRooms.bookingId,
        set: {
          status: sql`case when ${replaced} then 'pending'::room_status else ${meetingRooms.status} end`,
          participantCount: sql`case when ${replaced} then 0 else ${meetingRooms.participantCount} end`,
          endedAt: sql`case when ${replaced} then null else ${meetingRooms.endedAt} end`,
          durationSeconds: sql`case when ${replaced} then null else ${meetingRooms.durationSeconds} end`,
          providerRoomId: sql`excluded.provider_room_id`,
          updatedAt: now,
        },
      })
      .returning();
    return row!;
  });
}

export interface RoomCallback {
  teamId: string;
  uniqueName: string;
  params: Record<string, string>;
}

/** The call started or ended: what the meeting.started / meeting.ended event says. */
export interface RoomStatusChange {
  teamId: string;
  bookingId: string;
  status: 'in-progress' | 'completed';
  startedAt: Date | null;
  endedAt: Date | null;
  durationSeconds: number | null;
}

export type AppliedRoomEvent =
  | { outcome: 'recorded'; event: string; change?: RoomStatusChange }
  | { outcome: 'replay' }
  | { outcome: 'unknown_room' };

/**
 * Applies one Twilio status callback to the booking's room: room-created and the first
 * participant-connected start it, participants are counted in and out, room-ended completes it
 * with Twilio's RoomDuration. Each callback is stored under a key (room sid and Twilio's sequence
 * number) unique per room, so a replay is recognised and changes nothing. When the call starts
 * or ends, a meeting.started / meeting.ended event is written in the same transaction.
 */
export async function applyRoomCallback(db: Database, callback: RoomCallback, now: Date): Promise<AppliedRoomEvent> {
  const p = callback.params;
  const event = p.StatusCallbackEvent ?? 'unknown';
  return withTeam(db, callback.teamId, async (tx) => {
    const [room] = await tx.select().from(meetingRooms).where(eq(meetingRooms.uniqueName, callback.uniqueName)).for('update');
    if (!room) return { outcome: 'unknown_room' as const };
    const occurredAt = parseTimestamp(p.Timestamp) ?? now;
    const inserted = await tx
      .insert(meetingRoomEvents)
      .values({
        teamId: callback.teamId,
        roomId: room.id,
        eventKey: await eventKey(p),
        event,
        participantIdentity: p.ParticipantIdentity || null,
        occurredAt,
        payload: p,
      })
      .onConflictDoNothing()
      .returning({ id: meetingRoomEvents.id });
    if (inserted.length === 0) return { outcome: 'replay' as const };
    // A late callback about an earlier Twilio room of this booking is kept but does not move the state.
    if (room.providerRoomId && p.RoomSid && p.RoomSid !== room.providerRoomId) return { outcome: 'recorded' as const, event };

    const update = nextState(room, event, occurredAt, p);
    if (!update) return { outcome: 'recorded' as const, event };
    const [after] = await tx
      .update(meetingRooms)
      .set({ ...update, updatedAt: now })
      .where(and(eq(meetingRooms.id, room.id)))
      .returning();
    const statusChanged = after!.status !== room.status && (after!.status === 'in-progress' || after!.status === 'completed');
    if (!statusChanged) return { outcome: 'recorded' as const, event };
    return { outcome: 'recorded' as const, event, change: await recordRoomStatusEvent(tx, callback.teamId, after!) };
  });
}

/**
 * The call started or ended: a meeting.started / meeting.ended event in the same transaction, about
 * the meeting as it stands now (the room belongs to the meeting, whose booking may have moved).
 */
async function recordRoomStatusEvent(tx: Tx, teamId: string, room: MeetingRoomRow): Promise<RoomStatusChange> {
  const lineage = await meetingLineage(tx, room.bookingId);
  const change: RoomStatusChange = {
    teamId,
    bookingId: lineage?.currentId ?? room.bookingId,
    status: room.status as 'in-progress' | 'completed',
    startedAt: room.startedAt,
    endedAt: room.endedAt,
    durationSeconds: room.durationSeconds,
  };
  await recordEvent(tx, {
    teamId,
    meetingId: lineage?.rootId ?? room.bookingId,
    bookingId: change.bookingId,
    kind: change.status === 'in-progress' ? 'meeting.started' : 'meeting.ended',
    payload: {
      roomSid: room.providerRoomId,
      startedAt: change.startedAt?.toISOString() ?? null,
      endedAt: change.endedAt?.toISOString() ?? null,
      durationSeconds: change.durationSeconds,
    },
  });
  return change;
}

type RoomUpdate = Partial<Pick<MeetingRoomRow, 'status' | 'participantCount' | 'startedAt' | 'endedAt' | 'durationSeconds' | 'providerRoomId'>>;

function nextState(room: MeetingRoomRow, event: string, at: Date, p: Record<string, string>): RoomUpdate | undefined {
  const start: RoomUpdate =
    room.status === 'pending' ? { status: 'in-progress', startedAt: room.startedAt ?? at } : room.startedAt ? {} : { startedAt: at };
  const sid: RoomUpdate = !room.providerRoomId && p.RoomSid ? { providerRoomId: p.RoomSid } : {};
  switch (event) {
    case 'room-created':
      return { ...sid, ...start };
    case 'participant-connected':
      return room.status === 'completed' ? undefined : { ...sid, ...start, participantCount: room.participantCount + 1 };
    case 'participant-disconnected':
      return { participantCount: Math.max(0, room.participantCount - 1) };
    case 'room-ended': {
      const duration = Number.parseInt(p.RoomDuration ?? '', 10);
      const startedAt = room.startedAt ?? at;
      return {
        ...sid,
        status: 'completed',
        participantCount: 0,
        startedAt,
        endedAt: at,
        durationSeconds: Number.isFinite(duration) && duration >= 0 ? duration : Math.max(0, Math.round((at.getTime() - startedAt.getTime()) / 1000)),
      };
    }
    default:
      return undefined;
  }
}

/** Twilio numbers each room's callbacks; without a number the whole payload identifies the callback. */
async function eventKey(p: Record<string, string>): Promise<string> {
  if (p.SequenceNumber && p.RoomSid) return `${p.RoomSid}:${p.SequenceNumber}`;
  const canonical = JSON.stringify(Object.keys(p).sort().map((k) => [k, p[k]]));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonical)));
  return `sha256:${[...digest].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

function parseTimestamp(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * Records that a room is over when we learned it other than by Twilio's room-ended callback: we
 * completed it (a cancelled meeting), or Twilio said so when asked (the callback was lost). Kept
 * as a room event under `eventKey`, so doing it twice records it once. When this changed the
 * room's status, the meeting.ended event is written with it and the change returned.
 */
export async function recordRoomEnded(
  db: Database,
  teamId: string,
  room: Pick<MeetingRoomRow, 'id' | 'bookingId'>,
  ended: { eventKey: string; event: string; at: Date; durationSeconds?: number; details: Record<string, string> },
  now: Date,
): Promise<RoomStatusChange | undefined> {
  return withTeam(db, teamId, async (tx) => {
    const [row] = await tx.select().from(meetingRooms).where(eq(meetingRooms.id, room.id)).for('update');
    if (!row) return undefined;
    await tx
      .insert(meetingRoomEvents)
      .values({ teamId, roomId: row.id, eventKey: ended.eventKey, event: ended.event, participantIdentity: null, occurredAt: ended.at, payload: ended.details })
      .onConflictDoNothing();
    if (row.status === 'completed' || row.status === 'failed') return undefined;
    const startedAt = row.startedAt;
    const durationSeconds = ended.durationSeconds ?? (startedAt ? Math.max(0, Math.round((ended.at.getTime() - startedAt.getTime()) / 1000)) : 0);
    const [after] = await tx
      .update(meetingRooms)
      .set({ status: 'completed', participantCount: 0, endedAt: ended.at, durationSeconds, startedAt: startedAt ?? ended.at, updatedAt: now })
      .where(eq(meetingRooms.id, row.id))
      .returning();
    return recordRoomStatusEvent(tx, teamId, after!);
  });
}

/**
 * Who is in the room by its recorded status callbacks: identities connected and not since
 * disconnected, for the room's current Twilio sid. What the page shows when Twilio cannot be asked.
 */
export async function recordedParticipants(tx: Tx, room: Pick<MeetingRoomRow, 'id' | 'providerRoomId'>): Promise<string[]> {
  const events = await tx
    .select({ event: meetingRoomEvents.event, identity: meetingRoomEvents.participantIdentity, payload: meetingRoomEvents.payload })
    .from(meetingRoomEvents)
    .where(and(eq(meetingRoomEvents.roomId, room.id), inArray(meetingRoomEvents.event, ['participant-connected', 'participant-disconnected'])))
    .orderBy(asc(meetingRoomEvents.occurredAt), asc(meetingRoomEvents.createdAt));
  const present = new Map<string, number>();
  for (const e of events) {
    if (!e.identity || (room.providerRoomId && e.payload.RoomSid && e.payload.RoomSid !== room.providerRoomId)) continue;
    const count = (present.get(e.identity) ?? 0) + (e.event === 'participant-connected' ? 1 : -1);
    if (count > 0) present.set(e.identity, count);
    else present.delete(e.identity);
  }
  return [...present.keys()];
}
