import { footerText, htmlTime, invitationIcs, timeOf, whoLine, type GuestMailInput } from './guest-mail.js';
import { escapeHtml, htmlEmail, htmlLines, type OutgoingEmail } from './message.js';

export interface CancelNotice {
  /** Who cancelled it: a name, or "You". */
  by?: string;
  reason: string | null;
}

/**
 * The email a guest gets when a meeting is cancelled: who cancelled it and why, and METHOD:CANCEL
 * for the same UID with a higher SEQUENCE than the last invitation, so a calendar removes it.
 */
export function cancellationEmail(input: GuestMailInput, cancel: CancelNotice): OutgoingEmail {
  const { meeting, guest } = input;
  const time = timeOf(input);
  const lead = cancel.by ? `${cancel.by} cancelled ${meeting.title}.` : `${meeting.title} was cancelled.`;
  const calendarNote = 'The attached cancellation removes the meeting from your calendar when you open it (many calendars do so on their own).';
  const text = [
    `Hello ${guest.name},`,
    '',
    lead,
    '',
    `It was: ${time.long}`,
    ...(time.zoneNote ? [time.zoneNote] : []),
    `With: ${whoLine(input)}`,
    ...(cancel.reason ? ['', 'Reason:', cancel.reason] : []),
    '',
    'Its join link no longer works.',
    calendarNote,
    '',
    '--',
    footerText(input),
  ].join('\n');
  const html = htmlEmail({
    title: `${meeting.title} is cancelled`,
    preheader: cancel.reason ? `Reason: ${cancel.reason}` : `It was ${time.long}`,
    intro: `<p style="margin:0">Hello ${escapeHtml(guest.name)},</p><p style="margin:8px 0 0">${escapeHtml(lead)}</p>`,
    sections: [
      {
        body: [
          `<p style="margin:0 0 4px"><strong>It was:</strong> <s style="color:#616061">${htmlTime(time.long)}</s></p>`,
          ...(time.zoneNote ? [`<p style="margin:0 0 4px;font-size:13px;color:#616061">${escapeHtml(time.zoneNote)}</p>`] : []),
          `<p style="margin:0 0 4px"><strong>With:</strong> ${escapeHtml(whoLine(input))}</p>`,
        ].join('\n'),
      },
      ...(cancel.reason ? [{ heading: 'Reason', body: `<p style="margin:0">${htmlLines(cancel.reason)}</p>` }] : []),
      { body: `<p style="margin:0;font-size:13px;color:#616061">Its join link no longer works. ${escapeHtml(calendarNote)}</p>` },
    ],
    footer: escapeHtml(footerText(input)),
  });
  return {
    to: { name: guest.name, address: guest.email },
    subject: `Cancelled: ${meeting.title}, ${time.short}`,
    text,
    html,
    replyTo: input.organizer.email ? { name: input.organizer.name, address: input.organizer.email } : undefined,
    // The cancelled booking keeps its sequence; the cancellation must outrank its invitation.
    calendar: { method: 'CANCEL', content: invitationIcs(input, 'CANCEL', meeting.sequence + 1) },
  };
}
