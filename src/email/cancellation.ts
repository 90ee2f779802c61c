import { composeGuestEmail, htmlTime, invitationIcs, timeOf, whoLine, type GuestMailInput } from './guest-mail.js';
import { escapeHtml, htmlLines, type OutgoingEmail } from './message.js';

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
  const { meeting } = input;
  const time = timeOf(input);
  const calendarNote = 'The attached cancellation removes the meeting from your calendar when you open it (many calendars do so on their own).';
  return composeGuestEmail(input, {
    subject: `Cancelled: ${meeting.title}, ${time.short}`,
    lead: cancel.by ? `${cancel.by} cancelled ${meeting.title}.` : `${meeting.title} was cancelled.`,
    text: [
      `It was: ${time.long}`,
      ...(time.zoneNote ? [time.zoneNote] : []),
      `With: ${whoLine(input)}`,
      ...(cancel.reason ? ['', 'Reason:', cancel.reason] : []),
      '',
      'Its join link no longer works.',
      calendarNote,
    ],
    title: `${meeting.title} is cancelled`,
    preheader: cancel.reason ? `Reason: ${cancel.reason}` : `It was ${time.long}`,
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
    // The cancelled booking keeps its sequence; the cancellation must outrank its invitation.
    calendar: { method: 'CANCEL', content: invitationIcs(input, 'CANCEL', meeting.sequence + 1) },
  });
}
