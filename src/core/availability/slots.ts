import { firstEndingAfter, mergeSpans, subtractSpans, type Span } from './intervals.js';
import { DAY_MS, MINUTE_MS, localDayNumberOf } from './local-time.js';
import type { HostAvailabilityInput, Slot, SlotQuery, SlotRules } from './types.js';
import { expandSpans } from './working-ranges.js';

/** A query for checking one start: the window is optional (notice and horizon still apply). */
export type AvailabilityCheckQuery = SlotRules & { now: Date; from?: Date; to?: Date };

export type UnavailableReason =
  | 'outside-window'
  | 'too-soon'
  | 'beyond-horizon'
  | 'outside-working-hours'
  | 'off-grid'
  | 'daily-limit'
  | 'busy';

export type SlotCheck = { available: true } | { available: false; reason: UnavailableReason };

interface Bounds {
  /** Slot starts lie in [lo, hi). */
  lo: number;
  hi: number;
  duration: number;
  step: number;
}

/** What a host's availability looks like around a window, in epoch ms. */
interface HostPlan {
  hostId: string;
  /** Each range as placed on its day (grid origins), sorted by start. */
  raw: Span[];
  /** Merged working time. */
  working: Span[];
  /** Working time minus busy intervals widened by both bookings' buffers. */
  free: Span[];
  timeZone: string;
  /** Local day numbers (host zone) on which no slot may start: the daily limit is reached. */
  limited: Set<number>;
  /** Every day is limited (dailyLimit 0). */
  closed: boolean;
}

function requireNumber(name: string, value: number, min: number, exclusive: boolean): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || (exclusive ? value <= min : value < min)) {
    throw new RangeError(`${name} must be a finite number ${exclusive ? '>' : '>='} ${min}, got ${String(value)}`);
  }
}

function requireDate(name: string, value: Date): number {
  const t = value instanceof Date ? value.getTime() : Number.NaN;
  if (Number.isNaN(t)) throw new RangeError(`${name} must be a valid Date`);
  return t;
}

function checkRules(rules: SlotRules): void {
  requireNumber('durationMinutes', rules.durationMinutes, 0, true);
  requireNumber('slotIntervalMinutes', rules.slotIntervalMinutes, 0, true);
  requireNumber('bufferBeforeMinutes', rules.bufferBeforeMinutes, 0, false);
  requireNumber('bufferAfterMinutes', rules.bufferAfterMinutes, 0, false);
  requireNumber('minimumNoticeMinutes', rules.minimumNoticeMinutes, 0, false);
  requireNumber('bookingHorizonDays', rules.bookingHorizonDays, 0, false);
  if (rules.dailyLimit !== null) requireNumber('dailyLimit', rules.dailyLimit, 0, false);
}

/** [earliest, latest) allowed starts from notice and horizon alone. */
function noticeAndHorizon(query: AvailabilityCheckQuery): { earliest: number; latest: number } {
  const now = requireDate('now', query.now);
  return {
    earliest: now + query.minimumNoticeMinutes * MINUTE_MS,
    latest: now + query.bookingHorizonDays * DAY_MS,
  };
}

function boundsOf(query: SlotQuery): Bounds {
  checkRules(query);
  const from = requireDate('from', query.from);
  const to = requireDate('to', query.to);
  const { earliest, latest } = noticeAndHorizon(query);
  return {
    lo: Math.max(from, earliest),
    hi: Math.min(to, latest),
    duration: query.durationMinutes * MINUTE_MS,
    step: query.slotIntervalMinutes * MINUTE_MS,
  };
}

/** Local days (host zone) that already hold `limit` busy intervals, for starts in [lo, hi). */
function limitedDays(input: HostAvailabilityInput, limit: number, lo: number, hi: number): Set<number> {
  const out = new Set<number>();
  const tz = input.schedule.timeZone;
  const firstDay = localDayNumberOf(lo, tz);
  const lastDay = localDayNumberOf(hi, tz);
  const counts = new Map<number, number>();
  for (const b of input.busy) {
    if (b.external) continue;
    const t = b.start.getTime();
    // Zone offsets stay within ±1 day, so busy intervals farther out cannot share a local day.
    if (t < lo - 2 * DAY_MS || t > hi + 2 * DAY_MS) continue;
    const day = localDayNumberOf(t, tz);
    if (day >= firstDay && day <= lastDay) counts.set(day, (counts.get(day) ?? 0) + 1);
  }
  for (const [day, count] of counts) if (count >= limit) out.add(day);
  return out;
}

function isLimited(plan: HostPlan, start: number): boolean {
  return plan.closed || (plan.limited.size > 0 && plan.limited.has(localDayNumberOf(start, plan.timeZone)));
}

function planHost(input: HostAvailabilityInput, rules: SlotRules, lo: number, hi: number, duration: number): HostPlan {
  const { raw, merged } = expandSpans(input.schedule, lo, hi + duration);
  const before = rules.bufferBeforeMinutes * MINUTE_MS;
  const after = rules.bufferAfterMinutes * MINUTE_MS;
  // [s, e) is blocked by busy [S, E) iff [s - before, e + after) meets
  // [S - busyBefore, E + busyAfter), i.e. iff [s, e) meets the span below.
  const blocked: Span[] = [];
  for (const b of input.busy) {
    blocked.push({
      start: b.start.getTime() - (b.bufferBeforeMinutes ?? 0) * MINUTE_MS - after,
      end: b.end.getTime() + (b.bufferAfterMinutes ?? 0) * MINUTE_MS + before,
    });
  }
  return {
    hostId: input.schedule.hostId,
    raw,
    working: merged,
    free: subtractSpans(merged, mergeSpans(blocked)),
    timeZone: input.schedule.timeZone,
    limited: rules.dailyLimit === null || rules.dailyLimit <= 0 ? new Set() : limitedDays(input, rules.dailyLimit, lo, hi),
    closed: rules.dailyLimit !== null && rules.dailyLimit <= 0,
  };
}

/**
 * Slot starts of one host: on the grid of each range (counted from the range's own start), in
 * [lo, hi), the whole slot inside free working time, not on a day at its limit. Sorted, unique.
 */
function hostStarts(plan: HostPlan, b: Bounds): number[] {
  const out: number[] = [];
  const { free } = plan;
  let ordered = true;
  for (const r of plan.raw) {
    if (r.end <= b.lo || r.start >= b.hi) continue;
    const until = Math.min(r.end, b.hi);
    for (let i = firstEndingAfter(free, Math.max(r.start, b.lo)); i < free.length; i++) {
      const f = free[i];
      const from = Math.max(f.start, r.start, b.lo);
      if (from >= until) break;
      let s = r.start + Math.ceil((from - r.start) / b.step) * b.step;
      for (; s < until && s + b.duration <= f.end; s += b.step) {
        if (isLimited(plan, s)) continue;
        if (out.length > 0 && s <= out[out.length - 1]) ordered = false;
        out.push(s);
      }
    }
  }
  if (ordered) return out;
  // Overlapping ranges interleave their grids.
  out.sort((x, y) => x - y);
  return out.filter((s, i) => i === 0 || s !== out[i - 1]);
}

/** For sorted starts: whether [s, s + duration) is free for the host (grid ignored). */
function freeAt(plan: HostPlan, starts: readonly number[], duration: number): boolean[] {
  const { free } = plan;
  const out = new Array<boolean>(starts.length);
  let i = 0;
  for (let k = 0; k < starts.length; k++) {
    const s = starts[k];
    const e = s + duration;
    while (i < free.length && free[i].end < e) i++;
    out[k] = i < free.length && free[i].start <= s && !isLimited(plan, s);
  }
  return out;
}

function toSlots(starts: readonly number[], duration: number, hostIds: readonly string[]): Slot[] {
  return starts.map((s) => ({ start: new Date(s), end: new Date(s + duration), hostIds: [...hostIds] }));
}

/**
 * Bookable slots of one host in [query.from, query.to): a slot is returned iff its start is in
 * the window, at or after now + notice and before now + horizon days, on the grid of a working
 * range (counted from that range's local start), the whole slot lies in working time (merged
 * ranges), it does not meet a busy interval widened by both bookings' buffers, and its local
 * start day (host zone) holds fewer than `dailyLimit` busy starts.
 */
export function computeHostSlots(input: HostAvailabilityInput, query: SlotQuery): Slot[] {
  const b = boundsOf(query);
  if (b.lo >= b.hi) return [];
  const plan = planHost(input, query, b.lo, b.hi, b.duration);
  return toSlots(hostStarts(plan, b), b.duration, [plan.hostId]);
}

/** Every host's own slot starts, merged, and for each host which of them it is free for. */
function candidates(hosts: readonly HostAvailabilityInput[], query: SlotQuery): { starts: number[]; free: boolean[][]; b: Bounds } {
  const b = boundsOf(query);
  if (b.lo >= b.hi || hosts.length === 0) return { starts: [], free: [], b };
  const plans = hosts.map((h) => planHost(h, query, b.lo, b.hi, b.duration));
  const all: number[] = [];
  for (const p of plans) for (const s of hostStarts(p, b)) all.push(s);
  all.sort((x, y) => x - y);
  const starts = all.filter((s, i) => i === 0 || s !== all[i - 1]);
  return { starts, free: plans.map((p) => freeAt(p, starts, b.duration)), b };
}

/**
 * Slots at which every host is free; hostIds lists all hosts.
 *
 * The grid: a start is a candidate if it is a slot start of at least one host (on that host's
 * own grid, see {@link computeHostSlots}); it is kept if [start, start + duration) is free for
 * every other host, on their grid or not (working time, buffered busy time, daily limit). So a
 * London host (:00/:30 UTC) and a Kathmandu host (:15/:45 UTC) can meet at either's times.
 */
export function computeSlotsAllFree(hosts: readonly HostAvailabilityInput[], query: SlotQuery): Slot[] {
  const { starts, free, b } = candidates(hosts, query);
  const ids = hosts.map((h) => h.schedule.hostId);
  const kept = starts.filter((_, k) => free.every((f) => f[k]));
  return toSlots(kept, b.duration, ids);
}

/**
 * Slots at which at least one host is free, each with the hosts free for it (in input order).
 * Same candidates as {@link computeSlotsAllFree}, which returns exactly the slots here that
 * name every host.
 */
export function computeSlotsAnyFree(hosts: readonly HostAvailabilityInput[], query: SlotQuery): Slot[] {
  const { starts, free, b } = candidates(hosts, query);
  const out: Slot[] = [];
  for (let k = 0; k < starts.length; k++) {
    const ids: string[] = [];
    for (let h = 0; h < hosts.length; h++) if (free[h][k]) ids.push(hosts[h].schedule.hostId);
    if (ids.length > 0) out.push({ start: new Date(starts[k]), end: new Date(starts[k] + b.duration), hostIds: ids });
  }
  return out;
}

/**
 * Why a start (or, with `end`, an exact interval) can or cannot be booked. Without `end` the
 * answer agrees with {@link computeHostSlots}: available iff a slot with that start is returned
 * for a window containing it. With `end` the grid is ignored and the duration is end - start.
 */
export function checkSlot(
  input: HostAvailabilityInput,
  query: AvailabilityCheckQuery,
  start: Date,
  options: { end?: Date } = {},
): SlotCheck {
  checkRules(query);
  const s = requireDate('start', start);
  const onGrid = options.end === undefined;
  const duration = onGrid ? query.durationMinutes * MINUTE_MS : requireDate('end', options.end as Date) - s;
  if (duration <= 0) throw new RangeError('end must be after start');
  if ((query.from && s < requireDate('from', query.from)) || (query.to && s >= requireDate('to', query.to))) {
    return { available: false, reason: 'outside-window' };
  }
  const { earliest, latest } = noticeAndHorizon(query);
  if (s < earliest) return { available: false, reason: 'too-soon' };
  if (s >= latest) return { available: false, reason: 'beyond-horizon' };

  const plan = planHost(input, query, s, s + 1, duration);
  const w = plan.working[firstEndingAfter(plan.working, s)];
  if (!w || w.start > s || w.end < s + duration) return { available: false, reason: 'outside-working-hours' };
  if (onGrid) {
    const step = query.slotIntervalMinutes * MINUTE_MS;
    if (!plan.raw.some((r) => r.start <= s && s < r.end && (s - r.start) % step === 0)) {
      return { available: false, reason: 'off-grid' };
    }
  }
  if (isLimited(plan, s)) return { available: false, reason: 'daily-limit' };
  if (!freeAt(plan, [s], duration)[0]) return { available: false, reason: 'busy' };
  return { available: true };
}

/** Whether `start` is a bookable slot start; true iff computeHostSlots would return it. */
export function isSlotAvailable(input: HostAvailabilityInput, query: AvailabilityCheckQuery, start: Date): boolean {
  return checkSlot(input, query, start).available;
}

/** Whether the exact interval is free for the host (working time, busy, buffers, notice, horizon, daily limit), ignoring the grid. */
export function isIntervalFree(
  input: HostAvailabilityInput,
  query: AvailabilityCheckQuery,
  interval: { start: Date; end: Date },
): boolean {
  return checkSlot(input, query, interval.start, { end: interval.end }).available;
}
