import type { WebClient } from '@slack/web-api';
import { createEndpoint, createEndpointSchema, getEndpoint, updateEndpoint, type CreatedEndpoint } from '../webhooks/endpoints.js';
import { WebhookSender } from '../webhooks/sender.js';
import { testResultText, webhookFormModal, type WebhookMenuChoice } from './blocks/webhooks.js';
import type { SlackContext } from './context.js';
import { publishHome } from './home.js';
import { slackErrorCode } from './slack-errors.js';
import { tell } from './tell.js';

/**
 * The App Home's webhooks: adding an endpoint (a modal), and each endpoint's menu (send a test
 * message, disable, enable). Workspace admins only, checked on every action, not just by what the
 * tab shows.
 */

const NOT_ADMIN = 'Only workspace admins can manage webhooks.';

export async function isWorkspaceAdmin(ctx: SlackContext, client: WebClient, teamId: string, userId: string): Promise<boolean> {
  return (await ctx.people.one(client, teamId, userId)).isAdmin;
}

export async function openWebhookForm(ctx: SlackContext, client: WebClient, at: { teamId: string; userId: string; triggerId: string }): Promise<void> {
  if (!(await isWorkspaceAdmin(ctx, client, at.teamId, at.userId))) {
    await tell(ctx, client, { user: at.userId }, NOT_ADMIN);
    return;
  }
  try {
    await client.views.open({ trigger_id: at.triggerId, view: webhookFormModal() });
  } catch (error) {
    await tell(ctx, client, { user: at.userId }, `The form could not be opened (${slackErrorCode(error) ?? 'no answer from Slack'}).`);
  }
}

type ViewValues = Record<string, Record<string, { value?: string | null; selected_options?: { value: string }[] }>>;

/** The form's fields, validated as the API validates them; a mistake comes back on its block. */
export async function addEndpointFromForm(
  ctx: SlackContext,
  client: WebClient,
  teamId: string,
  userId: string,
  values: ViewValues,
): Promise<{ errors: Record<string, string> } | { created: CreatedEndpoint }> {
  if (!(await isWorkspaceAdmin(ctx, client, teamId, userId))) return { errors: { url: NOT_ADMIN } };
  const input = {
    url: values.url?.url?.value?.trim() ?? '',
    description: values.description?.description?.value?.trim() || undefined,
    eventTypes: (values.events?.events?.selected_options ?? []).map((o) => o.value),
  };
  const parsed = createEndpointSchema.safeParse(input);
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      const block = issue.path[0] === 'eventTypes' ? 'events' : issue.path[0] === 'description' ? 'description' : 'url';
      errors[block] ??= issue.message.replace(/^./, (c) => c.toUpperCase());
    }
    return { errors };
  }
  try {
    return { created: await createEndpoint(ctx.db, teamId, parsed.data, { kind: 'slack', id: userId }) };
  } catch (error) {
    return { errors: { url: (error as Error).message } };
  }
}

/** One choice from an endpoint's menu, then the tab redrawn. */
export async function runEndpointMenu(ctx: SlackContext, client: WebClient, teamId: string, userId: string, value: string): Promise<void> {
  if (!(await isWorkspaceAdmin(ctx, client, teamId, userId))) {
    await tell(ctx, client, { user: userId }, NOT_ADMIN);
    return;
  }
  const [choice, endpointId] = value.split(':') as [WebhookMenuChoice, string];
  try {
    if (choice === 'test') {
      const result = await new WebhookSender(ctx.db).sendTest(teamId, endpointId);
      if (!result) throw new Error('That endpoint no longer exists.');
      const { url } = await getEndpoint(ctx.db, teamId, endpointId);
      await tell(ctx, client, { user: userId }, testResultText(url, result.attempt));
    } else if (choice === 'disable' || choice === 'enable') {
      await updateEndpoint(ctx.db, teamId, endpointId, { enabled: choice === 'enable' }, ctx.now());
    }
  } catch (error) {
    await tell(ctx, client, { user: userId }, `That did not work: ${(error as Error).message}`);
  }
  await publishHome(ctx, client, teamId, userId);
}
