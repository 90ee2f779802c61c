import { WebClient } from '@slack/web-api';
import type { AppDeps } from '../../app.js';
import { slackContext } from '../../slack/context.js';
import { webClientOptions } from '../../slack/web-client.js';
import { announceBooked, announceCancelled, announceMoved, showCallState } from '../../slack/meeting-sync.js';
import type { EventHandler } from '../dispatcher.js';
import { EVENT_KINDS, type BookingRescheduledPayload } from '../outbox.js';

/** Keeps Slack in step with every change: the meeting message, direct messages, reminders. */
export function slackEventHandler(deps: AppDeps): EventHandler | undefined {
  const botToken = deps.config.slack.botToken;
  if (!botToken) return undefined;
  const client = new WebClient(botToken, webClientOptions(deps));
  const ctx = slackContext(deps, client);
  return {
    name: 'slack',
    kinds: EVENT_KINDS,
    maxAttempts: 8,
    async handle(event, effects) {
      const change = { teamId: event.teamId, meetingId: event.meetingId, bookingId: event.bookingId, lastAttempt: event.lastAttempt };
      const once = effects.once.bind(effects);
      switch (event.kind) {
        case 'booking.created':
          return announceBooked(ctx, client, change, once);
        case 'booking.rescheduled':
          return announceMoved(ctx, client, change, event.payload as BookingRescheduledPayload, once);
        case 'booking.cancelled':
          return announceCancelled(ctx, client, change, once);
        case 'meeting.started':
        case 'meeting.ended':
          return showCallState(ctx, client, change);
      }
    },
  };
}
