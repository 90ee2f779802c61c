import type { App, ViewSubmitAction } from '@slack/bolt';
import { WEBHOOK_FORM_CALLBACK, webhookCreatedModal } from '../../blocks/webhooks.js';
import type { SlackContext } from '../../context.js';
import { publishHome } from '../../home.js';
import { addEndpointFromForm } from '../../webhook-form.js';

/** A new endpoint from the App Home form: mistakes come back on their field; the secret is shown once, in the modal. */
export function registerWebhookSubmission(app: App, ctx: SlackContext): void {
  app.view<ViewSubmitAction>(WEBHOOK_FORM_CALLBACK, async ({ ack, body, view, client }) => {
    const teamId = body.team?.id ?? body.user.team_id!;
    const result = await addEndpointFromForm(ctx, client, teamId, body.user.id, view.state.values as never);
    if ('errors' in result) {
      await ack({ response_action: 'errors', errors: result.errors });
      return;
    }
    await ack({ response_action: 'update', view: webhookCreatedModal(result.created.endpoint, result.created.secret) });
    await publishHome(ctx, client, teamId, body.user.id);
  });
}
