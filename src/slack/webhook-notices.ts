import { WebClient } from '@slack/web-api';
import type { AppDeps } from '../app.js';
import type { WebhookEndpoint } from '../webhooks/endpoints.js';
import { endpointDisabledMessage } from './blocks/webhooks.js';
import { webClientOptions } from './index.js';

/**
 * Tells an endpoint's owner (its Slack creator, or the member an API client named) by direct
 * message that it was disabled. Undefined when Slack is not configured: then the endpoint's state
 * and reason are in the API and the log only.
 */
export function endpointDisabledNotifier(deps: Pick<AppDeps, 'config'>): ((endpoint: WebhookEndpoint) => Promise<void>) | undefined {
  const botToken = deps.config.slack.botToken;
  if (!botToken) return undefined;
  const client = new WebClient(botToken, webClientOptions(deps));
  return async (endpoint) => {
    if (!endpoint.notifySlackUserId) {
      console.warn(`Webhooks: endpoint ${endpoint.id} was disabled; it names nobody in Slack to tell (created by ${endpoint.createdBy.kind} ${endpoint.createdBy.id})`);
      return;
    }
    await client.chat.postMessage({ channel: endpoint.notifySlackUserId, ...endpointDisabledMessage(endpoint), unfurl_links: false });
  };
}
