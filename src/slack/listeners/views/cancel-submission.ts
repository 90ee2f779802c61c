import type { App, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import { cancelBooking, getBooking, memberIds } from '../../../bookings/index.js';
import { CANCEL_CALLBACK, CancelIds } from '../../blocks/cancel-modal.js';
import type { SlackContext } from '../../context.js';
import { decodeMetadata } from '../../view-state.js';

const metadataSchema = z.object({ b: z.uuid() });

/** Confirmed cancellation: the booking is cancelled; the booking.cancelled event updates Slack. */
export function registerCancelSubmission(app: App, ctx: SlackContext): void {
  app.view<ViewSubmitAction>(CANCEL_CALLBACK, async ({ ack, body, view, client }) => {
    const teamId = body.team?.id ?? body.user.team_id!;
    const userId = body.user.id;
    const { b: bookingId } = decodeMetadata(metadataSchema, view.private_metadata);
    const reason = (view.state.values[CancelIds.reasonBlock]?.[CancelIds.reasonAction]?.value ?? '').trim().slice(0, 500);
    const current = await getBooking(ctx.db, teamId, bookingId);
    if (!memberIds(current).includes(userId)) {
      await ack({ response_action: 'errors', errors: { [CancelIds.reasonBlock]: 'Only the people in this meeting can cancel it.' } });
      return;
    }
    await cancelBooking(ctx.db, teamId, { bookingId, actorId: userId, reason: reason || undefined }, { now: ctx.now() });
    // The message, reminders and the others' notices follow from the booking.cancelled event.
    await ack();
  });
}
