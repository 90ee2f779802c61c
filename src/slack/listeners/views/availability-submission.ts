import type { App, ViewSubmitAction } from '@slack/bolt';
import { saveAvailability } from '../../availability-form.js';
import { AVAILABILITY_CALLBACK } from '../../blocks/availability-modal.js';
import type { SlackContext } from '../../context.js';
import { publishHome } from '../../home.js';

/** Saves weekly hours, time zone, days off and the daily limit; a mistake comes back on its field. */
export function registerAvailabilitySubmission(app: App, ctx: SlackContext): void {
  app.view<ViewSubmitAction>(AVAILABILITY_CALLBACK, async ({ ack, body, view, client }) => {
    const teamId = body.team?.id ?? body.user.team_id!;
    const errors = await saveAvailability(ctx, teamId, body.user.id, view.state.values as any);
    if (errors) {
      await ack({ response_action: 'errors', errors });
      return;
    }
    await ack();
    await publishHome(ctx, client, teamId, body.user.id);
  });
}
