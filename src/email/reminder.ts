import { composeGuestEmail, detailsHtml, detailsText, joinSection, startsIn, timeOf, type GuestMailInput } from './guest-mail.js';
import { htmlLink, type OutgoingEmail } from './message.js';

/** Minutes before the start that a guest's reminder email goes out. */
export const GUEST_REMINDER_MINUTES_BEFORE = 60;

/**
 * The reminder a guest gets before the start: when (counted from `input.now`, so a reminder sent
 * late says so truthfully), their join link, the manage link. No invitation attached: the
 * calendar already has the meeting.
 */
export function reminderEmail(input: GuestMailInput): OutgoingEmail {
  const { meeting, links } = input;
  const time = timeOf(input);
  const soon = startsIn(meeting.startsAt, input.now);
  return composeGuestEmail(input, {
    subject: `Reminder: ${meeting.title} starts ${soon} (${time.short})`,
    lead: `${meeting.title} starts ${soon}.`,
    text: [
      detailsText(input, time),
      '',
      'Join the video call (your own link, please do not share it):',
      links.join,
      '',
      'Cannot make it? Reschedule or cancel:',
      links.manage,
    ],
    title: `${meeting.title} starts ${soon}`,
    preheader: time.long,
    sections: [
      { body: detailsHtml(input, time) },
      joinSection(input),
      { heading: 'Cannot make it?', body: `<p style="margin:0">${htmlLink('Reschedule or cancel', links.manage)}</p>` },
    ],
  });
}
