import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import { BookingLinkActions } from '../../blocks/booking-link-modal.js';
import { bookingLinksMessage, openBookingLinkModal, toggleBookingLink } from '../../booking-link-form.js';
import type { SlackContext } from '../../context.js';
import { HomeActions, publishHome } from '../../home.js';

/** Turning a booking link off or on (Home tab, `/meet links`), and the Home tab's "New booking link". */
export function registerBookingLinkButtons(app: App, ctx: SlackContext): void {
  app.action<BlockAction<ButtonAction>>(BookingLinkActions.toggle, async ({ ack, body, action, client, respond }) => {
    await ack();
    const teamId = body.team?.id ?? body.user.team_id!;
    const said = await toggleBookingLink(ctx, teamId, body.user.id, action.value ?? '');
    if (body.container?.type === 'view') {
      await publishHome(ctx, client, teamId, body.user.id);
      await client.chat.postMessage({ channel: body.user.id, text: said });
      return;
    }
    const list = await bookingLinksMessage(ctx, teamId, body.user.id);
    await respond({ replace_original: true, text: said, blocks: [{ type: 'context', block_id: 'links_said', elements: [{ type: 'mrkdwn', text: said }] }, ...list.blocks] });
  });
  app.action<BlockAction>(HomeActions.newLink, async ({ ack, body, client }) => {
    await ack();
    await openBookingLinkModal(ctx, client, { teamId: body.team?.id ?? body.user.team_id!, userId: body.user.id, triggerId: body.trigger_id });
  });
}
