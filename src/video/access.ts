import { eq, inArray } from 'drizzle-orm';
import { loadBooking, type Booking } from '../bookings/booking-view.js';
import { isUuid } from '../core/ids.js';
import type { Database } from '../db/client.js';
import { meetingRooms, meetingTypes, users } from '../db/schema.js';
import { withTeam, type Tx } from '../db/tenant.js';
import { GUEST, LinkError, guestIdOf, verifyJoinToken } from './links.js';
import { isTwilioRoomInProgress, type TwilioCredentials } from './twilio-rooms.js';

export type MeetingRoomRow = typeof meetingRooms.$inferSelect;

/** Who is joining: a Slack member; a guest with their own link (name known); or anyone with the shared guest link. */
export type JoiningParticipant = { kind: 'member'; slackUserId: string; name: string } | { kind: 'guest'; guestId?: string; name?: string };

/** What a valid join link opens: the current booking (after any reschedules), who is joining, the join window. */
export interface MeetingAccess {
  teamId: string;
  /** The booking the link names; differs from booking.id when the meeting was rescheduled. */
  linkBookingId: string;
  booking: Booking;
  participant: JoiningParticipant;
  opensAt: Date;
  closesAt: Date;
  room: MeetingRoomRow | undefined;
  /** Display names of the booking's Slack members by call identity ("slack:U0ANA" → "Ana"). */
  names: Record<string, string>;
}

export type JoinWindow = 'open' | 'too_early' | 'over';

const MINUTE_MS = 60_000;
const MAX_RESCHEDULES_FOLLOWED = 50;

export function memberIdentity(slackUserId: string): string {
  return `slack:${slackUserId}`;
}

/**
 * Checks a join link for the booking in the URL and resolves it against the database. Throws
 * LinkError: malformed, forged, expired (the signature's backstop), wrong_booking, not_found,
 * cancelled, not_participant. Whether the join window is open is the caller's question (joinWindow).
 */
export async function resolveJoinLink(db: Database, secret: string, pathBookingId: string, token: string | undefined, now: Date): Promise<MeetingAccess> {
  const claims = await verifyJoinToken(secret, token ?? '', now);
  if (claims.bookingId !== pathBookingId) throw new LinkError('wrong_booking');
  if (!isUuid(claims.bookingId)) throw new LinkError('not_found');
  return withTeam(db, claims.teamId, async (tx) => {
    const booking = await currentBooking(tx, claims.bookingId);
    if (!booking) throw new LinkError('not_found');
    if (booking.status === 'cancelled') throw new LinkError('cancelled');
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
    const [room] = await tx.select().from(meetingRooms).where(eq(meetingRooms.bookingId, booking.id));
    return {
      teamId: claims.teamId,
      linkBookingId: claims.bookingId,
      booking,
      participant,
      opensAt: new Date(booking.startsAt.getTime() - opensBefore * MINUTE_MS),
      closesAt: new Date(booking.endsAt.getTime() + closesAfter * MINUTE_MS),
      room,
      names,
    };
  });
}

/** Open from `opensAt`; after `closesAt` only while the call is still going. */
export function joinWindow(access: Pick<MeetingAccess, 'opensAt' | 'closesAt' | 'room'>, now: Date): JoinWindow {
  if (now < access.opensAt) return 'too_early';
  if (now > access.closesAt && access.room?.status !== 'in-progress') return 'over';
  return 'open';
}

/**
 * joinWindow, and when it says "over" for a room whose status callbacks never arrived (still
 * "pending" in our record), Twilio is asked whether the call is in fact still going.
 */
export async function confirmedJoinWindow(
  access: Pick<MeetingAccess, 'opensAt' | 'closesAt' | 'room'>,
  now: Date,
  creds: TwilioCredentials | undefined,
): Promise<JoinWindow> {
  const window = joinWindow(access, now);
  if (window !== 'over' || !creds || access.room?.status !== 'pending') return window;
  return (await isTwilioRoomInProgress(creds, access.room.uniqueName)) ? 'open' : 'over';
}

/** The booking a link names, followed through reschedules to the one that holds the meeting now. */
async function currentBooking(tx: Tx, id: string): Promise<Booking | undefined> {
  let booking = await loadBooking(tx, id);
  for (let hops = 0; booking?.rescheduledToId && hops < MAX_RESCHEDULES_FOLLOWED; hops++) {
    booking = await loadBooking(tx, booking.rescheduledToId);
  }
  return booking;
}
