import type { WebClient } from '@slack/web-api';
import { and, eq, inArray, isNull } from 'drizzle-orm';
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
 * link (chat.scheduleMessage). Each is claimed by a row (booking, person) before Slack is asked,
 * so however often this runs, from however many processes, a reminder is scheduled once; the ids
 * are kept so a cancel or move can delete them. A meeting that starts sooner than the reminder
 * would go out gets none: the booking message has the link.
 */
export async function scheduleReminders(ctx: SlackContext, client: WebClient, booking: Booking): Promise<number> {
  const postAt = new Date(booking.startsAt.getTime() - REMINDER_MINUTES_BEFORE * 60_000);
  const now = ctx.now();
  if (booking.status !== 'confirmed') return 0;
  if (postAt.getTime() <= now.getTime() + 60_000 || postAt.getTime() - now.getTime() > MAX_SCHEDULE_AHEAD_MS) return 0;
  const claimed = await withTeam(ctx.db, booking.teamId, (tx) =>
    tx
      .insert(reminders)
      .values(memberIds(booking).map((userId) => ({ teamId: booking.teamId, bookingId: booking.id, slackUserId: userId, channelId: userId, postAt })))
      .onConflictDoNothing()
      .returning({ id: reminders.id, userId: reminders.slackUserId }),
  );
  const scheduled = await Promise.all(
    claimed.map(async ({ id, userId }) => {
      const message = personalMeetingMessage({
        booking,
        joinUrl: await joinUrl(ctx.config, { teamId: booking.teamId, bookingId: booking.id, participant: userId }),
        calendarUrl: calendarUrl(ctx.config, booking.teamId, booking.id, userId),
        lead: `:alarm_clock: Starting in ${REMINDER_MINUTES_BEFORE} minutes:`,
      });
      try {
        const result = await client.chat.scheduleMessage({ channel: userId, post_at: Math.floor(postAt.getTime() / 1000), ...message });
        await withTeam(ctx.db, booking.teamId, (tx) =>
          tx.update(reminders).set({ channelId: String(result.channel ?? userId), scheduledMessageId: String(result.scheduled_message_id) }).where(eq(reminders.id, id)),
        );
        return true;
      } catch (error) {
        // Give the claim back, so a later delivery of the event can try again.
        await withTeam(ctx.db, booking.teamId, (tx) => tx.delete(reminders).where(and(eq(reminders.id, id), isNull(reminders.scheduledMessageId))));
        ctx.log.warn(`Slack: reminder for ${userId} about booking ${booking.id} not scheduled (${slackErrorCode(error) ?? error})`);
        return false;
      }
    }),
  );
  return scheduled.filter(Boolean).length;
}

/**
 * Deletes a booking's scheduled reminders from Slack and from the table. A reminder Slack would
 * not delete (other than one already sent or gone) stays recorded and the call throws, so the
 * event is delivered again and the deletion retried.
 */
export async function removeReminders(ctx: SlackContext, client: WebClient, teamId: string, bookingId: string): Promise<void> {
  const rows = await withTeam(ctx.db, teamId, (tx) => tx.select().from(reminders).where(eq(reminders.bookingId, bookingId)));
  const failures: string[] = [];
  const removed = await Promise.all(
    rows.map(async (row) => {
      if (!row.scheduledMessageId) return row.id;
      try {
        await client.chat.deleteScheduledMessage({ channel: row.channelId, scheduled_message_id: row.scheduledMessageId });
      } catch (error) {
        const code = slackErrorCode(error);
        // Already sent or already gone: nothing left to delete.
        if (code !== 'invalid_scheduled_message_id') {
          failures.push(`${row.scheduledMessageId}: ${code ?? error}`);
          return undefined;
        }
      }
      return row.id;
    }),
  );
  const ids = removed.filter((id): id is string => id !== undefined);
  if (ids.length) await withTeam(ctx.db, teamId, (tx) => tx.delete(reminders).where(inArray(reminders.id, ids)));
  if (failures.length) throw new Error(`Slack: reminders not deleted (${failures.join('; ')})`);
}
