import { listBookings, type Booking } from '../bookings/index.js';
import { joinUrl } from '../video/links.js';
import { slackWhen } from './blocks/format.js';
import { LIMITS, clip, escapeMrkdwn, mrkdwn, plain } from './blocks/limits.js';
import { MeetingActions } from './blocks/meeting-message.js';
import type { SlackContext } from './context.js';

const LIST_LIMIT = 20;

/** One line per meeting with the viewer's own join button (only they see it: ephemeral or App Home). */
export async function meetingRows(ctx: SlackContext, teamId: string, viewerId: string, bookings: Booking[]): Promise<any[]> {
  return Promise.all(
    bookings.map(async (b) => {
      const others = b.participants.filter((p) => p.slackUserId !== viewerId).map((p) => (p.slackUserId ? `<@${p.slackUserId}>` : escapeMrkdwn(p.guestName ?? 'guest')));
      return {
        type: 'section',
        block_id: `meeting-${b.id}`,
        text: mrkdwn(clip(`*${escapeMrkdwn(b.title)}*\n${slackWhen(b.startsAt, b.endsAt)}${others.length ? `\nwith ${others.join(', ')}` : ''}`, LIMITS.sectionText)),
        accessory: {
          type: 'button',
          action_id: `${MeetingActions.personalJoin}-${b.id}`,
          url: await joinUrl(ctx.config, { teamId, bookingId: b.id, participant: viewerId }),
          text: plain('Join', LIMITS.buttonText),
        },
      };
    }),
  );
}

/** `/meet list`: the next meetings, at most 20 (App Home has the week). */
export async function upcomingMeetingsMessage(ctx: SlackContext, teamId: string, userId: string) {
  const page = await listBookings(ctx.db, teamId, { personId: userId, from: ctx.now(), status: 'confirmed', limit: LIST_LIMIT });
  if (page.bookings.length === 0) {
    return { text: 'You have no upcoming meetings.', blocks: [{ type: 'section', block_id: 'none', text: mrkdwn('You have no upcoming meetings. Book one with `/meet`.') }] };
  }
  const blocks: any[] = [{ type: 'header', block_id: 'head', text: plain('Your upcoming meetings', LIMITS.headerText) }, ...(await meetingRows(ctx, teamId, userId, page.bookings))];
  if (page.nextCursor) blocks.push({ type: 'context', block_id: 'more', elements: [mrkdwn(`Showing the next ${LIST_LIMIT}. The App Home tab shows this week.`)] });
  return { text: `You have ${page.bookings.length}${page.nextCursor ? '+' : ''} upcoming meetings.`, blocks };
}
