import type { App } from '@slack/bolt';
import { helpMessage } from '../../blocks/help.js';
import { parseMeetCommand } from '../../command-text.js';
import type { SlackContext } from '../../context.js';
import { openAvailabilityModal } from '../../availability-form.js';
import { upcomingMeetingsMessage } from '../../upcoming.js';
import { openBookingModal } from '../../open-booking.js';
import { bookingLinksMessage, openBookingLinkModal } from '../../booking-link-form.js';

/** `/meet`: the booking modal, or `help`, `list`, `availability`, `link` (publish a booking page), `links`. */
export function registerMeetCommand(app: App, ctx: SlackContext): void {
  app.command('/meet', async ({ command, ack, client }) => {
    const parsed = parseMeetCommand(command.text ?? '');
    if (parsed.kind === 'help') {
      await ack({ response_type: 'ephemeral', ...helpMessage(command.command) });
      return;
    }
    if (parsed.kind === 'list') {
      await ack({ response_type: 'ephemeral', ...(await upcomingMeetingsMessage(ctx, command.team_id, command.user_id)) });
      return;
    }
    if (parsed.kind === 'links') {
      await ack({ response_type: 'ephemeral', ...(await bookingLinksMessage(ctx, command.team_id, command.user_id)) });
      return;
    }
    await ack();
    if (parsed.kind === 'link') {
      await openBookingLinkModal(ctx, client, { teamId: command.team_id, userId: command.user_id, triggerId: command.trigger_id, channelId: command.channel_id });
      return;
    }
    if (parsed.kind === 'availability') {
      await openAvailabilityModal(ctx, client, { teamId: command.team_id, userId: command.user_id, triggerId: command.trigger_id, channelId: command.channel_id });
      return;
    }
    await openBookingModal(ctx, client, {
      teamId: command.team_id,
      userId: command.user_id,
      triggerId: command.trigger_id,
      channelId: command.channel_id,
      peopleIds: parsed.peopleIds,
      durationMinutes: parsed.durationMinutes,
      unknown: parsed.unknown,
    });
  });
}

