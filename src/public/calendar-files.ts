import { buildIcs } from '../core/ics.js';

/** "Add to calendar" for a guest: the .ics file and a Google Calendar link, both carrying their own join link. */
export interface GuestCalendarEntry {
  meetingId: string;
  sequence: number;
  title: string;
  start: Date;
  end: Date;
  cancelled: boolean;
  joinUrl: string;
  manageUrl: string;
  organizer: { name: string; email: string } | null;
  stamp: Date;
}

function description(entry: GuestCalendarEntry): string {
  return `Join the video call (your own link): ${entry.joinUrl}\n\nReschedule or cancel: ${entry.manageUrl}`;
}

export function guestIcs(entry: GuestCalendarEntry): string {
  return buildIcs({
    uid: entry.meetingId,
    sequence: entry.sequence + (entry.cancelled ? 1 : 0),
    start: entry.start,
    end: entry.end,
    title: entry.title,
    description: description(entry),
    url: entry.joinUrl,
    location: entry.joinUrl,
    cancelled: entry.cancelled,
    organizer: entry.organizer,
    stamp: entry.stamp,
  });
}

/** Google Calendar's "create event" template link. */
export function googleCalendarUrl(entry: GuestCalendarEntry): string {
  const stamp = (d: Date) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const params = new URLSearchParams({
    action: 'TEMPLATE',
    text: entry.title,
    dates: `${stamp(entry.start)}/${stamp(entry.end)}`,
    details: description(entry),
    location: entry.joinUrl,
  });
  return `https://calendar.google.com/calendar/render?${params}`;
}

/** "Monday, 1 March 2027, 10:00–10:30 (America/New York)" in the zone, in the reader's locale. */
export function formatWhen(start: Date, end: Date, timeZone: string, locale = 'en-GB'): string {
  const day = new Intl.DateTimeFormat(locale, { timeZone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(start);
  const cycle = new Intl.DateTimeFormat(locale, { hour: 'numeric' }).resolvedOptions().hourCycle;
  const time = new Intl.DateTimeFormat(locale, { timeZone, hour: cycle === 'h23' || cycle === 'h24' ? '2-digit' : 'numeric', minute: '2-digit' });
  return `${day}, ${time.format(start)} – ${time.format(end)} (${timeZone.replace(/_/g, ' ')})`;
}
