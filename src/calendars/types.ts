import type { CachedBusy } from '../db/schema.js';

export type CalendarProvider = 'caldav' | 'ical' | 'google' | 'microsoft';

export const PROVIDER_NAMES: Record<CalendarProvider, string> = {
  caldav: 'CalDAV',
  ical: 'iCal feed',
  google: 'Google Calendar',
  microsoft: 'Microsoft 365',
};

/** A calendar an account offers, as the provider describes it. */
export interface RemoteCalendar {
  externalId: string;
  name: string;
  timeZone?: string;
  canWrite: boolean;
  /** The account's main calendar (chosen first for write-back). */
  primary?: boolean;
}

/** A calendar to read, with what the reading needs. */
export interface CalendarToRead {
  externalId: string;
  /** Where all-day events and floating times are placed: the calendar's zone, else the person's. */
  timeZone: string;
}

/** A meeting as written into a person's calendar. */
export interface CalendarEventData {
  /** The meeting id: stable across moves. */
  meetingId: string;
  sequence: number;
  title: string;
  description: string;
  /** The person's own join link. */
  location: string;
  start: Date;
  end: Date;
  timeZone: string;
}

/** Where a written event is, to move or remove it later. */
export interface WrittenEvent {
  externalId: string;
  etag?: string | null;
}

/**
 * An account opened with its credentials. `readBusy` answers per calendar (one may fail while the
 * others are read); the other calls throw a CalendarError.
 */
export interface CalendarSession {
  listCalendars(): Promise<RemoteCalendar[]>;
  readBusy(calendars: CalendarToRead[], from: Date, to: Date): Promise<Map<string, CachedBusy[] | CalendarError>>;
  putEvent(calendarExternalId: string, event: CalendarEventData, existing: WrittenEvent | undefined): Promise<WrittenEvent>;
  deleteEvent(calendarExternalId: string, existing: WrittenEvent): Promise<void>;
}

export type CalendarErrorKind = 'auth' | 'unreachable' | 'timeout' | 'rejected' | 'rate_limited' | 'not_configured';

/** A calendar that could not be reached or read, in words its owner can act on. */
export class CalendarError extends Error {
  constructor(
    readonly kind: CalendarErrorKind,
    message: string,
    /** HTTP status from the provider, when there was one. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'CalendarError';
  }

  /** The person must connect the account again (password changed, access revoked). */
  get needsReconnect(): boolean {
    return this.kind === 'auth';
  }
}

/** The UID suffix of the events we write, so reading a calendar does not count our own meetings twice. */
export const OWN_UID_SUFFIX = '@meetings-for-slack';
