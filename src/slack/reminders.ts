import type { WebClient } from '@slack/web-api';
import { eq } from 'drizzle-orm';
import type { Booking } from '../bookings/index.js';
import { memberIds } from '../bookings/index.js';
import { reminders } from '../db/schema.js';
import { withTeam } from '../db/tenant.js';
import { joinUrl } from '../video/links.js';
import { personalMeetingMessage } from './blocks/meeting-message.js';
import type { SlackContext } from './context.js';
import { calendarUrl } from './links.js';
import { slackErrorCode } from './slack-errors.js';

export const REMINDER_MINUTES_BEFORE = 10;
/** Slack schedules messages at most 120 days ahead. */
const MAX_SCHEDULE_AHEAD_MS = 120 * 86_400_000;

/**
 * One scheduled direct message per participant, shortly before the start, with their own join
 * link (chat.scheduleMessage). The ids are kept so a cancel or move can delete them. A meeting
 * that starts sooner than the reminder would go out gets none: the booking message has the link.
 */
export async function scheduleReminders(ctx: SlackContext, client: WebClient, booking: Booking): Promise<number> {
  const postAt = new Date(booking.startsAt.getTime() - REMINDER_MINUTES_BEFORE * 60_000);
  const now = ctx.now();
  if (postAt.getTime() <= now.getTime() + 60_000 || postAt.getTime() - now.getTime() > MAX_SCHEDULE_AHEAD_MS) return 0;
  const scheduled = await Promise.all(
    memberIds(booking).map(async (userId) => {
      const message = personalMeetingMessage({
        booking,
        joinUrl: await joinUrl(ctx.config, { teamId: booking.teamId, bookingId: booking.id, participant: userId }),
        calendarUrl: calendarUrl(ctx.config, booking.teamId, booking.id, userId),
        lead: `:alarm_clock: Starting in ${REMINDER_MINUTES_BEFORE} minutes:`,
      });
      try {
        const result = await client.chat.scheduleMessage({ channel: userId, post_at: Math.floor(postAt.getTime() / 1000), ...message });
        return { userId, channelId: String(result.channel ?? userId), id: String(result.scheduled_message_id) };
      } catch (error) {
        ctx.log.warn(`Slack: reminder for ${userId} about booking ${booking.id} not scheduled (${slackErrorCode(error) ?? error})`);
        return undefined;
      }
    }),
  );
  const rows = scheduled.filter((r) => r !== undefined);
  if (rows.length) {
    await withTeam(ctx.db, booking.teamId, (tx) =>
      tx.insert(reminders).values(
        rows.map((r) => ({ teamId: booking.teamId, bookingId: booking.id, slackUserId: r.userId, channelId: r.channelId, scheduledMessageId: r.id, postAt })),
      ),
    );
  }
  return rows.length;
}

/** Deletes a booking's scheduled reminders from Slack and from the table. */
export async function removeReminders(ctx: SlackContext, client: WebClient, teamId: string, bookingId: string): Promise<void> {
  const rows = await withTeam(ctx.db, teamId, (tx) => tx.select().from(reminders).where(eq(reminders.bookingId, bookingId)));
  await Promise.all(
    rows.map(async (row) => {
      try {
        await client.chat.deleteScheduledMessage({ channel: row.channelId, scheduled_message_id: row.scheduledMessageId });
      } catch (error) {
        // Already sent or already gone: nothing left to delete.
        const code = slackErrorCode(error);
        if (code !== 'invalid_scheduled_message_id') ctx.log.warn(`Slack: reminder ${row.scheduledMessageId} not deleted (${code ?? error})`);
      }
    }),
  );
  if (rows.length) await withTeam(ctx.db, teamId, (tx) => tx.delete(reminders).where(eq(reminders.bookingId, bookingId)));
}
