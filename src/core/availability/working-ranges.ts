import { mergeSpans, toInterval, type Span } from './intervals.js';
import {
  DAY_MS,
  MINUTE_MS,
  dayNumberOf,
  fromWall,
  localDayNumberOf,
  rangeMinutes,
  type LocalDate,
} from './local-time.js';
import { matchingDays } from './recurrence.js';
import type { HostSchedule, Interval, LocalRange } from './types.js';

interface MinuteRange {
  startMinute: number;
  endMinute: number;
}

export interface ExpandedSchedule {
  /**
   * One span per range as placed on its day, sorted by start, not merged. Slot grids start at
   * each of these starts.
   */
  raw: Span[];
  /** The same, merged (overlapping and touching spans joined): the host's working time. */
  merged: Span[];
}

function toMinutes(r: LocalRange): MinuteRange {
  return rangeMinutes(r.start, r.end);
}

/**
 * Ranges placed on local days fromDay..toDay (inclusive) of the schedule's zone. A range belongs
 * to the day it starts on, so a 22:00–02:00 range of a Monday ends on Tuesday even when
 * Tuesday has an override.
 */
export function expandDays(schedule: HostSchedule, fromDay: number, toDay: number): ExpandedSchedule {
  const byDay = new Map<number, MinuteRange[]>();
  const overridden = new Set<number>();
  for (const o of schedule.overrides) {
    const day = dayNumberOf(o.date);
    if (day < fromDay || day > toDay) continue;
    overridden.add(day);
    const list = byDay.get(day) ?? [];
    for (const r of o.ranges) list.push(toMinutes(r));
    byDay.set(day, list);
  }
  for (const rule of schedule.rules) {
    const range = toMinutes(rule);
    for (const day of matchingDays(rule.rrule, fromDay, toDay, rule.anchorDate)) {
      if (overridden.has(day)) continue;
      const list = byDay.get(day);
      if (list) list.push(range);
      else byDay.set(day, [range]);
    }
  }
  const raw: Span[] = [];
  const tz = schedule.timeZone;
  for (const [day, ranges] of byDay) {
    const midnight = day * DAY_MS;
    for (const r of ranges) {
      const start = fromWall(midnight + r.startMinute * MINUTE_MS, tz);
      const end = fromWall(midnight + r.endMinute * MINUTE_MS, tz);
      // A range inside a spring-forward gap collapses to nothing.
      if (end > start) raw.push({ start, end });
    }
  }
  raw.sort((a, b) => a.start - b.start || a.end - b.end);
  return { raw, merged: mergeSpans(raw) };
}

/**
 * Every range that can hold an instant in [from, to), whole (not clipped). A range lasts at
 * most 24 hours and belongs to its start day, so starting the day before `from` is enough.
 */
export function expandSpans(schedule: HostSchedule, from: number, to: number): ExpandedSchedule {
  const tz = schedule.timeZone;
  const fromDay = localDayNumberOf(from, tz) - 1;
  const toDay = localDayNumberOf(Math.max(from, to), tz) + 1;
  return expandDays(schedule, fromDay, toDay);
}

/**
 * The host's working time in [from, to) as sorted, merged UTC intervals. With `clip: false`
 * the intervals overlapping the window are returned whole.
 */
export function expandWorkingRanges(
  schedule: HostSchedule,
  from: Date,
  to: Date,
  options: { clip?: boolean } = {},
): Interval[] {
  const f = from.getTime();
  const t = to.getTime();
  if (!(t > f)) return [];
  const clip = options.clip ?? true;
  const out: Interval[] = [];
  for (const s of expandSpans(schedule, f, t).merged) {
    if (s.end <= f || s.start >= t) continue;
    out.push(toInterval(clip ? { start: Math.max(s.start, f), end: Math.min(s.end, t) } : s));
  }
  return out;
}

/** The local ranges that apply to one local date: its override, or the matching weekly rules. */
export function rangesForLocalDate(schedule: HostSchedule, date: LocalDate): LocalRange[] {
  const day = dayNumberOf(date);
  const overrides = schedule.overrides.filter((o) => dayNumberOf(o.date) === day);
  if (overrides.length > 0) return overrides.flatMap((o) => o.ranges.map((r) => ({ start: r.start, end: r.end })));
  return schedule.rules
    .filter((rule) => matchingDays(rule.rrule, day, day, rule.anchorDate).length > 0)
    .map((rule) => ({ start: rule.start, end: rule.end }));
}
