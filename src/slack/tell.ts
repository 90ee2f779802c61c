import type { WebClient } from '@slack/web-api';
import type { SlackContext } from './context.js';
import { slackErrorCode } from './slack-errors.js';

/**
 * Says something to one person: ephemerally in the channel they are in, or, where the bot cannot
 * post there (a DM between people, a private channel it is not in), by direct message.
 */
export async function tell(ctx: SlackContext, client: WebClient, to: { user: string; channel?: string }, text: string, blocks?: unknown[]): Promise<void> {
  if (to.channel) {
    try {
      await client.chat.postEphemeral({ channel: to.channel, user: to.user, text, ...(blocks ? { blocks: blocks as any } : {}) });
      return;
    } catch (error) {
      ctx.log.info(`Slack: ephemeral message in ${to.channel} failed (${slackErrorCode(error) ?? error}); sending a direct message`);
    }
  }
  await client.chat.postMessage({ channel: to.user, text, ...(blocks ? { blocks: blocks as any } : {}) });
}
