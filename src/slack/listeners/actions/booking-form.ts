import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { BookingIds } from '../../blocks/booking-modal.js';
import { loadBookingForm } from '../../booking-form.js';
import { situationOf, type OpenFormView } from '../../booking-form-state.js';
import type { SlackContext } from '../../context.js';
import { redrawWhenCalendarsAnswer } from '../../open-booking.js';
import { slackErrorCode } from '../../slack-errors.js';

const CHANGES = new RegExp(`^(${BookingIds.typeAction}|${BookingIds.peopleAction}|${BookingIds.dayAction}|${BookingIds.nextDayAction})$`);

/** A changed type, people or day redraws the slot list in place (views.update with the view's hash). */
export function registerBookingFormActions(app: App, ctx: SlackContext): void {
  app.action<BlockAction>({ action_id: CHANGES }, async ({ ack, body, action, client }) => {
    await ack();
    const view = body.view as unknown as OpenFormView;
    const teamId = body.team?.id ?? body.user.team_id!;
    const { request } = await situationOf(ctx, teamId, body.user.id, view);
    if (action.action_id === BookingIds.nextDayAction) request.day = (action as ButtonAction).value;
    // A changed type or people set changes the slots; the chosen time no longer applies.
    request.selectedStart = undefined;
    const form = await loadBookingForm(ctx, client, request);
    try {
      const updated = await client.views.update({ view_id: view.id, hash: view.hash, view: form.view });
      redrawWhenCalendarsAnswer(ctx, client, form, request, updated.view);
    } catch (error) {
      // hash_conflict: the person changed something else meanwhile, and that change redraws the view.
      if (slackErrorCode(error) !== 'hash_conflict') throw error;
    }
  });
  // Picking a slot needs no answer beyond the acknowledgement.
  app.action({ action_id: BookingIds.slotAction, type: 'block_actions' }, async ({ ack }) => {
    await ack();
  });
}
