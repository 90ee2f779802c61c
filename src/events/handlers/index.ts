import type { AppDeps } from '../../app.js';
import type { EventHandler } from '../dispatcher.js';
import { emailEventHandler } from './email.js';
import { calendarsEventHandler } from './calendars.js';
import { slackEventHandler } from './slack.js';
import { videoEventHandler } from './video.js';
import { webhookEventHandler } from './webhooks.js';

/** Every consumer of booking events, registered in one list as Bolt listeners are. */
export function eventHandlers(deps: AppDeps): EventHandler[] {
  return [slackEventHandler(deps), videoEventHandler(deps), emailEventHandler(deps), calendarsEventHandler(deps), webhookEventHandler(deps)].filter(
    (h): h is EventHandler => h !== undefined,
  );
}
