import type { App, ViewSubmitAction } from '@slack/bolt';
import { BOOKING_LINK_CALLBACK } from '../../blocks/booking-link-modal.js';
import { bookingLinkMetadataSchema, decodeMetadata, publishedText, saveBookingLink } from '../../booking-link-form.js';
import type { SlackContext } from '../../context.js';
import { publishHome } from '../../home.js';
import { tell } from '../../tell.js';

/** Publishes a booking link; a mistake comes back on its field, the link's address to whoever made it. */
export function registerBookingLinkSubmission(app: App, ctx: SlackContext): void {
  app.view<ViewSubmitAction>(BOOKING_LINK_CALLBACK, async ({ ack, body, view, client }) => {
    const teamId = body.team?.id ?? body.user.team_id!;
    const saved = await saveBookingLink(ctx, client, teamId, body.user.id, view.state.values as any);
    if ('errors' in saved) {
      await ack({ response_action: 'errors', errors: saved.errors });
      return;
    }
    await ack();
    const metadata = (() => {
      try {
        return decodeMetadata(bookingLinkMetadataSchema, view.private_metadata);
      } catch {
        return {};
      }
    })();
    await tell(ctx, client, { user: body.user.id, channel: metadata.c }, publishedText(ctx, teamId, saved.link));
    await publishHome(ctx, client, teamId, body.user.id).catch((error) => ctx.log.warn('Slack: could not refresh the Home tab', error));
  });
}
