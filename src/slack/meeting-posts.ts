import type { WebClient } from '@slack/web-api';
import { findSlackMessage, memberIds, recordSlackMessage, type Booking } from '../bookings/index.js';
import { joinUrl } from '../video/links.js';
import { cancelledNotice, meetingMessage, personalMeetingMessage, type RoomState } from './blocks/meeting-message.js';
import type { SlackContext } from './context.js';
import { calendarUrl } from './links.js';
import { loadRoomState } from './meeting-store.js';
import { slackErrorCode } from './slack-errors.js';

/** Errors of chat.postMessage that mean "not here", after which the meeting goes to direct messages. */
const CANNOT_POST_HERE = new Set(['not_in_channel', 'channel_not_found', 'is_archived', 'restricted_action', 'cannot_reply_to_message', 'ekm_access_denied', 'team_access_not_granted']);

/**
 * Posts a new booking where /meet was typed, or, where the bot cannot post (or it was booked
 * outside Slack), to the organizer's direct messages with a word about why; records where it went.
 */
export async function publishMeeting(ctx: SlackContext, client: WebClient, booking: Booking, channelId: string | undefined): Promise<{ channel: string; ts: string }> {
  const render = (notice?: string) => meetingMessage({ booking, calendarUrl: calendarUrl(ctx.config, booking.teamId, booking.id), notice });
  let posted: { channel: string; ts: string } | undefined;
  if (channelId) {
    try {
      const result = await client.chat.postMessage({ channel: channelId, ...render(), unfurl_links: false });
      posted = { channel: String(result.channel), ts: String(result.ts) };
    } catch (error) {
      const code = slackErrorCode(error);
      if (!code || !CANNOT_POST_HERE.has(code)) throw error;
      ctx.log.info(`Slack: cannot post in ${channelId} (${code}); sending the meeting by direct message`);
    }
  }
  if (!posted) {
    const notice = channelId
      ? `:information_source: I could not post in <#${channelId}> (invite me there with \`/invite @Meetings\`), so here it is.`
      : undefined;
    const result = await client.chat.postMessage({ channel: booking.organizerId, ...render(notice), unfurl_links: false });
    posted = { channel: String(result.channel), ts: String(result.ts) };
  }
  await recordSlackMessage(ctx.db, booking.teamId, booking.id, posted.channel, posted.ts);
  return posted;
}

/** Runs a side effect once per event and key (the event handler's ledger); without one, always. */
export type Once = (key: string, work: () => Promise<void>) => Promise<void>;
const always: Once = (_key, work) => work();

/** Each participant's own join link, by direct message. */
export async function sendPersonalLinks(ctx: SlackContext, client: WebClient, booking: Booking, lead: string, once: Once = always): Promise<void> {
  await Promise.all(
    memberIds(booking).map((userId) => once(`link:${userId}`, async () => {
      const message = personalMeetingMessage({
        booking,
        joinUrl: await joinUrl(ctx.config, { teamId: booking.teamId, bookingId: booking.id, participant: userId }),
        calendarUrl: calendarUrl(ctx.config, booking.teamId, booking.id, userId),
        lead,
      });
      try {
        await client.chat.postMessage({ channel: userId, ...message, unfurl_links: false });
      } catch (error) {
        ctx.log.warn(`Slack: could not send ${userId} their link for booking ${booking.id} (${slackErrorCode(error) ?? error})`);
      }
    })),
  );
}

/** Redraws the meeting message in place (after a cancel, a move or a room event). */
export async function refreshMeetingMessage(
  ctx: SlackContext,
  client: WebClient,
  booking: Booking,
  extra: { room?: RoomState | null; movedFrom?: { startsAt: Date; by: string | null } | null } = {},
): Promise<boolean> {
  const posted = await findSlackMessage(ctx.db, booking.teamId, booking.meetingId);
  if (!posted) return false;
  const room = extra.room !== undefined ? extra.room : await loadRoomState(ctx.db, booking.teamId, booking.id);
  const message = meetingMessage({ booking, calendarUrl: calendarUrl(ctx.config, booking.teamId, booking.id), room, movedFrom: extra.movedFrom });
  try {
    await client.chat.update({ channel: posted.channelId, ts: posted.ts, ...message });
    return true;
  } catch (error) {
    ctx.log.warn(`Slack: could not update the message of booking ${booking.id} (${slackErrorCode(error) ?? error})`);
    return false;
  }
}

/** Tells everyone in a cancelled meeting, except whoever cancelled it. */
export async function notifyCancelled(ctx: SlackContext, client: WebClient, booking: Booking, once: Once = always): Promise<void> {
  const notice = cancelledNotice(booking);
  await Promise.all(
    memberIds(booking)
      .filter((id) => id !== booking.cancelledBy)
      .map((userId) =>
        once(`cancelled:${userId}`, () =>
          client.chat.postMessage({ channel: userId, ...notice }).then(
            () => undefined,
            (error) => ctx.log.warn(`Slack: could not tell ${userId} about the cancellation (${slackErrorCode(error) ?? error})`),
          ),
        ),
      ),
  );
}
