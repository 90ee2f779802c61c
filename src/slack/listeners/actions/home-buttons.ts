import type { App, BlockAction } from '@slack/bolt';
import { openAvailabilityModal } from '../../availability-form.js';
import type { SlackContext } from '../../context.js';
import { HomeActions } from '../../home.js';
import { openBookingModal } from '../../open-booking.js';

export function registerHomeButtons(app: App, ctx: SlackContext): void {
  app.action<BlockAction>(HomeActions.editAvailability, async ({ ack, body, client }) => {
    await ack();
    await openAvailabilityModal(ctx, client, { teamId: body.team?.id ?? body.user.team_id!, userId: body.user.id, triggerId: body.trigger_id });
  });
  app.action<BlockAction>(HomeActions.book, async ({ ack, body, client }) => {
    await ack();
    await openBookingModal(ctx, client, { teamId: body.team?.id ?? body.user.team_id!, userId: body.user.id, triggerId: body.trigger_id });
  });
}
