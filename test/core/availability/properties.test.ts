import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  computeHostSlots,
  computeSlotsAllFree,
  computeSlotsAnyFree,
  isIntervalFree,
  isSlotAvailable,
  type BusyInterval,
  type HostAvailabilityInput,
  type HostSchedule,
  type Slot,
  type SlotQuery,
} from '../../../src/core/availability/index.js';

// Everything below is an oracle written without the engine's modules: Intl for wall clocks,
// Date.UTC for calendar days, and the range rules restated from the spec.

const MIN = 60_000;
const DAY = 86_400_000;
const ZONES = [
  'America/New_York',
  'Europe/London',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'UTC',
  'Australia/Lord_Howe',
  'America/Santiago',
  'Pacific/Chatham',
  'America/St_Johns',
  'Europe/Berlin',
];
const DAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];
// Weeks around 2026's DST changes in these zones, and one quiet week.
const BASES = ['2026-03-06', '2026-03-27', '2026-04-03', '2026-09-04', '2026-09-25', '2026-10-23', '2026-10-30', '2026-01-14'];

const formatters = new Map<string, Intl.DateTimeFormat>();
const walls = new Map<string, Map<number, number>>();
const QUARTER = 15 * MIN;
/**
 * Local wall clock as "UTC ms" (minute precision), via Intl. These zones change offset only on
 * quarter hours of UTC, so an offset read at both ends of a quarter holds inside it.
 */
function wallOf(t: number, tz: string): number {
  let zone = walls.get(tz);
  if (!zone) walls.set(tz, (zone = new Map()));
  const q = Math.floor(t / QUARTER) * QUARTER;
  let offset = zone.get(q);
  if (offset === undefined) {
    const a = readWall(q, tz) - q;
    offset = a === readWall(q + QUARTER - MIN, tz) - (q + QUARTER - MIN) ? a : Number.NaN;
    zone.set(q, offset);
  }
  return Number.isNaN(offset) ? readWall(t, tz) : Math.floor((t + offset) / MIN) * MIN;
}

function readWall(t: number, tz: string): number {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
    formatters.set(tz, f);
  }
  const p = Object.fromEntries(f.formatToParts(t).map((x) => [x.type, Number(x.value)]));
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute);
}

/**
 * The highest wall clock shown up to t. A range [a, b) of day D (walls) holds t iff
 * a <= M(t) < b: after a fall-back the repeated hour still counts as past the range start.
 */
function maxWallUpTo(t: number, tz: string): number {
  const now = wallOf(t, tz);
  if (wallOf(t - 3 * 3_600_000, tz) - (t - 3 * 3_600_000) <= now - t) return now;
  let m = now;
  for (let d = MIN; d <= 3 * 3_600_000; d += MIN) m = Math.max(m, wallOf(t - d, tz));
  return m;
}

function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
}

function rangesOnDay(s: HostSchedule, day: number): [number, number][] {
  const date = new Date(day * DAY).toISOString().slice(0, 10);
  const override = s.overrides.find((o) => o.date === date);
  const weekday = DAYS[new Date(day * DAY).getUTCDay()];
  const ranges = override ? override.ranges : s.rules.filter((r) => r.rrule.split('BYDAY=')[1].split(',').includes(weekday));
  const out: [number, number][] = [];
  for (const r of ranges) {
    const a = minutesOf(r.start);
    let b = r.end === '23:59' ? 1440 : minutesOf(r.end);
    // An end before the start is the next day's; an end equal to the start is no time at all.
    if (b < a) b += 1440;
    if (b > a) out.push([day * DAY + a * MIN, day * DAY + b * MIN]);
  }
  return out;
}

function isWorking(s: HostSchedule, t: number): boolean {
  const m = maxWallUpTo(t, s.timeZone);
  const day = Math.floor(m / DAY);
  return [day - 1, day].some((d) => rangesOnDay(s, d).some(([a, b]) => a <= m && m < b));
}

function localDay(t: number, tz: string): number {
  return Math.floor(wallOf(t, tz) / DAY);
}

function blockedBy(slot: { start: number; end: number }, b: BusyInterval, q: SlotQuery): boolean {
  const s = slot.start - q.bufferBeforeMinutes * MIN;
  const e = slot.end + q.bufferAfterMinutes * MIN;
  const bs = b.start.getTime() - (b.bufferBeforeMinutes ?? 0) * MIN;
  const be = b.end.getTime() + (b.bufferAfterMinutes ?? 0) * MIN;
  return s < be && bs < e;
}

/** Whether a local day already holds as many bookings as a limit allows: the type's own (counting its bookings) or the host's (counting all). */
function dayIsFull(h: HostAvailabilityInput, q: SlotQuery, t: number): boolean {
  const tz = h.schedule.timeZone;
  const day = localDay(t, tz);
  const onDay = h.busy.filter((x) => localDay(x.start.getTime(), tz) === day);
  if (q.dailyLimit !== null && onDay.filter((x) => q.meetingTypeId === undefined || x.meetingTypeId === q.meetingTypeId).length >= q.dailyLimit) return true;
  const own = h.schedule.dailyLimit ?? null;
  return own !== null && onDay.length >= own;
}

/** Cal.com's rule, restated: the largest of 60, 30, 20, 15, 10, 5 that divides the interval, else 1. */
function gridOf(interval: number): number {
  for (const g of [60, 30, 20, 15, 10, 5]) if (interval % g === 0) return g;
  return 1;
}

/**
 * Every slot the spec allows, found by brute force: a minute-by-minute scan of the zone's wall
 * clock places each day's ranges (a range starts at the first minute whose running-max wall
 * clock reaches its start); each range is cut, minute by minute, into free stretches (minutes no
 * buffered busy interval blocks for a slot starting there); a stretch's first start is its
 * start rounded up to the grid on the local clock as read there, then one every interval; each
 * start is then tested one by one.
 */
function bruteForceSlots(h: HostAvailabilityInput, q: SlotQuery): number[] {
  const tz = h.schedule.timeZone;
  const scanFrom = Math.floor(q.from.getTime() / MIN) * MIN - 3 * DAY;
  const scanTo = q.to.getTime() + 3 * DAY;
  const times: number[] = [];
  const maxWalls: number[] = [];
  let m = -Infinity;
  for (let t = scanFrom; t < scanTo; t += MIN) {
    m = Math.max(m, wallOf(t, tz));
    times.push(t);
    maxWalls.push(m);
  }
  const firstReaching = (wall: number): number => {
    let lo = 0;
    let hi = maxWalls.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (maxWalls[mid] >= wall) hi = mid;
      else lo = mid + 1;
    }
    return times[lo];
  };
  const ranges: [number, number][] = [];
  const fromDay = Math.floor(wallOf(q.from.getTime(), tz) / DAY) - 2;
  const toDay = Math.floor(wallOf(q.to.getTime(), tz) / DAY) + 1;
  for (let d = fromDay; d <= toDay; d++) {
    for (const [a, b] of rangesOnDay(h.schedule, d)) {
      const start = firstReaching(a);
      const end = firstReaching(b);
      if (end > start) ranges.push([start, end]);
    }
  }
  const working = (s: number, e: number) => {
    // Walk forward through ranges covering the current point.
    let t = s;
    for (;;) {
      const next = ranges.filter(([a, b]) => a <= t && t < b).reduce((x, [, b]) => Math.max(x, b), -Infinity);
      if (next === -Infinity) return false;
      if (next >= e) return true;
      t = next;
    }
  };
  const lo = Math.max(q.from.getTime(), q.now.getTime() + q.minimumNoticeMinutes * MIN);
  const hi = Math.min(q.to.getTime(), q.now.getTime() + q.bookingHorizonDays * DAY);
  const dur = q.durationMinutes * MIN;
  // A minute is blocked when a slot starting there would meet a busy interval whatever its length.
  const blockedMinute = (t: number) => h.busy.some((x) => blockedBy({ start: t, end: t + MIN }, x, q));
  const grid = gridOf(q.slotIntervalMinutes) * MIN;
  const out = new Set<number>();
  for (const [a, b] of ranges) {
    let t = a;
    while (t < b) {
      if (blockedMinute(t)) {
        t += MIN;
        continue;
      }
      const stretchStart = t;
      while (t < b && !blockedMinute(t)) t += MIN;
      const stretchEnd = t;
      const wall = wallOf(stretchStart, tz);
      const origin = stretchStart + (Math.ceil(wall / grid) * grid - wall);
      for (let s = origin; s < stretchEnd; s += q.slotIntervalMinutes * MIN) {
        if (s < lo || s >= hi || !working(s, s + dur)) continue;
        if (h.busy.some((x) => blockedBy({ start: s, end: s + dur }, x, q))) continue;
        if (dayIsFull(h, q, s)) continue;
        out.add(s);
      }
    }
  }
  return [...out].sort((x, y) => x - y);
}

// Generators ---------------------------------------------------------------------------------

// Transition nights: zone and local date of each 2026 change, so that windows and ranges land on them.
const DST_NIGHTS: [string, string][] = [
  ['America/New_York', '2026-03-08'],
  ['America/New_York', '2026-11-01'],
  ['America/St_Johns', '2026-03-08'],
  ['America/St_Johns', '2026-11-01'],
  ['Europe/London', '2026-03-29'],
  ['Europe/London', '2026-10-25'],
  ['Europe/Berlin', '2026-03-29'],
  ['Europe/Berlin', '2026-10-25'],
  ['Australia/Lord_Howe', '2026-04-05'],
  ['Australia/Lord_Howe', '2026-10-04'],
  ['America/Santiago', '2026-04-05'],
  ['America/Santiago', '2026-09-06'],
  ['Pacific/Chatham', '2026-04-05'],
  ['Pacific/Chatham', '2026-09-27'],
];

// Minutes often picked: the hours around the changes (00:00–04:00, 23:00), 09:00, 17:00, 23:59.
const hhmm = fc
  .oneof(
    fc.integer({ min: 0, max: 1439 }),
    fc.constantFrom(0, 30, 60, 90, 105, 120, 135, 150, 165, 180, 210, 225, 240, 540, 1020, 1380, 1410, 1439),
  )
  .map((m) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);
const range = fc.record({ start: hhmm, end: hhmm });
const weekly = fc
  .record({ days: fc.oneof(fc.subarray(DAYS, { minLength: 1 }), fc.constant(DAYS)), start: hhmm, end: hhmm })
  .map(({ days, start, end }) => ({ rrule: `FREQ=WEEKLY;BYDAY=${days.join(',')}`, start, end }));

const scenario = fc
  .record({
    place: fc.oneof(
      fc.constantFrom(...BASES).map((base) => ({ base, zone: null as string | null })),
      fc.constantFrom(...DST_NIGHTS).map(([zone, night]) => ({ base: new Date(Date.parse(night) - DAY).toISOString().slice(0, 10), zone })),
    ),
    fromMinute: fc.integer({ min: 0, max: 1439 }),
    windowHours: fc.oneof(fc.integer({ min: 1, max: 96 }), fc.integer({ min: 24, max: 96 })),
    nowOffsetMinutes: fc.oneof({ arbitrary: fc.integer({ min: -3 * 1440, max: 0 }), weight: 3 }, { arbitrary: fc.integer({ min: 0, max: 2 * 1440 }), weight: 1 }),
    durationMinutes: fc.integer({ min: 5, max: 180 }),
    slotIntervalMinutes: fc.integer({ min: 5, max: 120 }),
    bufferBeforeMinutes: fc.integer({ min: 0, max: 30 }),
    bufferAfterMinutes: fc.integer({ min: 0, max: 30 }),
    minimumNoticeMinutes: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 600 })),
    bookingHorizonDays: fc.integer({ min: 1, max: 10 }),
    dailyLimit: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }),
    meetingTypeId: fc.option(fc.constantFrom('type-a', 'type-b'), { nil: undefined }),
  })
  .map((r): [SlotQuery, string | null] => {
    const from = Date.parse(`${r.place.base}T00:00:00Z`) + r.fromMinute * MIN;
    const q: SlotQuery = {
      durationMinutes: r.durationMinutes,
      slotIntervalMinutes: r.slotIntervalMinutes,
      bufferBeforeMinutes: r.bufferBeforeMinutes,
      bufferAfterMinutes: r.bufferAfterMinutes,
      minimumNoticeMinutes: r.minimumNoticeMinutes,
      bookingHorizonDays: r.bookingHorizonDays,
      dailyLimit: r.dailyLimit,
      meetingTypeId: r.meetingTypeId,
      from: new Date(from),
      to: new Date(from + r.windowHours * 3_600_000),
      now: new Date(from + r.nowOffsetMinutes * MIN),
    };
    return [q, r.place.zone];
  });

function hostFor(q: SlotQuery, hostId: string, zone: string | null, wide = false) {
  const from = q.from.getTime();
  const busy = fc.record({
    offset: fc.integer({ min: -1440, max: 6 * 1440 }),
    length: fc.integer({ min: 0, max: 240 }),
    before: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
    after: fc.option(fc.integer({ min: 0, max: 30 }), { nil: undefined }),
    meetingTypeId: fc.option(fc.constantFrom('type-a', 'type-b'), { nil: undefined }),
  });
  // Now and then a zero-length override (00:00–00:00, or any start equal to its end): a day off.
  const emptyRange = hhmm.map((t) => ({ start: t, end: t }));
  const override = fc.record({
    dayOffset: fc.integer({ min: -1, max: 5 }),
    ranges: fc.oneof({ arbitrary: fc.array(range, { maxLength: 3 }), weight: 4 }, { arbitrary: fc.constant<{ start: string; end: string }[]>([{ start: '00:00', end: '00:00' }]), weight: 1 }, { arbitrary: fc.array(emptyRange, { minLength: 1, maxLength: 2 }), weight: 1 }),
  });
  return fc
    .record({
      timeZone: zone === null ? fc.constantFrom(...ZONES) : fc.constant(zone),
      rules: fc.oneof(fc.array(weekly, { minLength: 1, maxLength: 3 }), fc.array(weekly, { maxLength: 1 })),
      overrides: fc.array(override, { maxLength: 3 }),
      busy: fc.array(busy, { maxLength: 12 }),
      wide: wide ? fc.boolean() : fc.constant(false),
      dailyLimit: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }),
    })
    .map((h): HostAvailabilityInput => {
      const dates = new Map<string, { start: string; end: string }[]>();
      for (const o of h.overrides) dates.set(new Date(from + o.dayOffset * DAY).toISOString().slice(0, 10), o.ranges);
      return {
        schedule: {
          hostId,
          timeZone: h.timeZone,
          // Several hosts in far-apart zones rarely overlap without some long days.
          rules: h.wide ? [...h.rules, { rrule: `FREQ=WEEKLY;BYDAY=${DAYS.join(',')}`, start: '06:00', end: '23:00' }] : h.rules,
          overrides: [...dates].map(([date, ranges]) => ({ date, ranges })),
          dailyLimit: h.dailyLimit,
        },
        busy: h.busy.map((b) => {
          const start = from + b.offset * MIN;
          return { start: new Date(start), end: new Date(start + b.length * MIN), bufferBeforeMinutes: b.before, bufferAfterMinutes: b.after, meetingTypeId: b.meetingTypeId };
        }),
      };
    });
}

const oneHost = scenario.chain(([q, zone]) => fc.tuple(fc.constant(q), hostFor(q, 'h0', zone)));
const severalHosts = scenario.chain(([q, zone]) =>
  fc.tuple(
    fc.constant(q),
    fc.integer({ min: 2, max: 3 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => hostFor(q, `h${i}`, i === 0 ? zone : null, true)))),
  ),
);

// Properties ---------------------------------------------------------------------------------

/** Checks every per-host property of the returned slots; returns nothing, throws on failure. */
function expectValidHostSlots(h: HostAvailabilityInput, q: SlotQuery, slots: Slot[]): void {
  const lo = Math.max(q.from.getTime(), q.now.getTime() + q.minimumNoticeMinutes * MIN);
  const hi = Math.min(q.to.getTime(), q.now.getTime() + q.bookingHorizonDays * DAY);
  const tz = h.schedule.timeZone;
  for (let i = 0; i < slots.length; i++) {
    const s = slots[i].start.getTime();
    const e = slots[i].end.getTime();
    if (i > 0) expect(s).toBeGreaterThan(slots[i - 1].start.getTime());
    expect(e - s).toBe(q.durationMinutes * MIN);
    expect(s).toBeGreaterThanOrEqual(lo);
    expect(s).toBeLessThan(hi);
    for (const b of h.busy) expect(blockedBy({ start: s, end: e }, b, q)).toBe(false);
    expect(dayIsFull(h, q, s)).toBe(false);
  }
  // Minute-by-minute working-hours check on up to 12 slots spread over the list.
  const step = Math.max(1, Math.ceil(slots.length / 12));
  for (let i = 0; i < slots.length; i += step) {
    for (let t = slots[i].start.getTime(); t < slots[i].end.getTime(); t += MIN) {
      if (!isWorking(h.schedule, t)) {
        throw new Error(`slot ${slots[i].start.toISOString()} leaves working hours at ${new Date(t).toISOString()} (${tz})`);
      }
    }
  }
}

// Generous timeouts: each property runs hundreds of cases and a CI machine may be slow.
describe('availability properties', { timeout: 120_000 }, () => {
  it('host slots are sorted, the right length, inside working hours, clear of buffered busy time, within notice, horizon and daily limit', () => {
    fc.assert(
      fc.property(oneHost, ([q, h]) => {
        expectValidHostSlots(h, q, computeHostSlots(h, q));
      }),
      { numRuns: 300 },
    );
  });

  it('host slots are exactly the brute-force slots', () => {
    fc.assert(
      fc.property(oneHost, ([q, h]) => {
        expect(computeHostSlots(h, q).map((s) => new Date(s.start).toISOString())).toEqual(bruteForceSlots(h, q).map((t) => new Date(t).toISOString()));
      }),
      { numRuns: 120 },
    );
  });

  it('isSlotAvailable agrees with computeHostSlots, for offered starts and for other minutes', () => {
    fc.assert(
      fc.property(oneHost, fc.array(fc.integer({ min: 0, max: 96 * 60 }), { minLength: 5, maxLength: 20 }), ([q, h], probes) => {
        const slots = computeHostSlots(h, q);
        const offered = new Set(slots.map((s) => s.start.getTime()));
        for (const s of slots) expect(isSlotAvailable(h, q, s.start)).toBe(true);
        for (const p of probes) {
          const t = q.from.getTime() + p * MIN;
          expect(isSlotAvailable(h, q, new Date(t))).toBe(offered.has(t));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('does not depend on where the window is cut', () => {
    fc.assert(
      fc.property(oneHost, fc.integer({ min: 1, max: 95 }), ([q, h], cutHours) => {
        const whole = computeHostSlots(h, q).map((s) => s.start.toISOString());
        const cut = new Date(Math.min(q.to.getTime(), q.from.getTime() + cutHours * 3_600_000));
        const parts = [...computeHostSlots(h, { ...q, to: cut }), ...computeHostSlots(h, { ...q, from: cut })].map((s) => s.start.toISOString());
        expect(parts).toEqual(whole);
      }),
      { numRuns: 200 },
    );
  });

  it('all-free slots are free for every host, and are exactly the any-free slots naming every host', () => {
    fc.assert(
      fc.property(severalHosts, ([q, hosts]) => {
        const all = computeSlotsAllFree(hosts, q);
        const any = computeSlotsAnyFree(hosts, q);
        const ids = hosts.map((h) => h.schedule.hostId);
        for (const h of hosts) expectValidHostSlots(h, q, all);
        for (const s of all) expect(s.hostIds).toEqual(ids);
        expect(all.map((s) => s.start.getTime())).toEqual(any.filter((s) => s.hostIds.length === hosts.length).map((s) => s.start.getTime()));
        // Every candidate comes from some host's own slots, and lists exactly the hosts free for it.
        const own = new Set(hosts.flatMap((h) => computeHostSlots(h, q).map((s) => s.start.getTime())));
        expect(any.map((s) => s.start.getTime())).toEqual([...own].sort((a, b) => a - b));
        for (const s of any) {
          expect(s.hostIds).toEqual(hosts.filter((h) => isIntervalFree(h, q, s)).map((h) => h.schedule.hostId));
        }
      }),
      { numRuns: 100 },
    );
  });
});
