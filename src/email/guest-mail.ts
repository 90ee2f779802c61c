import { buildIcs, type IcsAttendee } from '../core/ics.js';
import { escapeHtml, htmlButton, htmlEmail, htmlLines, type HtmlSection, type OutgoingEmail } from './message.js';
import { guestTime, type GuestTime } from './when.js';

/**
 * What every email to one guest is built from: the meeting as it stands, who is in it (by name),
 * the guest and their own links. Gathered by meeting-mail.ts; the builders are pure functions of it.
 */
export interface GuestMailInput {
  meeting: {
    /** The calendar UID: the meeting's first booking, the same through every move. */
    meetingId: string;
    title: string;
    notes: string | null;
    startsAt: Date;
    endsAt: Date;
    /** How often it was moved: the invitation's SEQUENCE. */
    sequence: number;
  };
  organizer: { name: string; email: string | null };
  /** Everyone in the meeting, organizer first, by name; guests carry their id. */
  people: { name: string; email: string | null; role: 'organizer' | 'host' | 'guest'; guestId: string | null }[];
  guest: { guestId: string; name: string; email: string; timeZone: string | null };
  /** The guest's own join link (signed, names them, follows moves) and manage link. */
  links: { join: string; manage: string };
  /** MAIL_FROM, which stands as the invitation's ORGANIZER when the organizer's address is unknown. */
  sender: { name?: string; address: string };
  /** When this version is written (DTSTAMP). */
  now: Date;
}

export function timeOf(input: GuestMailInput): GuestTime {
  return guestTime(input.meeting.startsAt, input.meeting.endsAt, input.guest.timeZone);
}

/** "Ana Alvarez (organizer), Ben Brown, Sam Customer (you)" */
export function whoLine(input: GuestMailInput): string {
  return input.people
    .map((p) => `${p.name}${p.role === 'organizer' ? ' (organizer)' : ''}${p.guestId === input.guest.guestId ? ' (you)' : ''}`)
    .join(', ');
}

/** The invitation file the guest's calendar reads: their own copy (their join link is its location). */
export function invitationIcs(input: GuestMailInput, method: 'REQUEST' | 'CANCEL', sequence: number): string {
  const organizer = { name: input.organizer.name, email: input.organizer.email ?? input.sender.address };
  const attendees: IcsAttendee[] = input.people
    .filter((p): p is typeof p & { email: string } => Boolean(p.email))
    .map((p) => ({ name: p.name, email: p.email, partstat: p.role === 'guest' ? 'NEEDS-ACTION' : 'ACCEPTED' }));
  const cancelled = method === 'CANCEL';
  const description = cancelled
    ? `${input.meeting.title} was cancelled.`
    : [
        input.meeting.notes ?? '',
        `Join the video call (your own link, please do not share it): ${input.links.join}`,
        `Reschedule or cancel: ${input.links.manage}`,
        `With: ${whoLine(input)}`,
      ]
        .filter(Boolean)
        .join('\n\n');
  return buildIcs({
    method,
    uid: input.meeting.meetingId,
    sequence,
    start: input.meeting.startsAt,
    end: input.meeting.endsAt,
    title: input.meeting.title,
    description,
    location: cancelled ? undefined : input.links.join,
    url: cancelled ? undefined : input.links.join,
    cancelled,
    organizer,
    attendees,
    stamp: input.now,
  });
}

/** The details block, plain text: when (or now and before, for a move, and the zone note), who, the notes. */
export function detailsText(input: GuestMailInput, time: GuestTime = timeOf(input), previous?: GuestTime): string {
  return [
    ...(previous ? [`Now: ${time.long}`, `Was: ${previous.long}`] : [`When: ${time.long}`]),
    ...(time.zoneNote ? [time.zoneNote] : []),
    `Who: ${whoLine(input)}`,
    ...(input.meeting.notes ? ['', 'Notes:', input.meeting.notes] : []),
  ].join('\n');
}

/** A time for HTML: escaped, its UTC offsets kept on one line. */
export function htmlTime(text: string): string {
  return escapeHtml(text).replace(/UTC[+-]\d\d:\d\d/g, (offset) => `<span style="white-space:nowrap">${offset}</span>`);
}

export function detailsHtml(input: GuestMailInput, time: GuestTime = timeOf(input), previous?: GuestTime): string {
  const line = (label: string, value: string) => `<p style="margin:0 0 4px"><strong>${label}:</strong> ${value}</p>`;
  return [
    ...(previous
      ? [line('Now', htmlTime(time.long)), line('Was', `<s style="color:#616061">${htmlTime(previous.long)}</s>`)]
      : [line('When', htmlTime(time.long))]),
    ...(time.zoneNote ? [`<p style="margin:0 0 4px;font-size:13px;color:#616061">${escapeHtml(time.zoneNote)}</p>`] : []),
    line('Who', escapeHtml(whoLine(input))),
    ...(input.meeting.notes ? [`<p style="margin:8px 0 0"><strong>Notes:</strong><br>${htmlLines(input.meeting.notes)}</p>`] : []),
  ].join('\n');
}

export function footerText(input: GuestMailInput): string {
  return `You receive this as a guest of a meeting with ${input.organizer.name}, booked through Meetings for Slack.`;
}

/** "in 45 minutes", "in 1 hour", "in about 3 hours" */
export function startsIn(startsAt: Date, now: Date): string {
  const minutes = Math.max(0, Math.round((startsAt.getTime() - now.getTime()) / 60_000));
  if (minutes === 60) return 'in 1 hour';
  if (minutes < 90) return minutes === 1 ? 'in 1 minute' : `in ${minutes} minutes`;
  return `in about ${Math.round(minutes / 60)} hours`;
}

/** The join button, with a word under it that the link is theirs alone. */
export function joinSection(input: GuestMailInput, sameAsBefore = false): HtmlSection {
  return {
    body: `<p style="margin:0 0 8px">${htmlButton('Join the video call', input.links.join)}</p>
<p style="margin:0;font-size:13px;color:#616061">Your own link${sameAsBefore ? ', the same as before' : ''}; please do not share it.</p>`,
  };
}

/**
 * A guest email from its own parts: every one greets the guest, leads with one sentence, ends
 * with the same footer, goes to the guest alone and takes replies to the organizer.
 */
export function composeGuestEmail(
  input: GuestMailInput,
  parts: { subject: string; lead: string; text: string[]; title: string; preheader: string; sections: HtmlSection[]; calendar?: OutgoingEmail['calendar'] },
): OutgoingEmail {
  const { guest, organizer } = input;
  return {
    to: { name: guest.name, address: guest.email },
    subject: parts.subject,
    text: [`Hello ${guest.name},`, '', parts.lead, '', ...parts.text, '', '--', footerText(input)].join('\n'),
    html: htmlEmail({
      title: parts.title,
      preheader: parts.preheader,
      intro: `<p style="margin:0">Hello ${escapeHtml(guest.name)},</p><p style="margin:8px 0 0">${escapeHtml(parts.lead)}</p>`,
      sections: parts.sections,
      footer: escapeHtml(footerText(input)),
    }),
    replyTo: organizer.email ? { name: organizer.name, address: organizer.email } : undefined,
    calendar: parts.calendar,
  };
}
