import { composeGuestEmail, detailsHtml, detailsText, invitationIcs, joinSection, timeOf, type GuestMailInput } from './guest-mail.js';
import { escapeHtml, htmlLink, type OutgoingEmail } from './message.js';
import { guestTime } from './when.js';

/** What changed, for an update: the time it had before, and who moved it (a name, or "You"). */
export interface MoveNotice {
  previousStartsAt: Date;
  previousEndsAt: Date;
  by?: string;
}

/**
 * The confirmation a guest gets when a meeting is booked with them, or, with `moved`, the update
 * when it moves: their own join and manage links, and the invitation (.ics, METHOD:REQUEST, the
 * meeting's UID, SEQUENCE = how often it moved, so a calendar replaces the earlier version).
 */
export function invitationEmail(input: GuestMailInput, moved?: MoveNotice): OutgoingEmail {
  const { meeting, guest, links } = input;
  const time = timeOf(input);
  const previous = moved ? guestTime(moved.previousStartsAt, moved.previousEndsAt, guest.timeZone) : undefined;
  const calendarNote = moved
    ? 'The updated invitation is attached: open it and your calendar moves the meeting.'
    : 'The invitation is attached: open it to add the meeting to your calendar.';
  return composeGuestEmail(input, {
    subject: moved ? `Moved: ${meeting.title}, now ${time.short}` : `Confirmed: ${meeting.title}, ${time.short}`,
    lead: moved
      ? moved.by
        ? `${moved.by} moved ${meeting.title} to a new time.`
        : `${meeting.title} has moved to a new time.`
      : `${meeting.title} with ${input.organizer.name} is booked.`,
    text: [
      detailsText(input, time, previous),
      '',
      `Join the video call (your own link, please do not share it${moved ? '; it is the same as before' : ''}):`,
      links.join,
      '',
      'Need to reschedule or cancel?',
      links.manage,
      '',
      calendarNote,
    ],
    title: moved ? `${meeting.title} has moved` : `${meeting.title} is booked`,
    preheader: moved ? `Now ${time.long}` : time.long,
    sections: [
      { body: detailsHtml(input, time, previous) },
      joinSection(input, Boolean(moved)),
      { heading: 'Need to reschedule or cancel?', body: `<p style="margin:0">${htmlLink('Manage your booking', links.manage)}</p>` },
      { body: `<p style="margin:0;font-size:13px;color:#616061">${escapeHtml(calendarNote)}</p>` },
    ],
    calendar: { method: 'REQUEST', content: invitationIcs(input, 'REQUEST', meeting.sequence) },
  });
}
