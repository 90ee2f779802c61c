/**
 * An iCalendar (RFC 5545) file for one meeting. The UID is the id of the meeting's first booking,
 * so a calendar that imported it updates the same event when the meeting moves (SEQUENCE counts
 * the moves) and removes it when it is cancelled (METHOD:CANCEL, STATUS:CANCELLED). Pure: the Slack
 * calendar-file route and the guests' email invitations both use it.
 */
export type IcsMethod = 'PUBLISH' | 'REQUEST' | 'CANCEL';

/** Someone in the meeting, by name and email (calendars show the name). */
export interface IcsPerson {
  name: string;
  email: string;
}

export interface IcsAttendee extends IcsPerson {
  /** ACCEPTED for those who booked it; NEEDS-ACTION (the default) for the invited. */
  partstat?: 'NEEDS-ACTION' | 'ACCEPTED';
}

export interface IcsEvent {
  uid: string;
  sequence: number;
  start: Date;
  end: Date;
  title: string;
  description: string;
  url?: string;
  /** Where the meeting happens: for a video call, the join link. */
  location?: string;
  /**
   * PUBLISH for a file to import (the default); REQUEST for an invitation sent by email (a
   * calendar offers to add it, and updates the same event when one with a higher SEQUENCE
   * arrives); CANCEL removes it. A cancelled event is CANCEL unless said otherwise.
   */
  method?: IcsMethod;
  cancelled: boolean;
  organizer?: IcsPerson | null;
  attendees?: IcsAttendee[];
  /** DTSTAMP: when this version was written. */
  stamp: Date;
}

export function buildIcs(event: IcsEvent): string {
  const method = event.method ?? (event.cancelled ? 'CANCEL' : 'PUBLISH');
  // RFC 5546: an invitation names who sends it; calendars ignore a REQUEST without one.
  if (method === 'REQUEST' && !event.organizer) throw new Error('buildIcs: METHOD:REQUEST needs an organizer');
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Meetings for Slack//EN',
    'CALSCALE:GREGORIAN',
    `METHOD:${method}`,
    'BEGIN:VEVENT',
    `UID:${event.uid}@meetings-for-slack`,
    `SEQUENCE:${event.sequence}`,
    `DTSTAMP:${utc(event.stamp)}`,
    `DTSTART:${utc(event.start)}`,
    `DTEND:${utc(event.end)}`,
    `SUMMARY:${escapeText(event.title)}`,
    `DESCRIPTION:${escapeText(event.description)}`,
    ...(event.location ? [`LOCATION:${escapeText(event.location)}`] : []),
    ...(event.url ? [`URL:${event.url}`] : []),
    ...(event.organizer ? [`ORGANIZER;CN=${quoteParam(event.organizer.name)}:mailto:${event.organizer.email}`] : []),
    ...(event.attendees ?? []).map(
      (a) => `ATTENDEE;CN=${quoteParam(a.name)};CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=${a.partstat ?? 'NEEDS-ACTION'};RSVP=FALSE:mailto:${a.email}`,
    ),
    `STATUS:${event.cancelled ? 'CANCELLED' : 'CONFIRMED'}`,
    'TRANSP:OPAQUE',
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(fold).join('\r\n') + '\r\n';
}

/** 20270301T150000Z */
function utc(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function escapeText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

function quoteParam(text: string): string {
  return `"${text.replace(/"/g, "'").replace(/[\r\n]/g, ' ')}"`;
}

/** Lines longer than 75 octets continue on the next line after a space, never inside a UTF-8 character. */
function fold(line: string): string {
  const encoder = new TextEncoder();
  if (encoder.encode(line).length <= 75) return line;
  const parts: string[] = [];
  let current = '';
  let size = 0;
  for (const ch of line) {
    const n = encoder.encode(ch).length;
    const limit = parts.length === 0 ? 75 : 74;
    if (size + n > limit) {
      parts.push(current);
      current = '';
      size = 0;
    }
    current += ch;
    size += n;
  }
  parts.push(current);
  return parts.join('\r\n ');
}
