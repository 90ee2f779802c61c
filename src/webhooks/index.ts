import type { AppDeps } from '../app.js';
import type { DatabaseHandle } from '../db/client.js';
import { endpointDisabledNotifier } from '../slack/webhook-notices.js';
import { WebhookSender, type WebhookSenderOptions } from './sender.js';

/** Starts sending webhook deliveries (every process may run one); an endpoint disabled for failing is told to its owner in Slack. */
export async function startWebhookSender(deps: AppDeps, database: Pick<DatabaseHandle, 'listen'>, options: WebhookSenderOptions = {}): Promise<WebhookSender> {
  const sender = new WebhookSender(deps.db, { listen: database.listen, onDisabled: endpointDisabledNotifier(deps), ...options });
  await sender.start();
  return sender;
}

export { WebhookSender, DEFAULT_RETRY_SCHEDULE_MS } from './sender.js';
export type { WebhookSenderOptions } from './sender.js';
