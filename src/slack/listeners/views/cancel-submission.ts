import type { App, ViewSubmitAction } from '@slack/bolt';
import { z } from 'zod';
import { NotFoundError, cancelBooking, getBooking, memberIds } from '../../../bookings/index.js';
import { text } from '../../../core/input.js';
import { CANCEL_CALLBACK, CancelIds } from '../../blocks/cancel-modal.js';
import type { SlackContext } from '../../context.js';
import { decodeMetadata } from '../../view-state.js';

const metadataSchema = z.object({ b: z.uuid() });
const reasonSchema = text().trim();

/** Confirmed cancellation: the booking is cancelled; the booking.cancelled event updates Slack. */
export function registerCancelSubmission(app: App, ctx: SlackContext): void {
  app.view<ViewSubmitAction>(CANCEL_CALLBACK, async ({ ack, body, view, client }) => {
    const teamId = body.team?.id ?? body.user.team_id!;
    const userId = body.user.id;
    const refuse = (message: string) => ack({ response_action: 'errors', errors: { [CancelIds.reasonBlock]: message } });
    let bookingId: string;
    try {
      bookingId = decodeMetadata(metadataSchema, view.private_metadata).b;
    } catch (error) {
      await refuse((error as Error).message);
      return;
    }
    const reasonText = reasonSchema.safeParse(view.state.values[CancelIds.reasonBlock]?.[CancelIds.reasonAction]?.value ?? '');
    if (!reasonText.success) {
      await refuse(`Reason: ${reasonText.error.issues[0]!.message}`);
      return;
    }
    const reason = reasonText.data.slice(0, 500);
    const current = await getBooking(ctx.db, teamId, bookingId).catch((error) => {
      if (error instanceof NotFoundError) return null;
      throw error;
    });
    if (!current) {
      await refuse('This meeting no longer exists.');
      return;
    }
    if (!memberIds(current).includes(userId)) {
      await refuse('Only the people in this meeting can cancel it.');
      return;
    }
    await cancelBooking(ctx.db, teamId, { bookingId, actorId: userId, reason: reason || undefined }, { now: ctx.now() });
    // The message, reminders and the others' notices follow from the booking.cancelled event.
    await ack();
  });
}
