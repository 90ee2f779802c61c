import type { App } from '@slack/bolt';
import type { SlackContext } from '../../context.js';
import { publishHome } from '../../home.js';

export function registerAppHomeOpened(app: App, ctx: SlackContext): void {
  app.event('app_home_opened', async ({ event, body, client }) => {
    if (event.tab !== 'home') return;
    const teamId = (body as any).team_id ?? (body as any).authorizations?.[0]?.team_id;
    await publishHome(ctx, client, teamId, event.user);
  });
}
