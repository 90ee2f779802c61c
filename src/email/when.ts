import { formatIsoInZone, formatLocalTime, isValidTimeZone } from '../core/availability/index.js';

/**
 * A meeting's time as a guest reads it in an email: in their own zone when we know it, else in
 * UTC, and always with the offset written out, since an email is read far from where it was sent
 * (and forwarded). 24-hour times: the one clock no reader misreads.
 */
export interface GuestTime {
  /** "Tuesday, 2 March 2027, 10:00–10:30 (New York time, UTC-05:00)" */
  long: string;
  /** "Tue 2 Mar, 10:00 New York time", for subjects */
  short: string;
  /** Said under the time when the guest's zone is unknown. */
  zoneNote?: string;
}

const longDates = new Map<string, Intl.DateTimeFormat>();
const shortDates = new Map<string, Intl.DateTimeFormat>();

function cached(cache: Map<string, Intl.DateTimeFormat>, timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  let format = cache.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', { ...options, timeZone });
    cache.set(timeZone, format);
  }
  return format;
}

/** "Tuesday, 2 March 2027" */
function longDate(date: Date, timeZone: string): string {
  return cached(longDates, timeZone, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(date);
}

/** "Tue 2 Mar" */
function shortDate(date: Date, timeZone: string): string {
  return cached(shortDates, timeZone, { weekday: 'short', day: 'numeric', month: 'short' }).format(date).replace(',', '');
}

/** "UTC-05:00", "UTC+05:30", "UTC+00:00" */
export function utcOffset(date: Date, timeZone: string): string {
  return `UTC${formatIsoInZone(date, timeZone).slice(-6)}`;
}

/** "New York time" for America/New_York; "UTC" for UTC itself. */
export function zoneName(timeZone: string): string {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return 'UTC';
  const city = timeZone.split('/').pop()!.replace(/_/g, ' ');
  return `${city} time`;
}

export function guestTime(start: Date, end: Date, timeZone: string | null | undefined): GuestTime {
  const known = Boolean(timeZone && isValidTimeZone(timeZone));
  const zone = known ? timeZone! : 'UTC';
  const startDay = longDate(start, zone);
  const endDay = longDate(end, zone);
  const from = formatLocalTime(start, zone);
  const until = formatLocalTime(end, zone);
  const span = startDay === endDay ? `${startDay}, ${from}–${until}` : `${startDay}, ${from} – ${endDay}, ${until}`;
  const startOffset = utcOffset(start, zone);
  const endOffset = utcOffset(end, zone);
  // A clock change inside the meeting: both offsets, or the times would read wrong.
  const offset = startOffset === endOffset ? startOffset : `${startOffset} until ${endOffset}`;
  if (!known) {
    return {
      long: `${span} UTC (${offset})`,
      short: `${shortDate(start, zone)}, ${from} UTC`,
      zoneNote: 'Times are in UTC (Coordinated Universal Time, offset +00:00), because we do not know your time zone.',
    };
  }
  const name = zoneName(zone);
  return {
    long: name === 'UTC' ? `${span} UTC (${offset})` : `${span} (${name}, ${offset})`,
    short: `${shortDate(start, zone)}, ${from} ${name}`,
  };
}
