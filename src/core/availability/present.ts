import { formatInTimeZone } from 'date-fns-tz';
import type { Slot } from './types.js';

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
  return formatInTimeZone(date, timeZone, "yyyy-MM-dd'T'HH:mm:ssxxx");
}

/** "09:30" in the zone. */
export function formatLocalTime(date: Date, timeZone: string): string {
  return formatInTimeZone(date, timeZone, 'HH:mm');
}

/** "Tue 3 Mar" in the zone. */
export function formatLocalDay(date: Date, timeZone: string): string {
  return formatInTimeZone(date, timeZone, 'EEE d MMM');
}

/**
 * "Tue 3 Mar, 09:30–10:00", or "Tue 3 Mar, 23:30 – Wed 4 Mar, 00:30" across local midnight.
 * When the zone's offset changes inside the slot (a DST night) both times name their zone
 * ("01:30 EDT–01:00 EST"), since the bare times would read backwards.
 */
export function formatSlotLabel(start: Date, end: Date, timeZone: string): string {
  const pattern = formatInTimeZone(start, timeZone, 'xxx') === formatInTimeZone(end, timeZone, 'xxx') ? 'HH:mm' : 'HH:mm zzz';
  const from = formatInTimeZone(start, timeZone, pattern);
  const until = formatInTimeZone(end, timeZone, pattern);
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
