import { formatInTimeZone } from 'date-fns-tz';
import { offsetAt } from './local-time.js';
import type { Slot } from './types.js';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// Wall-clock fields come from the engine's cached zone offsets, read with UTC getters: formatting
// through date-fns-tz costs a fresh Intl call per field and dominated the availability endpoint.
function wallClock(date: Date, timeZone: string): { wall: Date; offsetMs: number } {
  const offsetMs = offsetAt(timeZone, date.getTime());
  return { wall: new Date(date.getTime() + offsetMs), offsetMs };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function formatOffset(offsetMs: number): string {
  const minutes = Math.round(offsetMs / 60_000);
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

export interface PresentedSlot {
  /** ISO 8601 in the viewer's zone with its offset, e.g. "2026-03-03T09:30:00-05:00". */
  start: string;
  end: string;
  /** ISO 8601 in UTC, e.g. "2026-03-03T14:30:00.000Z". */
  startUtc: string;
  endUtc: string;
  /** e.g. "Tue 3 Mar, 09:30–10:00"; a slot ending on a later local day names both days. */
  label: string;
  hostIds: string[];
}

/** ISO 8601 local date-time with offset ("+00:00" rather than "Z" for a zero offset). */
export function formatIsoInZone(date: Date, timeZone: string): string {
  const { wall: w, offsetMs } = wallClock(date, timeZone);
  return `${pad(w.getUTCFullYear(), 4)}-${pad(w.getUTCMonth() + 1)}-${pad(w.getUTCDate())}T${pad(w.getUTCHours())}:${pad(w.getUTCMinutes())}:${pad(
    w.getUTCSeconds(),
  )}${formatOffset(offsetMs)}`;
}

/** "09:30" in the zone. */
export function formatLocalTime(date: Date, timeZone: string): string {
  const { wall: w } = wallClock(date, timeZone);
  return `${pad(w.getUTCHours())}:${pad(w.getUTCMinutes())}`;
}

/** "Tue 3 Mar" in the zone. */
export function formatLocalDay(date: Date, timeZone: string): string {
  const { wall: w } = wallClock(date, timeZone);
  return `${WEEKDAYS[w.getUTCDay()]} ${w.getUTCDate()} ${MONTHS[w.getUTCMonth()]}`;
}

/**
 * "Tue 3 Mar, 09:30–10:00", or "Tue 3 Mar, 23:30 – Wed 4 Mar, 00:30" across local midnight.
 * When the zone's offset changes inside the slot (a DST night) both times name their zone
 * ("01:30 EDT–01:00 EST"), since the bare times would read backwards.
 */
export function formatSlotLabel(start: Date, end: Date, timeZone: string): string {
  const sameOffset = offsetAt(timeZone, start.getTime()) === offsetAt(timeZone, end.getTime());
  const from = sameOffset ? formatLocalTime(start, timeZone) : formatInTimeZone(start, timeZone, 'HH:mm zzz');
  const until = sameOffset ? formatLocalTime(end, timeZone) : formatInTimeZone(end, timeZone, 'HH:mm zzz');
  const startDay = formatLocalDay(start, timeZone);
  const endDay = formatLocalDay(end, timeZone);
  return startDay === endDay ? `${startDay}, ${from}–${until}` : `${startDay}, ${from} – ${endDay}, ${until}`;
}

export function presentSlot(slot: Slot, viewerTimeZone: string): PresentedSlot {
  return {
    start: formatIsoInZone(slot.start, viewerTimeZone),
    end: formatIsoInZone(slot.end, viewerTimeZone),
    startUtc: slot.start.toISOString(),
    endUtc: slot.end.toISOString(),
    label: formatSlotLabel(slot.start, slot.end, viewerTimeZone),
    hostIds: [...slot.hostIds],
  };
}
