import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { NotFoundError, getBooking, memberIds, type Booking } from '../../../bookings/index.js';
import { loadingModal } from '../../blocks/booking-modal.js';
import { cancelModal } from '../../blocks/cancel-modal.js';
import { MeetingActions, notParticipantText } from '../../blocks/meeting-message.js';
import { LIMITS, plain } from '../../blocks/limits.js';
import { loadBookingForm } from '../../booking-form.js';
import { slackWhen } from '../../blocks/format.js';
import type { SlackContext } from '../../context.js';
import { loadLineage } from '../../../bookings/index.js';
import { slackErrorCode } from '../../slack-errors.js';
import { tell } from '../../tell.js';
import { encodeMetadata } from '../../view-state.js';
import { joinUrl } from '../../../video/links.js';

/** The buttons on a meeting message: join, reschedule, cancel. Each checks the clicker is in the meeting. */
export function registerMeetingButtons(app: App, ctx: SlackContext): void {
  app.action<BlockAction<ButtonAction>>(MeetingActions.join, async ({ ack, body, action, client }) => {
    await ack();
    const found = await meetingOf(ctx, client, body, action.value ?? '', 'join this call');
    if (!found) return;
    const { booking, teamId } = found;
    if (booking.status === 'cancelled') {
      await tell(ctx, client, { user: body.user.id, channel: body.channel?.id }, `*${booking.title}* was cancelled, so there is no call to join.`);
      return;
    }
    const url = await joinUrl(ctx.config, { teamId, bookingId: booking.id, participant: body.user.id });
    await tell(ctx, client, { user: body.user.id, channel: body.channel?.id }, `Your own link to join ${booking.title}`, [
      { type: 'section', block_id: 'join', text: { type: 'mrkdwn', text: `Your own link to *${booking.title.slice(0, 200)}*: it joins the call as you.` } },
      { type: 'actions', block_id: 'join_actions', elements: [{ type: 'button', action_id: MeetingActions.personalJoin, style: 'primary', url, text: plain('Join video call', LIMITS.buttonText) }] },
    ]);
  });

  app.action<BlockAction<ButtonAction>>(MeetingActions.cancel, async ({ ack, body, action, client }) => {
    await ack();
    const found = await meetingOf(ctx, client, body, action.value ?? '', 'cancel it');
    if (!found) return;
    const { booking } = found;
    if (booking.status === 'cancelled') {
      await tell(ctx, client, { user: body.user.id, channel: body.channel?.id }, 'This meeting is already cancelled.');
      return;
    }
    await openOrTell(ctx, client, body, cancelModal({ title: booking.title, startsAt: booking.startsAt, endsAt: booking.endsAt, privateMetadata: encodeMetadata({ b: booking.id }) }));
  });

  app.action<BlockAction<ButtonAction>>(MeetingActions.reschedule, async ({ ack, body, action, client }) => {
    await ack();
    const found = await meetingOf(ctx, client, body, action.value ?? '', 'move it');
    if (!found) return;
    const { booking, teamId } = found;
    if (booking.status === 'cancelled') {
      await tell(ctx, client, { user: body.user.id, channel: body.channel?.id }, 'This meeting is cancelled, so it cannot be moved.');
      return;
    }
    const privateMetadata = encodeMetadata({ r: booking.id });
    const opened = await openOrTell(ctx, client, body, loadingModal('reschedule', privateMetadata));
    if (!opened) return;
    const form = await loadBookingForm(ctx, client, {
      teamId,
      bookerId: body.user.id,
      mode: 'reschedule',
      privateMetadata,
      typeId: booking.meetingTypeId,
      peopleIds: memberIds(booking),
      moving: { title: booking.title, when: slackWhen(booking.startsAt, booking.endsAt) },
      excludeBookingId: booking.id,
    });
    await client.views.update({ view_id: opened.id, hash: opened.hash, view: form.view });
  });

  // Link buttons still send an action; it only needs acknowledging.
  app.action(new RegExp(`^(${MeetingActions.calendar}|${MeetingActions.personalJoin})`), async ({ ack }) => {
    await ack();
  });
}

/**
 * The meeting a button is about, as it stands now (a moved meeting's old button finds the new
 * booking), if the clicker is in it; anyone else is told politely whom to ask.
 */
async function meetingOf(ctx: SlackContext, client: WebClient, body: BlockAction, bookingId: string, doing: string): Promise<{ booking: Booking; teamId: string } | undefined> {
  const teamId = body.team?.id ?? body.user.team_id!;
  const to = { user: body.user.id, channel: body.channel?.id };
  let booking: Booking;
  try {
    const lineage = await loadLineage(ctx.db, teamId, bookingId);
    booking = await getBooking(ctx.db, teamId, lineage?.currentId ?? bookingId);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    await tell(ctx, client, to, 'I cannot find this meeting any more.');
    return undefined;
  }
  if (!memberIds(booking).includes(body.user.id)) {
    await tell(ctx, client, to, notParticipantText(booking, doing));
    return undefined;
  }
  return { booking, teamId };
}

async function openOrTell(ctx: SlackContext, client: WebClient, body: BlockAction, view: any): Promise<{ id: string; hash: string } | undefined> {
  try {
    const result = await client.views.open({ trigger_id: body.trigger_id, view });
    return { id: result.view!.id!, hash: result.view!.hash! };
  } catch (error) {
    const code = slackErrorCode(error);
    await tell(
      ctx,
      client,
      { user: body.user.id, channel: body.channel?.id },
      code === 'expired_trigger_id' ? 'Slack took too long to open the form. Please click the button again.' : `The form could not be opened (${code ?? 'Slack did not answer'}). Please try again.`,
    );
    return undefined;
  }
}

