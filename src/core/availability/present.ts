import { formatInTimeZone } from 'date-fns-tz';
import { DAY_MS, offsetAt } from './local-time.js';
import type { Slot } from './types.js';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const TWO_DIGITS = Array.from({ length: 60 }, (_, n) => pad(n));

const offsets = new Map<number, string>();

function formatOffset(offsetMs: number): string {
  let text = offsets.get(offsetMs);
  if (text === undefined) {
    const minutes = Math.round(offsetMs / 60_000);
    const abs = Math.abs(minutes);
    offsets.set(offsetMs, (text = `${minutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`));
  }
  return text;
}

interface WallClock {
  /** "2026-03-03T09:30:00-05:00" */
  iso: string;
  /** "09:30" */
  time: string;
  /** "Tue 3 Mar" */
  day: string;
  offsetMs: number;
}

interface LocalDay {
  /** "2026-03-03" */
  date: string;
  /** "Tue 3 Mar" */
  day: string;
}

/** A local day's names by its number (days since 1970-01-01, the same in every zone). */
const localDays = new Map<number, LocalDay>();

function localDay(dayNumber: number): LocalDay {
  let named = localDays.get(dayNumber);
  if (!named) {
    const w = new Date(dayNumber * DAY_MS);
    const year = w.getUTCFullYear();
    const month = w.getUTCMonth();
    named = {
      date: `${year >= 1000 ? year : pad(year, 4)}-${TWO_DIGITS[month + 1]}-${TWO_DIGITS[w.getUTCDate()]}`,
      day: `${WEEKDAYS[w.getUTCDay()]} ${w.getUTCDate()} ${MONTHS[month]}`,
    };
    if (localDays.size >= 4096) localDays.clear();
    localDays.set(dayNumber, named);
  }
  return named;
}

/** A wall-clock instant (local time written as UTC milliseconds) as its day's names and its time of day. */
function splitWall(wall: number): { names: LocalDay; time: string; seconds: string; millis: number } {
  const dayNumber = Math.floor(wall / DAY_MS);
  const sinceMidnight = wall - dayNumber * DAY_MS;
  return {
    names: localDay(dayNumber),
    time: `${TWO_DIGITS[Math.floor(sinceMidnight / 3_600_000)]}:${TWO_DIGITS[Math.floor(sinceMidnight / 60_000) % 60]}`,
    seconds: TWO_DIGITS[Math.floor(sinceMidnight / 1000) % 60]!,
    millis: sinceMidnight % 1000,
  };
}

const THREE_DIGITS = Array.from({ length: 1000 }, (_, n) => pad(n, 3));
/** Instants whose year has four digits, where toISOString writes "YYYY-MM-DDTHH:mm:ss.sssZ". */
const FOUR_DIGIT_YEARS = [Date.parse('0000-01-01T00:00:00Z'), Date.parse('+010000-01-01T00:00:00Z')] as const;

/** What Date#toISOString writes, from the day's names made once (a slot list has a handful of days). */
function isoUtc(date: Date): string {
  const ms = date.getTime();
  if (!(ms >= FOUR_DIGIT_YEARS[0] && ms < FOUR_DIGIT_YEARS[1])) return date.toISOString();
  const w = splitWall(ms);
  return `${w.names.date}T${w.time}:${w.seconds}.${THREE_DIGITS[w.millis]}Z`;
}

// Wall-clock fields come from the engine's cached zone offsets and each local day's names, made
// once: formatting through date-fns-tz costs a fresh Intl call per field, and an availability
// answer presents hundreds of slots on a handful of days.
function wallClock(ms: number, timeZone: string): WallClock {
  const offsetMs = offsetAt(timeZone, ms);
  const w = splitWall(ms + offsetMs);
  return { iso: `${w.names.date}T${w.time}:${w.seconds}${formatOffset(offsetMs)}`, time: w.time, day: w.names.day, offsetMs };
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
  return wallClock(date.getTime(), timeZone).iso;
}

/** "09:30" in the zone. */
export function formatLocalTime(date: Date, timeZone: string): string {
  return wallClock(date.getTime(), timeZone).time;
}

/** "Tue 3 Mar" in the zone. */
export function formatLocalDay(date: Date, timeZone: string): string {
  return wallClock(date.getTime(), timeZone).day;
}

/**
 * "Tue 3 Mar, 09:30–10:00", or "Tue 3 Mar, 23:30 – Wed 4 Mar, 00:30" across local midnight.
 * When the zone's offset changes inside the slot (a DST night) both times name their zone
 * ("01:30 EDT–01:00 EST"), since the bare times would read backwards.
 */
export function formatSlotLabel(start: Date, end: Date, timeZone: string): string {
  return slotLabel(start, end, wallClock(start.getTime(), timeZone), wallClock(end.getTime(), timeZone), timeZone);
}

function slotLabel(start: Date, end: Date, from: WallClock, until: WallClock, timeZone: string): string {
  const sameOffset = from.offsetMs === until.offsetMs;
  const fromTime = sameOffset ? from.time : formatInTimeZone(start, timeZone, 'HH:mm zzz');
  const untilTime = sameOffset ? until.time : formatInTimeZone(end, timeZone, 'HH:mm zzz');
  return from.day === until.day ? `${from.day}, ${fromTime}–${untilTime}` : `${from.day}, ${fromTime} – ${until.day}, ${untilTime}`;
}

export function presentSlot(slot: Slot, viewerTimeZone: string): PresentedSlot {
  const from = wallClock(slot.start.getTime(), viewerTimeZone);
  const until = wallClock(slot.end.getTime(), viewerTimeZone);
  return {
    start: from.iso,
    end: until.iso,
    startUtc: isoUtc(slot.start),
    endUtc: isoUtc(slot.end),
    label: slotLabel(slot.start, slot.end, from, until, viewerTimeZone),
    hostIds: [...slot.hostIds],
  };
}
