/**
 * Busy time from iCalendar text (an iCal feed, or CalDAV calendar objects), with ical.js:
 * recurrence rules, RDATE/EXDATE, overridden and cancelled occurrences (RECURRENCE-ID), and time
 * zones (a VTIMEZONE in the file, an IANA TZID without one, UTC, floating times). Free events
 * (TRANSP:TRANSPARENT), cancelled ones, and invitations the owner declined do not make busy time;
 * our own written meetings (UID …@meetings-for-slack) are left out, as the bookings already count.
 */
import ICAL from 'ical.js';
import { isValidTimeZone, localToUtc } from '../core/availability/index.js';
import type { CachedBusy } from '../db/schema.js';
import { OWN_UID_SUFFIX } from './types.js';

export interface ICalReadOptions {
  from: Date;
  to: Date;
  /** Zone for all-day events and floating times. */
  timeZone: string;
  /** The owner's addresses: an ATTENDEE with one of them and PARTSTAT=DECLINED is not busy. */
  ownerEmails?: readonly string[];
}

/** Occurrences of one event looked at, at most (a daily rule from years back still reaches today). */
const MAX_OCCURRENCES = 20_000;

export class ICalParseError extends Error {}

type Time = InstanceType<typeof ICAL.Time>;
type Component = InstanceType<typeof ICAL.Component>;

/** Busy intervals overlapping [from, to) from one or more iCalendar documents, sorted. */
export function busyFromICalendar(documents: readonly string[], options: ICalReadOptions): CachedBusy[] {
  const out: CachedBusy[] = [];
  const from = options.from.getTime();
  const to = options.to.getTime();
  const owners = new Set((options.ownerEmails ?? []).map((e) => e.toLowerCase()));
  for (const text of documents) {
    if (!text.trim()) continue;
    let root: Component;
    try {
      root = new ICAL.Component(ICAL.parse(text) as any[]);
    } catch (error) {
      throw new ICalParseError(`not an iCalendar file (${error instanceof Error ? error.message : error})`);
    }
    const byUid = new Map<string, { master?: Component; exceptions: Component[] }>();
    for (const vevent of root.getAllSubcomponents('vevent')) {
      const uid = String(vevent.getFirstPropertyValue('uid') ?? crypto.randomUUID());
      const entry = byUid.get(uid) ?? { exceptions: [] };
      if (vevent.hasProperty('recurrence-id')) entry.exceptions.push(vevent);
      else entry.master = vevent;
      byUid.set(uid, entry);
    }
    for (const [uid, { master, exceptions }] of byUid) {
      if (uid.endsWith(OWN_UID_SUFFIX)) continue;
      if (!master) {
        // Overridden occurrences whose series is not in this document: each stands alone.
        for (const e of exceptions) addOccurrence(out, new ICAL.Event(e), e, null, options, owners, from, to);
        continue;
      }
      const event = new ICAL.Event(master, { strictExceptions: false, exceptions });
      if (!event.isRecurring()) {
        addOccurrence(out, event, master, null, options, owners, from, to);
        continue;
      }
      const iterator = event.iterator();
      const seriesZone = zoneOf(master, 'dtstart');
      for (let n = 0; n < MAX_OCCURRENCES; n++) {
        const next = iterator.next();
        if (!next) break;
        // Occurrences come in order of their original start; an override may move one by up to a year.
        const original = instantOf(next, seriesZone, options.timeZone);
        if (original >= to + 366 * 86_400_000) break;
        const details = event.getOccurrenceDetails(next);
        if (original < from - 366 * 86_400_000 && details.item.component === master) continue;
        addOccurrence(out, details.item, details.item.component, details, options, owners, from, to);
      }
    }
  }
  return out.sort((a, b) => a.start.localeCompare(b.start));
}

function addOccurrence(
  out: CachedBusy[],
  event: InstanceType<typeof ICAL.Event>,
  component: Component,
  details: { startDate: Time; endDate: Time } | null,
  options: ICalReadOptions,
  owners: Set<string>,
  from: number,
  to: number,
): void {
  if (String(component.getFirstPropertyValue('status') ?? '').toUpperCase() === 'CANCELLED') return;
  if (String(component.getFirstPropertyValue('transp') ?? '').toUpperCase() === 'TRANSPARENT') return;
  if (declinedByOwner(component, owners)) return;
  const startTime = details?.startDate ?? event.startDate;
  if (!startTime) return;
  const endTime = details?.endDate ?? event.endDate;
  const startZone = zoneOf(component, 'dtstart');
  const endZone = zoneOf(component, 'dtend') ?? startZone;
  const start = instantOf(startTime, startZone, options.timeZone);
  let end = endTime ? instantOf(endTime, endZone, options.timeZone) : start;
  if (startTime.isDate && end <= start) end = instantOf(nextDay(startTime), startZone, options.timeZone);
  if (!(end > start) || end <= from || start >= to) return;
  out.push({ start: new Date(start).toISOString(), end: new Date(end).toISOString(), ...(startTime.isDate ? { allDay: true } : {}) });
}

function declinedByOwner(component: Component, owners: Set<string>): boolean {
  if (owners.size === 0) return false;
  for (const attendee of component.getAllProperties('attendee')) {
    const address = String(attendee.getFirstValue() ?? '').replace(/^mailto:/i, '').toLowerCase();
    if (owners.has(address) && String(attendee.getParameter('partstat') ?? '').toUpperCase() === 'DECLINED') return true;
  }
  return false;
}

/** The TZID a property names (ical.js drops it from the times a recurrence yields). */
function zoneOf(component: Component, property: 'dtstart' | 'dtend'): string | undefined {
  const tzid = component.getFirstProperty(property)?.getParameter('tzid');
  return typeof tzid === 'string' && tzid ? tzid : undefined;
}

function nextDay(t: Time): Time {
  return t.clone().adjust(1, 0, 0, 0);
}

/**
 * The UTC instant of an ical.js time: UTC as is; a zone the file defines (VTIMEZONE) through
 * ical.js; an IANA TZID through our own zone arithmetic; all-day dates and floating times in the
 * calendar's zone.
 */
function instantOf(t: Time, namedZone: string | undefined, fallbackZone: string): number {
  const date = `${String(t.year).padStart(4, '0')}-${String(t.month).padStart(2, '0')}-${String(t.day).padStart(2, '0')}`;
  if (t.isDate) return localToUtc(date, 0, fallbackZone).getTime();
  const zone = t.zone as { tzid?: string; component?: unknown } | undefined;
  const own = zone?.tzid && zone.tzid !== 'floating' ? zone.tzid : undefined;
  const tzid = own ?? (t as { timezone?: string }).timezone ?? namedZone;
  if (tzid === 'UTC' || tzid === 'Z' || zone === ICAL.Timezone.utcTimezone) {
    return Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
  }
  if (tzid && tzid !== 'floating' && isValidTimeZone(tzid)) return localToUtc(date, t.hour * 60 + t.minute, tzid).getTime() + t.second * 1000;
  if (zone?.component) return t.toUnixTime() * 1000;
  return localToUtc(date, t.hour * 60 + t.minute, fallbackZone).getTime() + t.second * 1000;
}
