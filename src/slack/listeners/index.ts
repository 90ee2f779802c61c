import type { App } from '@slack/bolt';
import type { SlackContext } from '../context.js';
import { registerBookingFormActions } from './actions/booking-form.js';
import { registerBookingLinkButtons } from './actions/booking-links.js';
import { registerCalendarButtons } from './actions/calendar-buttons.js';
import { registerHomeButtons } from './actions/home-buttons.js';
import { registerMeetingButtons } from './actions/meeting-buttons.js';
import { registerWebhookButtons } from './actions/webhook-buttons.js';
import { registerMeetCommand } from './commands/meet.js';
import { registerAppHomeOpened } from './events/app-home-opened.js';
import { registerSlotOptions } from './options/slot-options.js';
import { registerAvailabilitySubmission } from './views/availability-submission.js';
import { registerBookingLinkSubmission } from './views/booking-link-submission.js';
import { registerBookingSubmission } from './views/booking-submission.js';
import { registerCalendarConnectSubmission } from './views/calendar-connect-submission.js';
import { registerCancelSubmission } from './views/cancel-submission.js';
import { registerWebhookSubmission } from './views/webhook-submission.js';

/** Every listener, registered by kind as in Slack's Bolt samples. */
export function registerListeners(app: App, ctx: SlackContext): void {
  registerMeetCommand(app, ctx);
  registerBookingFormActions(app, ctx);
  registerMeetingButtons(app, ctx);
  registerHomeButtons(app, ctx);
  registerBookingLinkButtons(app, ctx);
  registerCalendarButtons(app, ctx);
  registerWebhookButtons(app, ctx);
  registerSlotOptions(app, ctx);
  registerBookingSubmission(app, ctx);
  registerCancelSubmission(app, ctx);
  registerAvailabilitySubmission(app, ctx);
  registerBookingLinkSubmission(app, ctx);
  registerCalendarConnectSubmission(app, ctx);
  registerWebhookSubmission(app, ctx);
  registerAppHomeOpened(app, ctx);
}
