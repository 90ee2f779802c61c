/**
 * A secret iCal feed address (Google's "Secret address in iCal format", Outlook's published ICS):
 * fetched whole over HTTP(S), read with ical.js. Read-only: nothing is written back to a feed.
 */
import type { CachedBusy } from '../../db/schema.js';
import { providerFetch, statusError, type FetchOptions } from '../http.js';
import { busyFromICalendar, ICalParseError } from '../ical-events.js';
import { CalendarError, type CalendarSession, type CalendarToRead } from '../types.js';

export interface ICalFeedSecret {
  url: string;
}

const SERVICE = 'The calendar feed';
/** Larger feeds are refused rather than read into memory. */
const MAX_FEED_BYTES = 20 * 1024 * 1024;

/** webcal:// is how calendar apps spell the same https address. */
export function feedUrl(address: string): string {
  return address.trim().replace(/^webcals?:\/\//i, 'https://');
}

export function icalFeedSession(secret: ICalFeedSecret, options: FetchOptions & { ownerEmails?: string[]; name?: string } = {}): CalendarSession {
  const url = feedUrl(secret.url);
  async function download(): Promise<string> {
    const response = await providerFetch(SERVICE, url, { headers: { accept: 'text/calendar, */*;q=0.5' } }, options);
    if (!response.ok) {
      if (response.status === 404 || response.status === 410) return Promise.reject(new CalendarError('auth', `${SERVICE} is gone (${response.status}): its secret address was probably reset; connect the new one`, response.status));
      throw await statusError(SERVICE, 'downloading the feed', response);
    }
    const length = Number(response.headers.get('content-length') ?? 0);
    if (length > MAX_FEED_BYTES) throw new CalendarError('rejected', `${SERVICE} is larger than ${MAX_FEED_BYTES / 1024 / 1024} MB`);
    const text = await response.text();
    if (!/BEGIN:VCALENDAR/i.test(text.slice(0, 4096))) throw new CalendarError('rejected', `That address does not serve an iCalendar feed (it answered ${response.headers.get('content-type') ?? 'something else'})`);
    return text;
  }

  return {
    async listCalendars() {
      const text = await download();
      const name = /X-WR-CALNAME:([^\r\n]+)/i.exec(text)?.[1]?.trim();
      const zone = /X-WR-TIMEZONE:([^\r\n]+)/i.exec(text)?.[1]?.trim();
      return [{ externalId: 'feed', name: options.name || name || new URL(url).hostname, timeZone: zone || undefined, canWrite: false, primary: true }];
    },
    async readBusy(calendars: CalendarToRead[], from: Date, to: Date) {
      const out = new Map<string, CachedBusy[] | CalendarError>();
      let result: CachedBusy[] | CalendarError;
      try {
        const text = await download();
        result = busyFromICalendar([text], { from, to, timeZone: calendars[0]?.timeZone ?? 'UTC', ownerEmails: options.ownerEmails });
      } catch (error) {
        result =
          error instanceof CalendarError
            ? error
            : new CalendarError('rejected', error instanceof ICalParseError ? `${SERVICE} could not be read: ${error.message}` : `${SERVICE} could not be read (${error})`);
      }
      for (const c of calendars) out.set(c.externalId, result);
      return out;
    },
    async putEvent() {
      throw new CalendarError('rejected', 'An iCal feed is read-only: choose another calendar for your meetings');
    },
    async deleteEvent() {
      throw new CalendarError('rejected', 'An iCal feed is read-only');
    },
  };
}
