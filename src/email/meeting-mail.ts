import { findPeople, getBooking, getCurrentBooking, memberIds, NotFoundError, type Booking } from '../bookings/index.js';
import { parseMailbox, type Config } from '../config.js';
import type { Database } from '../db/client.js';
import { withTeam } from '../db/tenant.js';
import type { BookingCancelledPayload, BookingRescheduledPayload } from '../events/outbox.js';
import { manageUrl } from '../public/manage-links.js';
import { guestIdOf, personalGuestJoinUrl } from '../video/links.js';
import { cancellationEmail } from './cancellation.js';
import type { GuestMailInput } from './guest-mail.js';
import { invitationEmail } from './invitation.js';
import type { OutgoingEmail } from './message.js';
import { GUEST_REMINDER_MINUTES_BEFORE } from './reminder.js';
import { dropReminderRows, lastInvitation, recordGuestEmail, scheduleReminderRows, type GuestEmailKind } from './store.js';
import { PermanentRejection, type Mailer } from './transport.js';

/** What sending guests' email needs. */
export interface EmailContext {
  db: Database;
  config: Config;
  mailer: Mailer;
  /** The app's clock (settable in tests). */
  now: () => Date;
  log: Pick<Console, 'info' | 'warn' | 'error'>;
}

/** Which booking event is being handled, as the event handler hands it on. */
export interface MeetingChange {
  teamId: string;
  meetingId: string;
  bookingId: string;
  eventId: number;
}

/** Runs a side effect once per event and key (the event handler's ledger). */
export type Once = (key: string, work: () => Promise<void>) => Promise<void>;

/** A reminder is not worth sending this soon after the confirmation. */
const REMINDER_MIN_LEAD_MS = 10 * 60_000;

/** A meeting booked: each guest with an email gets the confirmation and invitation, and a reminder is scheduled. */
export async function mailBooked(ctx: EmailContext, change: MeetingChange, once: Once): Promise<void> {
  // The meeting as it stands now: if it moved before this went out, the confirmation has the new time.
  const booking = await getCurrentBooking(ctx.db, change.teamId, change.meetingId);
  if (!booking || booking.status !== 'confirmed') return;
  const mail = await loadMeetingMail(ctx, booking);
  await mailEachGuest(ctx, mail, change, 'confirmation', once, async (input) => {
    const told = await lastInvitation(ctx.db, booking.teamId, booking.meetingId, input.guest.guestId);
    return told?.bookingId === booking.id ? undefined : invitationEmail(input);
  });
  await scheduleReminders(ctx, booking);
}

/**
 * A meeting moved: each guest gets the update (same UID, higher SEQUENCE) saying what changed
 * since the last invitation they were sent; reminders for the old time are dropped, new ones made.
 */
export async function mailMoved(ctx: EmailContext, change: MeetingChange, moved: BookingRescheduledPayload, once: Once): Promise<void> {
  const booking = await getCurrentBooking(ctx.db, change.teamId, change.meetingId);
  if (!booking) return;
  await dropReminderRows(ctx.db, booking.teamId, booking.meetingId, booking.id);
  // Cancelled since: the cancellation event tells the guests.
  if (booking.status !== 'confirmed') return;
  const mail = await loadMeetingMail(ctx, booking);
  await mailEachGuest(ctx, mail, change, 'update', once, async (input) => {
    const told = await lastInvitation(ctx.db, booking.teamId, booking.meetingId, input.guest.guestId);
    // Already sent this time (the confirmation went out after the move, or a later move's update did).
    if (told?.bookingId === booking.id) return undefined;
    return invitationEmail(input, {
      previousStartsAt: told?.startsAt ?? new Date(moved.previousStartsAt),
      previousEndsAt: told?.endsAt ?? new Date(moved.previousEndsAt),
      by: actorName(mail, moved.actorId, input.guest.guestId),
    });
  });
  await scheduleReminders(ctx, booking);
}

/** A meeting cancelled: each guest gets the cancellation (METHOD:CANCEL) with the reason; its reminders are dropped. */
export async function mailCancelled(ctx: EmailContext, change: MeetingChange, cancelled: BookingCancelledPayload, once: Once): Promise<void> {
  let booking: Booking;
  try {
    booking = await getBooking(ctx.db, change.teamId, change.bookingId);
  } catch (error) {
    if (error instanceof NotFoundError) return;
    throw error;
  }
  // A move cancels the old booking too; that is the rescheduled event's to tell.
  if (booking.rescheduledToId || booking.status !== 'cancelled') return;
  await dropReminderRows(ctx.db, booking.teamId, booking.meetingId);
  const mail = await loadMeetingMail(ctx, booking);
  await mailEachGuest(ctx, mail, change, 'cancellation', once, async (input) =>
    cancellationEmail(input, { by: actorName(mail, cancelled.actorId, input.guest.guestId), reason: cancelled.reason }),
  );
}

/** One reminder per guest with an email, GUEST_REMINDER_MINUTES_BEFORE the start, sent by the reminder loop. */
export async function scheduleReminders(ctx: EmailContext, booking: Booking): Promise<void> {
  if (booking.status !== 'confirmed') return;
  const sendAt = new Date(booking.startsAt.getTime() - GUEST_REMINDER_MINUTES_BEFORE * 60_000);
  if (sendAt.getTime() < ctx.now().getTime() + REMINDER_MIN_LEAD_MS) return;
  const guestIds = booking.participants.filter((p) => p.role === 'guest' && p.guestEmail && p.guestId).map((p) => p.guestId!);
  await scheduleReminderRows(ctx.db, booking, guestIds, sendAt);
}

/** A booking with its people by name, ready to address to each guest. */
export interface MeetingMail {
  booking: Booking;
  organizer: { name: string; email: string | null };
  people: GuestMailInput['people'];
  memberNames: Map<string, string>;
  guests: { guestId: string; name: string; email: string; timeZone: string | null }[];
}

export async function loadMeetingMail(ctx: Pick<EmailContext, 'db'>, booking: Booking): Promise<MeetingMail> {
  const members = await withTeam(ctx.db, booking.teamId, (tx) => findPeople(tx, memberIds(booking)));
  const memberNames = new Map([...members].map(([id, person]) => [id, person.name]));
  const people = booking.participants.map((p) =>
    p.slackUserId
      ? { name: members.get(p.slackUserId)?.name ?? p.slackUserId, email: members.get(p.slackUserId)?.email ?? null, role: p.role, guestId: null }
      : { name: p.guestName ?? 'Guest', email: p.guestEmail, role: p.role, guestId: p.guestId },
  );
  const organizer = members.get(booking.organizerId);
  return {
    booking,
    organizer: { name: organizer?.name ?? 'the organizer', email: organizer?.email ?? null },
    people,
    memberNames,
    guests: booking.participants
      .filter((p) => p.role === 'guest' && p.guestEmail && p.guestId)
      .map((p) => ({ guestId: p.guestId!, name: p.guestName ?? 'Guest', email: p.guestEmail!, timeZone: p.guestTimeZone })),
  };
}

/** Everything one guest's email is built from, their own links signed. */
export async function guestMailInput(ctx: Pick<EmailContext, 'config' | 'now'>, mail: MeetingMail, guest: MeetingMail['guests'][number]): Promise<GuestMailInput> {
  const { booking } = mail;
  const [join, manage] = await Promise.all([
    personalGuestJoinUrl(ctx.config, { teamId: booking.teamId, bookingId: booking.id }, guest.guestId),
    manageUrl(ctx.config, { teamId: booking.teamId, meetingId: booking.meetingId, guestId: guest.guestId }),
  ]);
  return {
    meeting: {
      meetingId: booking.meetingId,
      title: booking.title,
      notes: booking.notes,
      startsAt: booking.startsAt,
      endsAt: booking.endsAt,
      sequence: booking.sequence,
    },
    organizer: mail.organizer,
    people: mail.people,
    guest,
    links: { join, manage },
    sender: parseMailbox(ctx.config.email.from!)!,
    now: ctx.now(),
  };
}

/**
 * Sends each guest with an email what `build` makes for them (nothing when it returns undefined),
 * once per event and guest, and records it. A refusal for good is recorded and not retried; any
 * other failure is thrown after the other guests were tried, so the event is delivered again and
 * only the guests not yet reached are sent to.
 */
async function mailEachGuest(
  ctx: EmailContext,
  mail: MeetingMail,
  change: MeetingChange,
  kind: GuestEmailKind,
  once: Once,
  build: (input: GuestMailInput) => Promise<OutgoingEmail | undefined>,
): Promise<void> {
  let failure: unknown;
  for (const guest of mail.guests) {
    try {
      await once(`${kind}:${guest.guestId}`, async () => {
        const email = await build(await guestMailInput(ctx, mail, guest));
        if (email) await sendRecorded(ctx, mail.booking, guest.guestId, kind, change.eventId, email);
      });
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure) throw failure;
}

/** Sends one email and records the outcome; a permanent refusal is recorded and swallowed, other errors thrown. */
export async function sendRecorded(
  ctx: EmailContext,
  booking: Pick<Booking, 'teamId' | 'meetingId' | 'id'>,
  guestId: string,
  kind: GuestEmailKind,
  eventId: number | null,
  email: OutgoingEmail,
): Promise<'sent' | 'rejected'> {
  const record = { teamId: booking.teamId, meetingId: booking.meetingId, bookingId: booking.id, guestId, recipient: email.to.address, kind, eventId };
  try {
    const { messageId } = await ctx.mailer.send(email);
    await recordGuestEmail(ctx.db, { ...record, status: 'sent', messageId });
    return 'sent';
  } catch (error) {
    if (!(error instanceof PermanentRejection)) throw error;
    ctx.log.warn(`Email: ${kind} for meeting ${booking.meetingId} not delivered, ${error.message}`);
    await recordGuestEmail(ctx.db, { ...record, status: 'rejected', error: error.response });
    return 'rejected';
  }
}

/** Who made a change, as this guest reads it: a member's or another guest's name, or "You". */
function actorName(mail: MeetingMail, actorId: string | null | undefined, recipientGuestId: string): string | undefined {
  if (!actorId) return undefined;
  const guestId = guestIdOf(actorId);
  if (guestId) return guestId === recipientGuestId ? 'You' : mail.guests.find((g) => g.guestId === guestId)?.name;
  return mail.memberNames.get(actorId);
}
