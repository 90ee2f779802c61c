/**
 * Wall-clock arithmetic in IANA time zones.
 *
 * Local dates are "YYYY-MM-DD" strings at the edges and "day numbers" (days since 1970-01-01 in
 * the proleptic Gregorian calendar) inside. A "wall" value is a local date-time written as if it
 * were UTC milliseconds: wall = dayNumber * DAY_MS + minutes * MINUTE_MS.
 */

export type LocalDate = string;

export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
export const MINUTES_PER_DAY = 1440;

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const YMD = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "HH:MM" (00:00–23:59) to minutes after local midnight. */
export function parseLocalTime(value: string): number {
  const m = HHMM.exec(value);
  if (!m) throw new RangeError(`Invalid local time "${value}": expected HH:MM between 00:00 and 23:59`);
  return Number(m[1]) * 60 + Number(m[2]);
}

export function isValidLocalTime(value: string): boolean {
  return HHMM.test(value);
}

/** Minutes after midnight to "HH:MM" (wraps at 24 h). */
export function formatMinutes(minutes: number): string {
  const m = ((minutes % MINUTES_PER_DAY) + MINUTES_PER_DAY) % MINUTES_PER_DAY;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/**
 * The minutes (after the start day's midnight) a range occupies. An end of "23:59" is the end of
 * the day; an end before the start is on the next day; an end equal to the start leaves the
 * range empty (so an override of 00:00–00:00 is a day off, as in Cal.com).
 */
export function rangeMinutes(start: string, end: string): { startMinute: number; endMinute: number } {
  const startMinute = parseLocalTime(start);
  let endMinute = end === '23:59' ? MINUTES_PER_DAY : parseLocalTime(end);
  if (endMinute < startMinute) endMinute += MINUTES_PER_DAY;
  return { startMinute, endMinute };
}

export function dayNumberOf(date: LocalDate): number {
  const m = YMD.exec(date);
  if (m) {
    const d = new Date(0);
    d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    if (
      d.getUTCFullYear() === Number(m[1]) &&
      d.getUTCMonth() === Number(m[2]) - 1 &&
      d.getUTCDate() === Number(m[3])
    ) {
      return Math.floor(d.getTime() / DAY_MS);
    }
  }
  throw new RangeError(`Invalid local date "${date}": expected a real calendar date YYYY-MM-DD`);
}

export function isValidLocalDate(date: string): boolean {
  try {
    dayNumberOf(date);
    return true;
  } catch {
    return false;
  }
}

export function localDateOfDayNumber(day: number): LocalDate {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addLocalDays(date: LocalDate, days: number): LocalDate {
  return localDateOfDayNumber(dayNumberOf(date) + days);
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(date: LocalDate): number {
  return new Date(dayNumberOf(date) * DAY_MS).getUTCDay();
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

const knownTimeZones = new Set<string>();

export function isValidTimeZone(timeZone: string): boolean {
  if (typeof timeZone !== 'string' || timeZone.length === 0) return false;
  if (knownTimeZones.has(timeZone)) return true;
  try {
    // Building a formatter is the check, and a costly one: remember the zones that passed.
    new Intl.DateTimeFormat(undefined, { timeZone });
    if (knownTimeZones.size < 1000) knownTimeZones.add(timeZone);
    return true;
  } catch {
    return false;
  }
}

const HOUR_MS = 3_600_000;
const OFFSET_CACHE_LIMIT = 200_000;
/** Per zone: UTC hour number -> the offset throughout that hour, or NaN if it changes inside. */
const offsetsByHour = new Map<string, Map<number, number>>();

/** Offset of the zone at an instant, in ms (local wall minus UTC). */
export function offsetAt(timeZone: string, instant: number): number {
  let zone = offsetsByHour.get(timeZone);
  if (!zone || zone.size > OFFSET_CACHE_LIMIT) {
    zone = new Map();
    offsetsByHour.set(timeZone, zone);
  }
  const hour = Math.floor(instant / HOUR_MS);
  let offset = zone.get(hour);
  if (offset === undefined) {
    // Zones change offset at most once within an hour, so equal ends mean a constant hour.
    const first = computeOffset(timeZone, hour * HOUR_MS);
    offset = first === computeOffset(timeZone, hour * HOUR_MS + HOUR_MS - 1000) ? first : Number.NaN;
    zone.set(hour, offset);
  }
  return Number.isNaN(offset) ? computeOffset(timeZone, instant) : offset;
}

function computeOffset(timeZone: string, instant: number): number {
  const parts = formatterFor(timeZone).formatToParts(instant);
  let y = 0;
  let mo = 0;
  let d = 0;
  let h = 0;
  let mi = 0;
  let s = 0;
  for (const p of parts) {
    switch (p.type) {
      case 'year':
        y = Number(p.value);
        break;
      case 'month':
        mo = Number(p.value);
        break;
      case 'day':
        d = Number(p.value);
        break;
      case 'hour':
        h = Number(p.value);
        break;
      case 'minute':
        mi = Number(p.value);
        break;
      case 'second':
        s = Number(p.value);
        break;
    }
  }
  const wall = new Date(0);
  wall.setUTCFullYear(y, mo - 1, d);
  wall.setUTCHours(h, mi, s, 0);
  const utcSeconds = instant - (((instant % 1000) + 1000) % 1000);
  return wall.getTime() - utcSeconds;
}

/** Local wall value (see top of file) of an instant. */
export function toWall(instant: number, timeZone: string): number {
  return instant + offsetAt(timeZone, instant);
}

/**
 * The instant at which the zone's clocks show `wall`.
 * - In a fall-back overlap (the wall time happens twice) the earlier instant is chosen.
 * - In a spring-forward gap (the wall time never happens) the first instant after the gap is
 *   chosen, e.g. 02:30 on 2026-03-08 in America/New_York becomes 03:00 EDT.
 */
export function fromWall(wall: number, timeZone: string): number {
  const before = offsetAt(timeZone, wall - DAY_MS);
  const after = offsetAt(timeZone, wall + DAY_MS);
  const offsets = new Set([before, after, offsetAt(timeZone, wall - before), offsetAt(timeZone, wall - after)]);
  let best: number | undefined;
  for (const o of offsets) {
    const t = wall - o;
    if (offsetAt(timeZone, t) === o && (best === undefined || t < best)) best = t;
  }
  if (best !== undefined) return best;
  // In a gap: the transition instant T satisfies wall - after < T <= wall - before.
  let lo = wall - Math.max(before, after);
  let hi = wall - Math.min(before, after);
  const loOffset = offsetAt(timeZone, lo);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (offsetAt(timeZone, mid) === loOffset) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** The local date of an instant in a zone. */
export function localDateOf(instant: Date, timeZone: string): LocalDate {
  return localDateOfDayNumber(localDayNumberOf(instant.getTime(), timeZone));
}

export function localDayNumberOf(instant: number, timeZone: string): number {
  return Math.floor(toWall(instant, timeZone) / DAY_MS);
}

/** Minutes after local midnight of an instant (seconds dropped). */
export function localMinuteOf(instant: Date, timeZone: string): number {
  const wall = toWall(instant.getTime(), timeZone);
  return Math.floor((((wall % DAY_MS) + DAY_MS) % DAY_MS) / MINUTE_MS);
}

/**
 * The UTC instant of a local date and time in a zone. `time` is "HH:MM" or minutes after
 * midnight (may exceed 1440 to reach later days). Gaps and overlaps as in {@link fromWall}.
 */
export function localToUtc(date: LocalDate, time: string | number, timeZone: string): Date {
  const minutes = typeof time === 'number' ? time : parseLocalTime(time);
  return new Date(fromWall(dayNumberOf(date) * DAY_MS + minutes * MINUTE_MS, timeZone));
}

/** The first instant of a local date (its midnight, or the end of a gap at midnight). */
export function startOfLocalDay(date: LocalDate, timeZone: string): Date {
  return localToUtc(date, 0, timeZone);
}
