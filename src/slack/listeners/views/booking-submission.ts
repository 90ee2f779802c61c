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
} from '../../../bookings/index.js';
import { DatabaseBusyError } from '../../../db/errors.js';
import { BOOKING_CALLBACK, BookingIds } from '../../blocks/booking-modal.js';
import { loadBookingForm } from '../../booking-form.js';
import { situationOf, type FormSituation, type OpenFormView } from '../../booking-form-state.js';
import type { SlackContext } from '../../context.js';
import { slackErrorCode } from '../../slack-errors.js';
import { FormStateError } from '../../view-state.js';

/**
 * Submitting the booking modal books (or moves) through the booking service. The idempotency key
 * is the view and what was asked, so Slack re-sending it or a double click replays the first
 * booking instead of making a second one. A slot taken meanwhile comes back as an error on the
 * slot field, and the list is redrawn with the times still free. What Slack then shows (the
 * meeting message, links, reminders) follows from the booking event, as for any other surface.
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
    try {
      if (moving) {
        await rescheduleBooking(ctx.db, teamId, { bookingId: moving.id, start: state.start, actorId: userId, idempotencyKey: keyOf(view.id, [moving.id, state.start]) }, { now: ctx.now(), calendars: ctx.calendars });
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
        await createBooking(ctx.db, teamId, input, { now: ctx.now(), calendars: ctx.calendars });
      }
    } catch (error) {
      await refuse(ctx, client, ack, error, situation, slotBlock, view as unknown as OpenFormView);
      return;
    }
    await ack();
  });
}

function keyOf(viewId: string, parts: string[]): string {
  return `slack:${viewId}:${createHash('sha256').update(parts.join('\u0000')).digest('base64url').slice(0, 22)}`;
}

type Ack = (response?: any) => Promise<void>;

async function refuse(ctx: SlackContext, client: WebClient, ack: Ack, error: unknown, situation: FormSituation, slotBlock: string, view: OpenFormView): Promise<void> {
  const slotLost = error instanceof SlotTakenError || error instanceof OutsideAvailabilityError || error instanceof PastTimeError;
  if (error instanceof NotFoundError && error.entity === 'person') {
    await ack({ response_action: 'errors', errors: { [BookingIds.peopleBlock]: `${error.id} is not someone I can book. Remove them and try again.` } });
    return;
  }
  if (error instanceof DatabaseBusyError) {
    await ack({ response_action: 'errors', errors: { [slotBlock]: 'Many changes are being made for these people right now. Please press Book again in a moment.' } });
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
