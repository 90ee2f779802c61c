import type { Booking } from '../../bookings/index.js';
import { LIMITS, clip, escapeMrkdwn, mrkdwn, plain } from './limits.js';
import { actor, mention, minutesLabel, slackDate, slackWhen } from './format.js';

export const MeetingActions = {
  join: 'meeting_join',
  calendar: 'meeting_calendar',
  reschedule: 'meeting_reschedule',
  cancel: 'meeting_cancel',
  personalJoin: 'meeting_personal_join',
} as const;

export interface RoomState {
  status: 'pending' | 'in-progress' | 'completed' | 'failed';
  startedAt: Date | null;
  endedAt: Date | null;
  durationSeconds: number | null;
}

export interface MeetingMessageInput {
  booking: Pick<
    Booking,
    'id' | 'title' | 'notes' | 'startsAt' | 'endsAt' | 'durationMinutes' | 'participants' | 'status' | 'cancelReason' | 'cancelledBy' | 'rescheduledToId' | 'organizerId'
  > &
    Partial<Pick<Booking, 'source' | 'answers' | 'externalRefId' | 'externalRefUrl'>>;
  /** Link to the booking's .ics file. */
  calendarUrl: string;
  room?: RoomState | null;
  /** Set when the booking replaced an earlier one. */
  movedFrom?: { startsAt: Date; by: string | null } | null;
  /** A line for the top of the message, e.g. why it came as a direct message. */
  notice?: string;
}

export function whoLine(booking: MeetingMessageInput['booking']): string {
  return booking.participants
    .map((p) => (p.slackUserId ? `${mention(p.slackUserId)}${p.role === 'organizer' ? ' (organizer)' : ''}` : `${escapeMrkdwn(p.guestName ?? 'Guest')} (guest)`))
    .join(', ');
}

/** The ticket the meeting is about: a link when it has a URL, else its id. */
export function ticketLine(booking: Pick<MeetingMessageInput['booking'], 'externalRefId' | 'externalRefUrl'>): string | undefined {
  if (!booking.externalRefId) return undefined;
  const label = escapeMrkdwn(clip(`Ticket ${booking.externalRefId}`, 200)).replace(/\|/g, '¦');
  // Escaped like any message text (& < >); a "|" would split the link, so it is percent-encoded.
  const url = booking.externalRefUrl ? escapeMrkdwn(booking.externalRefUrl).replace(/\|/g, '%7C') : undefined;
  return url ? `:ticket: <${url}|${label}>` : `:ticket: ${label}`;
}

export function statusLine(input: Pick<MeetingMessageInput, 'booking' | 'room' | 'movedFrom'>): string | undefined {
  const { booking, room } = input;
  if (booking.status === 'cancelled') {
    if (booking.rescheduledToId) return ':arrow_right: Moved to a new time.';
    const by = booking.cancelledBy ? `by ${actor(booking.cancelledBy, booking.participants)}` : '';
    const reason = booking.cancelReason ? `: ${escapeMrkdwn(booking.cancelReason)}` : '';
    return `:x: *Cancelled* ${by}${reason}`;
  }
  if (room?.status === 'in-progress') return `:large_green_circle: *In progress*${room.startedAt ? ` since ${slackDate(room.startedAt, '{time}')}` : ''}`;
  if (room?.status === 'completed') {
    const minutes = room.durationSeconds != null ? Math.max(1, Math.round(room.durationSeconds / 60)) : null;
    return `:white_check_mark: *Ended*${minutes != null ? ` after ${minutesLabel(minutes)}` : ''}`;
  }
  if (input.movedFrom) {
    return `:arrows_counterclockwise: Moved${input.movedFrom.by ? ` by ${actor(input.movedFrom.by, booking.participants)}` : ''} from ${slackDate(input.movedFrom.startsAt, '{date_short_pretty} {time}')}`;
  }
  return undefined;
}

/** The meeting as posted where /meet was typed; updated in place on cancel, move and room events. */
export function meetingMessage(input: MeetingMessageInput) {
  const { booking } = input;
  const cancelled = booking.status === 'cancelled';
  const blocks: any[] = [];
  if (input.notice) blocks.push({ type: 'context', block_id: 'notice', elements: [mrkdwn(input.notice)] });
  blocks.push({ type: 'header', block_id: 'title', text: plain(booking.title, LIMITS.headerText) });
  const lines = [
    `:calendar: ${slackWhen(booking.startsAt, booking.endsAt)} (${minutesLabel(booking.durationMinutes)})`,
  ];
  // Before the people, so a long list of them never cuts the link off.
  const ticket = ticketLine(booking);
  if (ticket) lines.push(ticket);
  lines.push(`:busts_in_silhouette: ${whoLine(booking)}`);
  blocks.push({ type: 'section', block_id: 'details', text: mrkdwn(lines.join('\n')) });
  if (booking.notes) blocks.push({ type: 'section', block_id: 'notes', text: mrkdwn(`>${escapeMrkdwn(booking.notes).replace(/\n/g, '\n>')}`) });
  const answers = guestAnswers(booking);
  if (answers) blocks.push({ type: 'section', block_id: 'answers', text: mrkdwn(answers) });
  const status = statusLine(input);
  if (status) blocks.push({ type: 'context', block_id: 'status', elements: [mrkdwn(status)] });
  const elements: any[] = [];
  if (!cancelled) {
    elements.push({ type: 'button', action_id: MeetingActions.join, style: 'primary', value: booking.id, text: plain('Join video call', LIMITS.buttonText) });
  }
  elements.push({ type: 'button', action_id: MeetingActions.calendar, url: input.calendarUrl, text: plain(cancelled ? 'Calendar update (.ics)' : 'Add to calendar (.ics)', LIMITS.buttonText) });
  if (!cancelled) {
    elements.push({ type: 'button', action_id: MeetingActions.reschedule, value: booking.id, text: plain('Reschedule', LIMITS.buttonText) });
    elements.push({ type: 'button', action_id: MeetingActions.cancel, value: booking.id, style: 'danger', text: plain('Cancel', LIMITS.buttonText) });
  }
  blocks.push({ type: 'actions', block_id: 'meeting_actions', elements });
  const text = clip(`${cancelled ? 'Cancelled: ' : ''}${booking.title}, ${slackWhen(booking.startsAt, booking.endsAt)}`, 3000);
  return { text, blocks };
}

/**
 * For a meeting booked on a public page: who booked it (with their email, for the hosts to write
 * to) and their answers to the link's questions.
 */
export function guestAnswers(booking: MeetingMessageInput['booking']): string | undefined {
  if (booking.source !== 'web') return undefined;
  const guest = booking.participants.find((p) => p.role === 'guest');
  const lines = [
    `:inbox_tray: Booked on the booking page by *${escapeMrkdwn(guest?.guestName ?? 'a guest')}*${guest?.guestEmail ? ` (${escapeMrkdwn(guest.guestEmail)})` : ''}`,
    ...(booking.answers ?? []).map((a) => `*${escapeMrkdwn(a.label)}*\n${escapeMrkdwn(a.answer)}`),
  ];
  return clip(lines.join('\n'), LIMITS.sectionText);
}

/** The direct message each participant gets: their own join link, never anyone else's. */
export function personalMeetingMessage(input: {
  booking: MeetingMessageInput['booking'];
  joinUrl: string;
  calendarUrl: string;
  lead: string;
}) {
  const { booking } = input;
  return {
    text: clip(`${input.lead} ${booking.title}, ${slackWhen(booking.startsAt, booking.endsAt)}`, 3000),
    blocks: [
      {
        type: 'section',
        block_id: 'lead',
        text: mrkdwn(`${input.lead} *${escapeMrkdwn(booking.title)}*\n:calendar: ${slackWhen(booking.startsAt, booking.endsAt)}\n:busts_in_silhouette: ${whoLine(booking)}`),
      },
      ...(guestAnswers(booking) ? [{ type: 'section', block_id: 'answers', text: mrkdwn(guestAnswers(booking)!) }] : []),
      {
        type: 'actions',
        block_id: 'personal_actions',
        elements: [
          { type: 'button', action_id: MeetingActions.personalJoin, style: 'primary', url: input.joinUrl, text: plain('Join video call', LIMITS.buttonText) },
          { type: 'button', action_id: MeetingActions.calendar, url: input.calendarUrl, text: plain('Add to calendar (.ics)', LIMITS.buttonText) },
        ],
      },
      { type: 'context', block_id: 'personal_note', elements: [mrkdwn('This link is yours alone: it joins the call as you. Do not forward it.')] },
    ],
  };
}

/** Told to a participant when a meeting is cancelled. */
export function cancelledNotice(booking: MeetingMessageInput['booking']) {
  const by = booking.cancelledBy ? ` by ${actor(booking.cancelledBy, booking.participants)}` : '';
  const reason = booking.cancelReason ? `: ${escapeMrkdwn(booking.cancelReason)}` : '.';
  const text = clip(`:x: *${escapeMrkdwn(booking.title)}* (${slackWhen(booking.startsAt, booking.endsAt)}) was cancelled${by}${reason}`, LIMITS.sectionText);
  return { text, blocks: [{ type: 'section', block_id: 'cancelled', text: mrkdwn(text) }] };
}

/** What a clicker who is not in the meeting is told. */
export function notParticipantText(booking: Pick<Booking, 'organizerId' | 'title'>, doing: string): string {
  return `Only the people in *${escapeMrkdwn(booking.title)}* can ${doing}. Ask ${mention(booking.organizerId)}, who organised it, to add you.`;
}
