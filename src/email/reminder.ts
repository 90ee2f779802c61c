import { detailsHtml, detailsText, footerText, startsIn, timeOf, type GuestMailInput } from './guest-mail.js';
import { escapeHtml, htmlButton, htmlEmail, htmlLink, type OutgoingEmail } from './message.js';

/** Minutes before the start that a guest's reminder email goes out. */
export const GUEST_REMINDER_MINUTES_BEFORE = 60;

/**
 * The reminder a guest gets before the start: when (counted from `input.now`, so a reminder sent
 * late says so truthfully), their join link, the manage link. No invitation attached: the
 * calendar already has the meeting.
 */
export function reminderEmail(input: GuestMailInput): OutgoingEmail {
  const { meeting, guest, links } = input;
  const time = timeOf(input);
  const soon = startsIn(meeting.startsAt, input.now);
  const lead = `${meeting.title} starts ${soon}.`;
  const text = [
    `Hello ${guest.name},`,
    '',
    lead,
    '',
    detailsText(input, time),
    '',
    'Join the video call (your own link, please do not share it):',
    links.join,
    '',
    'Cannot make it? Reschedule or cancel:',
    links.manage,
    '',
    '--',
    footerText(input),
  ].join('\n');
  const html = htmlEmail({
    title: `${meeting.title} starts ${soon}`,
    preheader: time.long,
    intro: `<p style="margin:0">Hello ${escapeHtml(guest.name)},</p><p style="margin:8px 0 0">${escapeHtml(lead)}</p>`,
    sections: [
      { body: detailsHtml(input, time) },
      {
        body: `<p style="margin:0 0 8px">${htmlButton('Join the video call', links.join)}</p>
<p style="margin:0;font-size:13px;color:#616061">Your own link; please do not share it.</p>`,
      },
      { heading: 'Cannot make it?', body: `<p style="margin:0">${htmlLink('Reschedule or cancel', links.manage)}</p>` },
    ],
    footer: escapeHtml(footerText(input)),
  });
  return {
    to: { name: guest.name, address: guest.email },
    subject: `Reminder: ${meeting.title} starts ${soon} (${time.short})`,
    text,
    html,
    replyTo: input.organizer.email ? { name: input.organizer.name, address: input.organizer.email } : undefined,
  };
}
