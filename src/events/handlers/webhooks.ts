import type { AppDeps } from '../../app.js';
import { enqueueEventDeliveries } from '../../webhooks/deliveries.js';
import type { EventHandler } from '../dispatcher.js';
import { EVENT_KINDS } from '../outbox.js';

/**
 * Turns each booking event into one webhook delivery per subscribed endpoint (with the booking as
 * the API presents it). It only writes rows: the webhook sender posts them on each endpoint's own
 * retry schedule, so one slow endpoint never holds back the others or the meeting's next events.
 */
export function webhookEventHandler(deps: AppDeps): EventHandler {
  return {
    name: 'webhooks',
    kinds: EVENT_KINDS,
    async handle(event) {
      await enqueueEventDeliveries(deps, event);
    },
  };
}
