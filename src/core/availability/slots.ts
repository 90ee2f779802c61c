import { firstEndingAfter, mergeSpans, subtractSpans, type Span } from './intervals.js';
import { DAY_MS, MINUTE_MS, localDayNumberOf, toWall } from './local-time.js';
import type { BusyInterval, HostAvailabilityInput, Slot, SlotQuery, SlotRules } from './types.js';
import { expandSpans } from './working-ranges.js';

/** A query for checking one start: the window is optional (notice and horizon still apply). */
export type AvailabilityCheckQuery = SlotRules & { now: Date; from?: Date; to?: Date };

export type UnavailableReason =
  | 'outside-window'
  | 'too-soon'
  | 'beyond-horizon'
  | 'outside-working-hours'
  | 'off-grid'
  /** The meeting type's daily limit. */
  | 'daily-limit'
  /** The host's own limit of meetings a day. */
  | 'host-daily-limit'
  | 'busy';

export type SlotCheck = { available: true } | { available: false; reason: UnavailableReason };

interface Bounds {
  /** Slot starts lie in [lo, hi). */
  lo: number;
  hi: number;
  duration: number;
  step: number;
}

/** A free stretch: one working range (as placed on its day) less busy time; slots start on its grid. */
interface Stretch extends Span {
  /** The first start: the stretch's start rounded up to the grid on the local clock. */
  origin: number;
}

/** What a host's availability looks like around a window, in epoch ms. */
interface HostPlan {
  hostId: string;
  /** The free stretches of every range, sorted by start (those of overlapping ranges may overlap). */
  stretches: Stretch[];
  /** Merged working time. */
  working: Span[];
  /** Working time minus busy intervals widened by both bookings' buffers. */
  free: Span[];
  timeZone: string;
  /** Local day numbers (host zone) on which no slot may start: the type's daily limit is reached. */
  typeLimited: Set<number>;
  /** Local day numbers on which the host's own daily limit is reached. */
  hostLimited: Set<number>;
  /** Every day is limited (dailyLimit 0). */
  closed: boolean;
}

/** Grids that divide an hour, largest first: a start is rounded up to the largest that divides the interval (Cal.com's rule). */
const START_GRIDS = [60, 30, 20, 15, 10, 5];

/** The grid (minutes) the first start of a free stretch is rounded up to; 1 minute when none of START_GRIDS divides the interval. */
export function startGridMinutes(slotIntervalMinutes: number): number {
  return START_GRIDS.find((g) => slotIntervalMinutes % g === 0) ?? 1;
}

/**
 * The first instant at or after t whose local time (as the clock reads at t) is a whole multiple
 * of `grid` minutes after midnight: 09:32 with a 15-minute grid is 09:45.
 */
function roundUpOnLocalClock(t: number, grid: number, timeZone: string): number {
  const wall = toWall(t, timeZone);
  const step = grid * MINUTE_MS;
  return t + (Math.ceil(wall / step) * step - wall);
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

/** Local days (host zone) that already hold `limit` of the counted busy intervals, for starts in [lo, hi). */
function limitedDays(input: HostAvailabilityInput, limit: number, lo: number, hi: number, counts: (b: BusyInterval) => boolean): Set<number> {
  const out = new Set<number>();
  const tz = input.schedule.timeZone;
  const firstDay = localDayNumberOf(lo, tz);
  const lastDay = localDayNumberOf(hi, tz);
  const perDay = new Map<number, number>();
  for (const b of input.busy) {
    if (b.external) continue;
    const t = b.start.getTime();
    // Zone offsets stay within ±1 day, so busy intervals farther out cannot share a local day.
    if (t < lo - 2 * DAY_MS || t > hi + 2 * DAY_MS || !counts(b)) continue;
    const day = localDayNumberOf(t, tz);
    if (day >= firstDay && day <= lastDay) perDay.set(day, (perDay.get(day) ?? 0) + 1);
  }
  for (const [day, count] of perDay) if (count >= limit) out.add(day);
  return out;
}

/** Which limit, if any, keeps a slot from starting at `start`. */
function limitAt(plan: HostPlan, start: number): 'daily-limit' | 'host-daily-limit' | null {
  if (plan.closed) return 'daily-limit';
  if (plan.typeLimited.size === 0 && plan.hostLimited.size === 0) return null;
  const day = localDayNumberOf(start, plan.timeZone);
  if (plan.typeLimited.has(day)) return 'daily-limit';
  if (plan.hostLimited.has(day)) return 'host-daily-limit';
  return null;
}

function isLimited(plan: HostPlan, start: number): boolean {
  return limitAt(plan, start) !== null;
}

/** Each range less the blocked spans (sorted, merged), with its first start. */
function stretchesOf(raw: readonly Span[], blocked: readonly Span[], grid: number, timeZone: string): Stretch[] {
  const out: Stretch[] = [];
  for (const r of raw) {
    const i = firstEndingAfter(blocked, r.start);
    for (const piece of subtractSpans([r], blocked.slice(i))) {
      out.push({ ...piece, origin: roundUpOnLocalClock(piece.start, grid, timeZone) });
    }
  }
  return out.sort((a, b) => a.start - b.start || a.end - b.end);
}

function planHost(input: HostAvailabilityInput, rules: SlotRules, lo: number, hi: number, duration: number): HostPlan {
  const { raw, merged } = expandSpans(input.schedule, lo, hi + duration);
  const before = rules.bufferBeforeMinutes * MINUTE_MS;
  const after = rules.bufferAfterMinutes * MINUTE_MS;
  // [s, e) is blocked by busy [S, E) iff [s - before, e + after) meets
  // [S - busyBefore, E + busyAfter), i.e. iff [s, e) meets the span below.
  const spans: Span[] = [];
  for (const b of input.busy) {
    spans.push({
      start: b.start.getTime() - (b.bufferBeforeMinutes ?? 0) * MINUTE_MS - after,
      end: b.end.getTime() + (b.bufferAfterMinutes ?? 0) * MINUTE_MS + before,
    });
  }
  const blocked = mergeSpans(spans);
  const typeLimit = rules.dailyLimit;
  const hostLimit = input.schedule.dailyLimit ?? null;
  const ofType = (b: BusyInterval) => rules.meetingTypeId === undefined || b.meetingTypeId === rules.meetingTypeId;
  return {
    hostId: input.schedule.hostId,
    stretches: stretchesOf(raw, blocked, startGridMinutes(rules.slotIntervalMinutes), input.schedule.timeZone),
    working: merged,
    free: subtractSpans(merged, blocked),
    timeZone: input.schedule.timeZone,
    typeLimited: typeLimit === null || typeLimit <= 0 ? new Set() : limitedDays(input, typeLimit, lo, hi, ofType),
    hostLimited: hostLimit === null ? new Set() : limitedDays(input, hostLimit, lo, hi, () => true),
    closed: (typeLimit !== null && typeLimit <= 0) || (hostLimit !== null && hostLimit <= 0),
  };
}

/**
 * Slot starts of one host: in each free stretch, from its origin every interval, in [lo, hi),
 * the whole slot inside free working time (it may run on into a touching range), not on a day
 * at a limit. Sorted, unique.
 */
function hostStarts(plan: HostPlan, b: Bounds): number[] {
  const out: number[] = [];
  const { free } = plan;
  let ordered = true;
  for (const st of plan.stretches) {
    if (st.end <= b.lo || st.start >= b.hi) continue;
    const until = Math.min(st.end, b.hi);
    // The merged free span the stretch lies in: a slot may end anywhere inside it.
    const f = free[firstEndingAfter(free, st.start)];
    let s = st.origin < b.lo ? st.origin + Math.ceil((b.lo - st.origin) / b.step) * b.step : st.origin;
    for (; s < until && s + b.duration <= f.end; s += b.step) {
      if (isLimited(plan, s)) continue;
      if (out.length > 0 && s <= out[out.length - 1]) ordered = false;
      out.push(s);
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
 * the window, at or after now + notice and before now + horizon days, on the grid of a free
 * stretch (a working range less busy intervals widened by both bookings' buffers: its start
 * rounded up on the local clock to startGridMinutes(interval), then every interval; notice and
 * the window never move it), the whole slot lies in free working time (merged ranges), and its
 * local start day (host zone) holds fewer than `dailyLimit` busy starts of the type and fewer
 * than the host's own `schedule.dailyLimit` of any type.
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
  const limit = limitAt(plan, s);
  if (limit) return { available: false, reason: limit };
  if (!freeAt(plan, [s], duration)[0]) return { available: false, reason: 'busy' };
  if (onGrid) {
    const step = query.slotIntervalMinutes * MINUTE_MS;
    if (!plan.stretches.some((st) => st.origin <= s && s < st.end && (s - st.origin) % step === 0)) {
      return { available: false, reason: 'off-grid' };
    }
  }
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
