import { createHash } from 'node:crypto';
import type { App, ViewSubmitAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import {
  BookingError,
  NotFoundError,
  OutsideAvailabilityError,
  PastTimeError,
  SlotTakenError,
  createBooking,
  memberIds,
  rescheduleBooking,
  type Booking,
} from '../../../bookings/index.js';
import { BOOKING_CALLBACK, BookingIds } from '../../blocks/booking-modal.js';
import { slackDate } from '../../blocks/format.js';
import { loadBookingForm } from '../../booking-form.js';
import { situationOf, type FormSituation, type OpenFormView } from '../../booking-form-state.js';
import type { SlackContext } from '../../context.js';
import { publishMeeting, refreshMeetingMessage, sendPersonalLinks } from '../../meeting-posts.js';
import { removeReminders, scheduleReminders } from '../../reminders.js';
import { slackErrorCode } from '../../slack-errors.js';
import { tell } from '../../tell.js';
import { FormStateError } from '../../view-state.js';

/**
 * Submitting the booking modal books (or moves) through the booking service. The idempotency key
 * is the view and what was asked, so Slack re-sending it or a double click replays the first
 * booking instead of making a second one. A slot taken meanwhile comes back as an error on the
 * slot field, and the list is redrawn with the times still free.
 */
export function registerBookingSubmission(app: App, ctx: SlackContext): void {
  app.view<ViewSubmitAction>(BOOKING_CALLBACK, async ({ ack, body, view, client }) => {
    const teamId = body.team?.id ?? body.user.team_id!;
    const userId = body.user.id;
    let situation: FormSituation;
    try {
      situation = await situationOf(ctx, teamId, userId, view as unknown as OpenFormView);
    } catch (error) {
      if (!(error instanceof FormStateError)) throw error;
      await ack({ response_action: 'errors', errors: error.errors });
      return;
    }
    const { state, metadata, moving } = situation;
    const slotBlock = state.slotBlockId ?? BookingIds.dayBlock;
    if (!state.start) {
      await ack({ response_action: 'errors', errors: { [slotBlock]: 'Pick a free time (or another day).' } });
      return;
    }
    if (moving && !memberIds(moving).includes(userId)) {
      await ack({ response_action: 'errors', errors: { [slotBlock]: 'Only the people in this meeting can move it.' } });
      return;
    }
    let booking: Booking;
    let replayed: boolean;
    try {
      if (moving) {
        const result = await rescheduleBooking(ctx.db, teamId, { bookingId: moving.id, start: state.start, actorId: userId, idempotencyKey: keyOf(view.id, [moving.id, state.start]) }, { now: ctx.now() });
        booking = result.booking;
        replayed = result.replayed;
      } else {
        const people = await ctx.people.see(client, teamId, [userId, ...state.peopleIds]);
        const hostIds = people.filter((p) => !p.isBot && !p.deleted && p.id !== userId).map((p) => p.id);
        const request = {
          meetingTypeId: state.typeId ?? '',
          organizerId: userId,
          hostIds,
          start: state.start,
          title: state.title,
          notes: state.notes,
          source: 'slack' as const,
          slackChannelId: metadata.c,
        };
        const input = { ...request, idempotencyKey: keyOf(view.id, [request.meetingTypeId, hostIds.join(','), request.start, request.title ?? '', request.notes ?? '']) };
        const result = await createBooking(ctx.db, teamId, input, { now: ctx.now() });
        booking = result.booking;
        replayed = result.replayed;
      }
    } catch (error) {
      await refuse(ctx, client, ack, error, situation, slotBlock, view as unknown as OpenFormView);
      return;
    }
    await ack();
    if (replayed) return;
    if (moving) await afterMove(ctx, client, moving, booking, userId);
    else await afterBooking(ctx, client, booking, metadata.c);
  });
}

function keyOf(viewId: string, parts: string[]): string {
  return `slack:${viewId}:${createHash('sha256').update(parts.join('\u0000')).digest('base64url').slice(0, 22)}`;
}

async function afterBooking(ctx: SlackContext, client: WebClient, booking: Booking, channelId: string | undefined): Promise<void> {
  try {
    await publishMeeting(ctx, client, booking, channelId);
  } catch (error) {
    // Booked, but Slack would not take the message: say so rather than fail silently.
    ctx.log.error(`Slack: booking ${booking.id} made but its message could not be posted`, error);
    await tell(ctx, client, { user: booking.organizerId }, `Your meeting *${booking.title}* is booked, but I could not post it (${slackErrorCode(error) ?? 'Slack did not answer'}). It is in \`/meet list\` and on my Home tab.`).catch(() => {});
  }
  await scheduleReminders(ctx, client, booking);
}

/** The message follows the meeting (the new booking kept its channel and ts), and so do the links and reminders. */
async function afterMove(ctx: SlackContext, client: WebClient, previous: Booking, booking: Booking, userId: string): Promise<void> {
  await refreshMeetingMessage(ctx, client, booking, { room: null, movedFrom: { startsAt: previous.startsAt, by: userId } });
  await removeReminders(ctx, client, booking.teamId, previous.id);
  await sendPersonalLinks(ctx, client, booking, `:arrows_counterclockwise: Moved by <@${userId}> (was ${slackDate(previous.startsAt, '{date_short_pretty} {time}')}):`);
  await scheduleReminders(ctx, client, booking);
}

type Ack = (response?: any) => Promise<void>;

async function refuse(ctx: SlackContext, client: WebClient, ack: Ack, error: unknown, situation: FormSituation, slotBlock: string, view: OpenFormView): Promise<void> {
  const slotLost = error instanceof SlotTakenError || error instanceof OutsideAvailabilityError || error instanceof PastTimeError;
  if (error instanceof NotFoundError && error.entity === 'person') {
    await ack({ response_action: 'errors', errors: { [BookingIds.peopleBlock]: `${error.id} is not someone I can book. Remove them and try again.` } });
    return;
  }
  if (!slotLost) {
    const message = error instanceof BookingError ? error.message : 'Something went wrong while booking. Please try again.';
    if (!(error instanceof BookingError)) ctx.log.error('Slack: booking from the modal failed', error);
    await ack({ response_action: 'errors', errors: { [slotBlock]: message.slice(0, 1900) } });
    return;
  }
  const reason = error instanceof SlotTakenError ? 'That time was just taken.' : error instanceof PastTimeError ? 'That time has passed.' : 'That time is no longer free.';
  await ack({ response_action: 'errors', errors: { [slotBlock]: `${reason} Pick another: the list now shows the times still free.` } });
  // Redraw with fresh slots. The block id names the day, type and people, so it stays the same and the error stays on it.
  const form = await loadBookingForm(ctx, client, { ...situation.request, selectedStart: undefined, slotHint: `${reason} These are the times still free.` });
  try {
    await client.views.update({ view_id: view.id, hash: view.hash, view: form.view });
  } catch (updateError) {
    ctx.log.warn(`Slack: could not refresh the slots after a taken slot (${slackErrorCode(updateError) ?? updateError})`);
  }
}
