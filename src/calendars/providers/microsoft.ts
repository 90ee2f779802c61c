/**
 * Microsoft 365 (work and school accounts) over OAuth with Microsoft Graph: busy time from
 * calendar getSchedule for the person's own mailbox (busy, tentative and out-of-office block;
 * free and working-elsewhere do not), and our meetings written with /me/events (create with a
 * transactionId so a retried create makes one event, PATCH to move, DELETE to cancel).
 */
import type { CachedBusy } from '../../db/schema.js';
import { statusError } from '../http.js';
import type { TokenKeeper } from '../oauth.js';
import { CalendarError, type CalendarEventData, type CalendarSession, type CalendarToRead, type RemoteCalendar, type WrittenEvent } from '../types.js';
import { busyPeriod, chunks } from './free-busy.js';

export const GRAPH_API = 'https://graph.microsoft.com/v1.0';
const SERVICE = 'Microsoft 365';
const BUSY_STATUSES = new Set(['busy', 'tentative', 'oof']);
/** The one calendar a Microsoft account offers here: its mailbox's schedule. */
export const MAILBOX_SCHEDULE = 'schedule';

export interface ScheduleItem {
  status: string;
  start: { dateTime: string; timeZone: string };
  end: { dateTime: string; timeZone: string };
}

export function microsoftSession(tokens: TokenKeeper, mailbox: string): CalendarSession {
  async function call(what: string, url: string, init: RequestInit = {}): Promise<Response> {
    const response = await tokens.fetch(url, {
      ...init,
      headers: { accept: 'application/json', ...(init.body ? { 'content-type': 'application/json' } : {}), prefer: 'outlook.timezone="UTC"', ...(init.headers as Record<string, string>) },
    });
    if (!response.ok) throw await statusError(SERVICE, what, response);
    return response;
  }

  const eventBody = (event: CalendarEventData) => ({
    subject: event.title,
    body: { contentType: 'text', content: event.description },
    start: { dateTime: graphDateTime(event.start), timeZone: 'UTC' },
    end: { dateTime: graphDateTime(event.end), timeZone: 'UTC' },
    location: { displayName: event.location, locationUri: event.location },
    showAs: 'busy',
    isReminderOn: false,
  });

  return {
    async listCalendars(): Promise<RemoteCalendar[]> {
      return [{ externalId: MAILBOX_SCHEDULE, name: `Outlook calendar (${mailbox})`, canWrite: true, primary: true }];
    },

    async readBusy(calendars: CalendarToRead[], from: Date, to: Date) {
      const out = new Map<string, CachedBusy[] | CalendarError>();
      const zone = calendars[0]?.timeZone ?? 'UTC';
      let result: CachedBusy[] | CalendarError = [];
      try {
        for (const [start, end] of chunks(from, to)) {
          const response = await call('reading free/busy time', `${GRAPH_API}/me/calendar/getSchedule`, {
            method: 'POST',
            body: JSON.stringify({
              schedules: [mailbox],
              startTime: { dateTime: graphDateTime(start), timeZone: 'UTC' },
              endTime: { dateTime: graphDateTime(end), timeZone: 'UTC' },
              availabilityViewInterval: 15,
            }),
          });
          const answer = (await response.json()) as { value?: { scheduleId: string; scheduleItems?: ScheduleItem[]; error?: { message?: string; responseCode?: string } }[] };
          const schedule = answer.value?.[0];
          if (!schedule) throw new CalendarError('rejected', `${SERVICE} answered without a schedule`);
          if (schedule.error) throw new CalendarError('rejected', `${SERVICE} could not read the schedule (${schedule.error.responseCode ?? ''} ${schedule.error.message ?? ''})`.trim());
          for (const item of schedule.scheduleItems ?? []) {
            if (!BUSY_STATUSES.has(item.status)) continue;
            (result as CachedBusy[]).push(busyPeriod(graphInstant(item.start), graphInstant(item.end), zone));
          }
        }
      } catch (error) {
        result = error instanceof CalendarError ? error : new CalendarError('unreachable', String(error));
      }
      for (const c of calendars) out.set(c.externalId, result);
      return out;
    },

    async putEvent(_calendar: string, event: CalendarEventData, existing: WrittenEvent | undefined): Promise<WrittenEvent> {
      if (existing) {
        const response = await tokens.fetch(`${GRAPH_API}/me/events/${encodeURIComponent(existing.externalId)}`, {
          method: 'PATCH',
          body: JSON.stringify(eventBody(event)),
          headers: { 'content-type': 'application/json', accept: 'application/json' },
        });
        if (response.ok) {
          const saved = (await response.json()) as { id: string; changeKey?: string };
          return { externalId: saved.id, etag: saved.changeKey ?? null };
        }
        if (response.status !== 404) throw await statusError(SERVICE, 'moving the meeting', response);
      }
      // transactionId: Graph makes one event however often the same create is retried.
      const response = await call('saving the meeting', `${GRAPH_API}/me/events`, {
        method: 'POST',
        body: JSON.stringify({ ...eventBody(event), transactionId: `${event.meetingId}-${event.sequence}` }),
      });
      const saved = (await response.json()) as { id: string; changeKey?: string };
      return { externalId: saved.id, etag: saved.changeKey ?? null };
    },

    async deleteEvent(_calendar: string, existing: WrittenEvent): Promise<void> {
      const response = await tokens.fetch(`${GRAPH_API}/me/events/${encodeURIComponent(existing.externalId)}`, { method: 'DELETE' });
      if (!response.ok && response.status !== 404) throw await statusError(SERVICE, 'removing the meeting', response);
    },
  };
}

/** Graph's dateTimeTimeZone: "2027-03-01T09:00:00.0000000" in the named zone (UTC here, as we ask for). */
function graphDateTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, '');
}

function graphInstant(value: { dateTime: string; timeZone: string }): Date {
  if (value.timeZone && value.timeZone.toUpperCase() !== 'UTC') throw new CalendarError('rejected', `${SERVICE} answered in ${value.timeZone}, not UTC as asked`);
  return new Date(`${value.dateTime.replace(/(\.\d{3})\d*$/, '$1')}Z`);
}

/** The signed-in person's address (for getSchedule and the account's label). */
export async function microsoftMailbox(tokens: TokenKeeper): Promise<string> {
  const response = await tokens.fetch(`${GRAPH_API}/me?$select=mail,userPrincipalName`, { headers: { accept: 'application/json' } });
  if (!response.ok) throw await statusError(SERVICE, 'reading the account', response);
  const me = (await response.json()) as { mail?: string | null; userPrincipalName?: string };
  const address = me.mail || me.userPrincipalName;
  if (!address) throw new CalendarError('rejected', `${SERVICE} did not say which mailbox this account has`);
  return address;
}
