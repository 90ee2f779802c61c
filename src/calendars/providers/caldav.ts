/**
 * CalDAV (Fastmail, iCloud, Nextcloud, Radicale…) with tsdav: the account's calendars are found
 * once, at connection (principal → calendar home → collections with VEVENT); busy time is a
 * calendar-query REPORT with a time range on each calendar, whose objects ical-events.ts expands;
 * meetings are written as `<meeting id>.ics` with PUT (If-None-Match on create, If-Match on a move).
 */
import { createAccount, createCalendarObject, deleteCalendarObject, fetchCalendarObjects, fetchCalendars, getBasicAuthHeaders, updateCalendarObject, type DAVCalendar } from 'tsdav';
import ICAL from 'ical.js';
import type { CachedBusy } from '../../db/schema.js';
import { deadlineFetch, statusError, type FetchOptions } from '../http.js';
import { busyFromICalendar, ICalParseError } from '../ical-events.js';
import { CalendarError, OWN_UID_SUFFIX, type CalendarEventData, type CalendarSession, type CalendarToRead, type RemoteCalendar, type WrittenEvent } from '../types.js';

export interface CalDavSecret {
  serverUrl: string;
  username: string;
  password: string;
}

const SERVICE = 'The CalDAV server';

export function caldavSession(secret: CalDavSecret, options: FetchOptions & { ownerEmails?: string[] } = {}): CalendarSession {
  const headers = getBasicAuthHeaders({ username: secret.username, password: secret.password });
  const fetch = deadlineFetch(SERVICE, options);
  const calendarOf = (url: string): DAVCalendar => ({ url });

  return {
    async listCalendars(): Promise<RemoteCalendar[]> {
      let found: DAVCalendar[];
      try {
        const account = await createAccount({ account: { serverUrl: secret.serverUrl, accountType: 'caldav', credentials: secret }, headers, fetch });
        found = await fetchCalendars({ account, headers, fetch });
      } catch (error) {
        throw asCalendarError(error, 'finding the calendars');
      }
      return found
        .filter((c) => !c.components || c.components.includes('VEVENT'))
        .map((c) => ({
          externalId: c.url,
          name: (typeof c.displayName === 'string' && c.displayName.trim()) || decodeURIComponent(c.url.replace(/\/+$/, '').split('/').pop() ?? 'Calendar'),
          timeZone: zoneOfCalendar(c.timezone),
          canWrite: true,
        }));
    },

    async readBusy(calendars: CalendarToRead[], from: Date, to: Date) {
      const out = new Map<string, CachedBusy[] | CalendarError>();
      await Promise.all(
        calendars.map(async (calendar) => {
          try {
            const objects = await fetchCalendarObjects({
              calendar: calendarOf(calendar.externalId),
              timeRange: { start: from.toISOString(), end: to.toISOString() },
              headers,
              fetch,
            });
            out.set(
              calendar.externalId,
              busyFromICalendar(
                objects.map((o) => (typeof o.data === 'string' ? o.data : '')),
                { from, to, timeZone: calendar.timeZone, ownerEmails: options.ownerEmails },
              ),
            );
          } catch (error) {
            out.set(calendar.externalId, asCalendarError(error, 'reading the calendar'));
          }
        }),
      );
      return out;
    },

    async putEvent(calendarUrl: string, event: CalendarEventData, existing: WrittenEvent | undefined): Promise<WrittenEvent> {
      const filename = `${event.meetingId}.ics`;
      const url = existing?.externalId ?? new URL(filename, withSlash(calendarUrl)).href;
      const iCalString = calendarObject(event);
      let response = existing
        ? await updateCalendarObject({ calendarObject: { url, data: iCalString, etag: existing.etag ?? undefined }, headers, fetch })
        : await createCalendarObject({ calendar: calendarOf(withSlash(calendarUrl)), filename, iCalString, headers, fetch });
      // Written before (a redelivery), or changed in the calendar since: write ours over it.
      if (response.status === 412) response = await updateCalendarObject({ calendarObject: { url, data: iCalString }, headers, fetch });
      if (!response.ok) throw await statusError(SERVICE, 'saving the meeting', response);
      return { externalId: url, etag: response.headers.get('etag') };
    },

    async deleteEvent(_calendarUrl: string, existing: WrittenEvent): Promise<void> {
      const response = await deleteCalendarObject({ calendarObject: { url: existing.externalId, etag: undefined }, headers, fetch });
      if (!response.ok && response.status !== 404 && response.status !== 410) throw await statusError(SERVICE, 'removing the meeting', response);
    },
  };
}

/** The meeting as a CalDAV calendar object (RFC 4791: no METHOD), UID stable across moves. */
export function calendarObject(event: CalendarEventData): string {
  const calendar = new ICAL.Component(['vcalendar', [], []]);
  calendar.addPropertyWithValue('prodid', '-//Meetings for Slack//EN');
  calendar.addPropertyWithValue('version', '2.0');
  const vevent = new ICAL.Component('vevent');
  vevent.addPropertyWithValue('uid', `${event.meetingId}${OWN_UID_SUFFIX}`);
  vevent.addPropertyWithValue('sequence', event.sequence);
  vevent.addPropertyWithValue('dtstamp', ICAL.Time.fromJSDate(new Date(), true));
  vevent.addPropertyWithValue('dtstart', ICAL.Time.fromJSDate(event.start, true));
  vevent.addPropertyWithValue('dtend', ICAL.Time.fromJSDate(event.end, true));
  vevent.addPropertyWithValue('summary', event.title);
  vevent.addPropertyWithValue('description', event.description);
  vevent.addPropertyWithValue('location', event.location);
  vevent.addPropertyWithValue('url', event.location);
  vevent.addPropertyWithValue('status', 'CONFIRMED');
  vevent.addPropertyWithValue('transp', 'OPAQUE');
  calendar.addSubcomponent(vevent);
  return calendar.toString().replace(/\r?\n/g, '\r\n') + '\r\n';
}

/** A calendar's zone from its CALDAV:calendar-timezone (a VTIMEZONE), when it names an IANA zone. */
function zoneOfCalendar(vtimezone: string | undefined): string | undefined {
  if (!vtimezone) return undefined;
  const match = /TZID:([^\r\n]+)/.exec(vtimezone);
  const tzid = match?.[1]?.trim();
  try {
    return tzid && new Intl.DateTimeFormat('en', { timeZone: tzid }) ? tzid : undefined;
  } catch {
    return undefined;
  }
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/** tsdav throws plain Errors (and our fetch CalendarErrors); say what failed in the owner's words. */
function asCalendarError(error: unknown, what: string): CalendarError {
  if (error instanceof CalendarError) return error;
  if (error instanceof ICalParseError) return new CalendarError('rejected', `${SERVICE} sent a calendar we could not read while ${what} (${error.message})`);
  const message = error instanceof Error ? error.message : String(error);
  if (/401|403|unauthori[sz]ed|forbidden/i.test(message)) {
    return new CalendarError('auth', `${SERVICE} refused the user name or app password while ${what}`);
  }
  if (/cannot find homeUrl|cannot find principalUrl|no calendar/i.test(message)) {
    return new CalendarError('rejected', `No CalDAV calendars were found at that address (${message}); check the server URL`);
  }
  return new CalendarError('unreachable', `${SERVICE} failed while ${what} (${message})`);
}
