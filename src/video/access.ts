import { eq, inArray } from 'drizzle-orm';
import { loadBooking, type Booking } from '../bookings/booking-view.js';
import { meetingLineage } from '../bookings/lineage.js';
import { isUuid } from '../core/ids.js';
import type { Database } from '../db/client.js';
import { meetingRooms, meetingTypes, users } from '../db/schema.js';
import { withTeam, type Tx } from '../db/tenant.js';
import { GUEST, LinkError, guestIdOf, verifyJoinToken } from './links.js';
import { findMeetingRoom } from './room-store.js';
import { findTwilioRoom, roomUniqueName, type TwilioCredentials, type TwilioRoom } from './twilio-rooms.js';

export type MeetingRoomRow = typeof meetingRooms.$inferSelect;

/** Who is joining: a Slack member; a guest with their own link (name known); or anyone with the shared guest link. */
export type JoiningParticipant = { kind: 'member'; slackUserId: string; name: string } | { kind: 'guest'; guestId?: string; name?: string };

/** What a valid join link opens: the current booking (after any reschedules), who is joining, the join window. */
export interface MeetingAccess {
  teamId: string;
  /** The booking the link names; differs from booking.id when the meeting was rescheduled. */
  linkBookingId: string;
  booking: Booking;
  /** The meeting's first booking: the meeting's id, which names its one video room. */
  meetingId: string;
  participant: JoiningParticipant;
  opensAt: Date;
  closesAt: Date;
  /** The meeting's room as last recorded, if it was ever opened (see findMeetingRoom). */
  room: MeetingRoomRow | undefined;
  /** Display names of the booking's Slack members by call identity ("slack:U0ANA" → "Ana"). */
  names: Record<string, string>;
}

export type JoinWindow = 'open' | 'too_early' | 'over';

const MINUTE_MS = 60_000;

/**
 * A member's call identity: "slack:<member>", with ":<device>" when the page names its device, so
 * the same person on a phone and a laptop is two participants rather than one pushing the other out.
 */
export function memberIdentity(slackUserId: string, device?: string): string {
  return device ? `slack:${slackUserId}:${device}` : `slack:${slackUserId}`;
}

export { displayName as participantName } from './call-names.js';

/**
 * Checks a join link for the booking in the URL and resolves it against the database. Throws
 * LinkError: malformed, forged, expired (the signature's backstop), wrong_booking, not_found,
 * cancelled (unless `allowCancelled`, for asking what became of the meeting), not_participant.
 * Whether the call can be joined now is the caller's question (decideJoin).
 */
export async function resolveJoinLink(
  db: Database,
  secret: string,
  pathBookingId: string,
  token: string | undefined,
  now: Date,
  options: { allowCancelled?: boolean } = {},
): Promise<MeetingAccess> {
  const claims = await verifyJoinToken(secret, token ?? '', now);
  if (claims.bookingId !== pathBookingId) throw new LinkError('wrong_booking');
  if (!isUuid(claims.bookingId)) throw new LinkError('not_found');
  return withTeam(db, claims.teamId, async (tx) => {
    const lineage = await meetingLineage(tx, claims.bookingId);
    const booking = lineage && (await loadBooking(tx, lineage.currentId));
    if (!lineage || !booking) throw new LinkError('not_found');
    if (booking.status === 'cancelled' && !options.allowCancelled) throw new LinkError('cancelled');
    const memberIds = booking.participants.filter((p) => p.slackUserId).map((p) => p.slackUserId!);
    const people = memberIds.length ? await tx.select().from(users).where(inArray(users.slackUserId, memberIds)) : [];
    const names: Record<string, string> = {};
    for (const id of memberIds) names[memberIdentity(id)] = people.find((p) => p.slackUserId === id)?.name ?? id;
    let participant: JoiningParticipant;
    const guestId = guestIdOf(claims.participant);
    if (claims.participant === GUEST) participant = { kind: 'guest' };
    else if (guestId) {
      const guest = booking.participants.find((p) => p.role === 'guest' && p.guestId === guestId);
      if (!guest) throw new LinkError('not_participant');
      participant = { kind: 'guest', guestId, name: guest.guestName ?? 'Guest' };
    } else if (memberIds.includes(claims.participant)) {
      participant = { kind: 'member', slackUserId: claims.participant, name: names[memberIdentity(claims.participant)]! };
    } else throw new LinkError('not_participant');
    const [type] = await tx.select().from(meetingTypes).where(eq(meetingTypes.id, booking.meetingTypeId));
    const opensBefore = type?.joinOpensMinutesBefore ?? 10;
    const closesAfter = type?.joinClosesMinutesAfter ?? 30;
    const room = await findMeetingRoom(tx, lineage.ids);
    return {
      teamId: claims.teamId,
      linkBookingId: claims.bookingId,
      booking,
      meetingId: lineage.rootId,
      participant,
      opensAt: new Date(booking.startsAt.getTime() - opensBefore * MINUTE_MS),
      closesAt: new Date(booking.endsAt.getTime() + closesAfter * MINUTE_MS),
      room,
      names,
    };
  });
}

/** The meeting's scheduled window: open from `opensAt` to `closesAt`. */
export function joinWindow(access: Pick<MeetingAccess, 'opensAt' | 'closesAt'>, now: Date): JoinWindow {
  if (now < access.opensAt) return 'too_early';
  if (now > access.closesAt) return 'over';
  return 'open';
}

/** Whether someone may join now, and whether a room may be created for them. */
export type JoinDecision =
  | { window: 'open'; createRoom: true }
  /** Outside the scheduled window while the meeting's call is still going: join that room, never a new one. */
  | { window: 'open'; createRoom: false; liveRoom: TwilioRoom }
  /** Closed; `endedRoom` when Twilio said the recorded room is over though no callback told us. */
  | { window: 'too_early' | 'over'; endedRoom?: { room: MeetingRoomRow; endedAt?: Date; durationSeconds?: number } };

/**
 * Inside the scheduled window anyone in the meeting may join (the room is created on first join).
 * Outside it, only while the meeting's call is still going, and Twilio is always asked whether it
 * is (our record may miss a lost room-ended callback); nothing outside the window creates a room.
 * A meeting moved while its call is going keeps that call: its people stay, and others join them.
 */
export async function decideJoin(access: Pick<MeetingAccess, 'opensAt' | 'closesAt' | 'room'>, now: Date, creds: TwilioCredentials | undefined): Promise<JoinDecision> {
  const window = joinWindow(access, now);
  if (window === 'open') return { window, createRoom: true };
  const room = access.room;
  if (!creds || !room || room.status === 'completed' || room.status === 'failed') return { window };
  const found = await findTwilioRoom(creds, room.uniqueName, room.providerRoomId);
  if (found.state === 'in-progress') return { window: 'open', createRoom: false, liveRoom: found.room };
  if (found.state === 'ended') return { window, endedRoom: { room, endedAt: found.endedAt, durationSeconds: found.durationSeconds } };
  return { window };
}

/** The unique name of the meeting's room: the one already recorded, else named after the meeting. */
export function meetingRoomName(access: Pick<MeetingAccess, 'teamId' | 'meetingId' | 'room'>): string {
  return access.room?.uniqueName ?? roomUniqueName(access.teamId, access.meetingId);
}

/** The booking id the meeting's room row is kept under. */
export function meetingRoomKey(access: Pick<MeetingAccess, 'meetingId' | 'room'>): string {
  return access.room?.bookingId ?? access.meetingId;
}
