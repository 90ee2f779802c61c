/**
 * Google Calendar over OAuth: the calendar list (calendarList.list), busy time from the FreeBusy
 * API (transparent events and declined invitations are already left out by Google), and our
 * meetings written with events.insert / update / delete, the event id derived from the meeting id.
 */
import type { CachedBusy } from '../../db/schema.js';
import { statusError } from '../http.js';
import type { TokenKeeper } from '../oauth.js';
import { CalendarError, type CalendarEventData, type CalendarSession, type CalendarToRead, type RemoteCalendar, type WrittenEvent } from '../types.js';
import { busyPeriod, chunks } from './free-busy.js';

export const GOOGLE_API = 'https://www.googleapis.com/calendar/v3';
const SERVICE = 'Google Calendar';

/** Google event ids are base32hex (0-9, a-v), 5 to 1024 characters: a uuid without dashes is one. */
export function googleEventId(meetingId: string): string {
  return meetingId.replace(/-/g, '').toLowerCase();
}

export function googleSession(tokens: TokenKeeper): CalendarSession {
  async function json<T>(what: string, url: string, init: RequestInit = {}): Promise<T> {
    const response = await tokens.fetch(url, { ...init, headers: { accept: 'application/json', ...(init.body ? { 'content-type': 'application/json' } : {}), ...(init.headers as Record<string, string>) } });
    if (!response.ok) throw await statusError(SERVICE, what, response);
    return (await response.json()) as T;
  }

  function eventBody(event: CalendarEventData) {
    return {
      id: googleEventId(event.meetingId),
      summary: event.title,
      description: event.description,
      location: event.location,
      start: { dateTime: event.start.toISOString(), timeZone: event.timeZone },
      end: { dateTime: event.end.toISOString(), timeZone: event.timeZone },
      sequence: event.sequence,
      source: { title: 'Meetings for Slack', url: event.location },
      transparency: 'opaque',
      status: 'confirmed',
    };
  }

  return {
    async listCalendars(): Promise<RemoteCalendar[]> {
      const out: RemoteCalendar[] = [];
      let pageToken: string | undefined;
      do {
        const url = new URL(`${GOOGLE_API}/users/me/calendarList`);
        url.searchParams.set('maxResults', '250');
        if (pageToken) url.searchParams.set('pageToken', pageToken);
        const page = await json<{ items?: { id: string; summary?: string; summaryOverride?: string; timeZone?: string; accessRole?: string; primary?: boolean; deleted?: boolean }[]; nextPageToken?: string }>(
          'listing the calendars',
          url.href,
        );
        for (const c of page.items ?? []) {
          if (c.deleted || c.accessRole === 'none') continue;
          out.push({ externalId: c.id, name: c.summaryOverride || c.summary || c.id, timeZone: c.timeZone, canWrite: c.accessRole === 'owner' || c.accessRole === 'writer', primary: c.primary });
        }
        pageToken = page.nextPageToken;
      } while (pageToken);
      return out;
    },

    async readBusy(calendars: CalendarToRead[], from: Date, to: Date) {
      const out = new Map<string, CachedBusy[] | CalendarError>(calendars.map((c) => [c.externalId, []]));
      if (calendars.length === 0) return out;
      try {
        for (const [timeMin, timeMax] of chunks(from, to)) {
          const answer = await json<{ calendars?: Record<string, { busy?: { start: string; end: string }[]; errors?: { domain?: string; reason?: string }[] }> }>(
            'reading free/busy time',
            `${GOOGLE_API}/freeBusy`,
            { method: 'POST', body: JSON.stringify({ timeMin: timeMin.toISOString(), timeMax: timeMax.toISOString(), items: calendars.map((c) => ({ id: c.externalId })) }) },
          );
          for (const c of calendars) {
            const entry = answer.calendars?.[c.externalId];
            const previous = out.get(c.externalId);
            if (!Array.isArray(previous)) continue;
            if (!entry) {
              out.set(c.externalId, new CalendarError('rejected', `${SERVICE} did not answer for this calendar`));
            } else if (entry.errors?.length) {
              const reason = entry.errors.map((e) => e.reason).join(', ');
              out.set(c.externalId, new CalendarError(reason.includes('notFound') ? 'auth' : 'rejected', `${SERVICE} could not read this calendar (${reason})`));
            } else {
              for (const b of entry.busy ?? []) previous.push(busyPeriod(new Date(b.start), new Date(b.end), c.timeZone));
            }
          }
        }
      } catch (error) {
        const failure = error instanceof CalendarError ? error : new CalendarError('unreachable', String(error));
        for (const c of calendars) out.set(c.externalId, failure);
      }
      return out;
    },

    async putEvent(calendarId: string, event: CalendarEventData, existing: WrittenEvent | undefined): Promise<WrittenEvent> {
      const base = `${GOOGLE_API}/calendars/${encodeURIComponent(calendarId)}/events`;
      const id = existing?.externalId ?? googleEventId(event.meetingId);
      const body = JSON.stringify(eventBody(event));
      const send = (method: 'POST' | 'PUT') =>
        tokens.fetch(method === 'POST' ? base : `${base}/${encodeURIComponent(id)}`, { method, body, headers: { 'content-type': 'application/json', accept: 'application/json' } });
      let response = await send(existing ? 'PUT' : 'POST');
      // 409: inserted before (a redelivery); 404/410 on update: deleted in the calendar meanwhile.
      if (response.status === 409) response = await send('PUT');
      else if (existing && (response.status === 404 || response.status === 410)) response = await send('POST');
      if (!response.ok) throw await statusError(SERVICE, 'saving the meeting', response);
      const saved = (await response.json()) as { id: string; etag?: string };
      return { externalId: saved.id, etag: saved.etag ?? null };
    },

    async deleteEvent(calendarId: string, existing: WrittenEvent): Promise<void> {
      const response = await tokens.fetch(`${GOOGLE_API}/calendars/${encodeURIComponent(calendarId)}/events/${encodeURIComponent(existing.externalId)}`, { method: 'DELETE' });
      if (!response.ok && response.status !== 404 && response.status !== 410) throw await statusError(SERVICE, 'removing the meeting', response);
    },
  };
}
