import type { WebClient } from '@slack/web-api';
import { findSlackMessage, getBooking, getCurrentBooking, type Booking } from '../bookings/index.js';
import type { BookingRescheduledPayload } from '../events/outbox.js';
import { actor, slackDate } from './blocks/format.js';
import type { SlackContext } from './context.js';
import { notifyCancelled, publishMeeting, refreshMeetingMessage, sendPersonalLinks, type Once } from './meeting-posts.js';
import { loadRoomState } from './meeting-store.js';
import { removeReminders, scheduleReminders } from './reminders.js';
import { slackErrorCode } from './slack-errors.js';
import { tell } from './tell.js';

/**
 * What Slack shows when a meeting changes, whichever surface changed it (the modal, the API, the
 * web pages). Called by the Slack event handler, in order per meeting; each step is safe to run
 * again. The message always shows the meeting as it stands now, not as it stood at the event.
 */
export interface MeetingChange {
  teamId: string;
  meetingId: string;
  bookingId: string;
  /** No retry follows if this attempt fails. */
  lastAttempt: boolean;
}

/** A new meeting: its message (where /meet was typed, or the organizer's DMs), everyone's own link, the reminders. */
export async function announceBooked(ctx: SlackContext, client: WebClient, change: MeetingChange, once: Once): Promise<void> {
  const booking = await getCurrentBooking(ctx.db, change.teamId, change.meetingId);
  if (!booking) return;
  let unposted: unknown;
  if (!(await findSlackMessage(ctx.db, change.teamId, change.meetingId))) {
    try {
      await publishMeeting(ctx, client, booking, booking.slackChannelId ?? undefined);
    } catch (error) {
      unposted = error;
      // Booked, but Slack would not take the message: say so at once rather than fail silently.
      await once('unposted-notice', () =>
        tell(
          ctx,
          client,
          { user: booking.organizerId },
          `Your meeting *${booking.title}* is booked, but I could not post it (${slackErrorCode(error) ?? 'Slack did not answer'}). ` +
            `${change.lastAttempt ? '' : 'I will keep trying for a while. '}It is already in \`/meet list\` and on my Home tab.`,
        ).catch(() => {}),
      );
    }
  }
  if (booking.status === 'confirmed') {
    await sendPersonalLinks(ctx, client, booking, booking.source === 'web' ? ':inbox_tray: Booked on your booking page:' : ':white_check_mark: Booked:', once);
    await scheduleReminders(ctx, client, booking);
  }
  // Delivered again later, this posts the message and skips what was done.
  if (unposted) throw unposted;
}

/** A moved meeting: the message shows the new time, the old reminders go, everyone gets their link again. */
export async function announceMoved(ctx: SlackContext, client: WebClient, change: MeetingChange, moved: BookingRescheduledPayload, once: Once): Promise<void> {
  const booking = await getCurrentBooking(ctx.db, change.teamId, change.meetingId);
  if (!booking) return;
  const previousStart = new Date(moved.previousStartsAt);
  await refreshMeetingMessage(ctx, client, booking, { movedFrom: { startsAt: previousStart, by: moved.actorId } });
  await removeReminders(ctx, client, change.teamId, moved.previousBookingId);
  if (booking.status !== 'confirmed') return;
  const lead = `:arrows_counterclockwise: Moved by ${actor(moved.actorId, booking.participants)} (was ${slackDate(previousStart, '{date_short_pretty} {time}')}):`;
  await sendPersonalLinks(ctx, client, booking, lead, once);
  await scheduleReminders(ctx, client, booking);
}

/** A cancelled meeting: the message says so, its reminders go, the others are told. */
export async function announceCancelled(ctx: SlackContext, client: WebClient, change: MeetingChange, once: Once): Promise<void> {
  const booking = await findBooking(ctx, change.teamId, change.bookingId);
  if (!booking) return;
  await refreshMeetingMessage(ctx, client, booking);
  await removeReminders(ctx, client, change.teamId, booking.id);
  await notifyCancelled(ctx, client, booking, once);
}

/** The call started or ended: the message says "In progress" or "Ended after 32 min". */
export async function showCallState(ctx: SlackContext, client: WebClient, change: MeetingChange): Promise<void> {
  const booking = await getCurrentBooking(ctx.db, change.teamId, change.meetingId);
  if (!booking) return;
  await refreshMeetingMessage(ctx, client, booking, { room: await loadRoomState(ctx.db, change.teamId, change.bookingId) });
}

async function findBooking(ctx: SlackContext, teamId: string, bookingId: string): Promise<Booking | undefined> {
  try {
    return await getBooking(ctx.db, teamId, bookingId);
  } catch {
    return undefined;
  }
}
