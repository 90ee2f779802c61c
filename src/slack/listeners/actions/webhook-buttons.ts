import type { App, BlockAction, ButtonAction, OverflowAction } from '@slack/bolt';
import { WebhookActions } from '../../blocks/webhooks.js';
import type { SlackContext } from '../../context.js';
import { openWebhookForm, runEndpointMenu } from '../../webhook-form.js';

/** The App Home's webhooks: "Add webhook endpoint", and each endpoint's menu. */
export function registerWebhookButtons(app: App, ctx: SlackContext): void {
  app.action<BlockAction<ButtonAction>>(WebhookActions.add, async ({ ack, body, client }) => {
    await ack();
    await openWebhookForm(ctx, client, { teamId: body.team?.id ?? body.user.team_id!, userId: body.user.id, triggerId: body.trigger_id });
  });
  app.action<BlockAction<OverflowAction>>(WebhookActions.menu, async ({ ack, body, action, client }) => {
    await ack();
    await runEndpointMenu(ctx, client, body.team?.id ?? body.user.team_id!, body.user.id, action.selected_option.value);
  });
}
