import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { round, summarize } from './stats.js';
import {
  computeHostSlots,
  computeSlotsAllFree,
  computeSlotsAnyFree,
  isSlotAvailable,
  type BusyInterval,
  type HostAvailabilityInput,
  type SlotQuery,
} from '../src/core/availability/index.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
const WARMUP = 20;
const ITERATIONS = 200;

/** Deterministic data: mulberry32. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function bookings(rand: () => number, count: number, from: number, days: number): BusyInterval[] {
  const out: BusyInterval[] = [];
  for (let i = 0; i < count; i++) {
    const start = from + Math.floor(rand() * days * 96) * 15 * MINUTE;
    const length = (1 + Math.floor(rand() * 4)) * 15 * MINUTE;
    out.push({
      start: new Date(start),
      end: new Date(start + length),
      bufferBeforeMinutes: rand() < 0.3 ? 10 : 0,
      bufferAfterMinutes: rand() < 0.3 ? 5 : 0,
    });
  }
  return out;
}

function host(hostId: string, timeZone: string, busy: BusyInterval[]): HostAvailabilityInput {
  return {
    schedule: {
      hostId,
      timeZone,
      rules: [
        { rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', start: '09:00', end: '12:30' },
        { rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', start: '13:30', end: '18:00' },
        { rrule: 'FREQ=WEEKLY;BYDAY=SA', start: '10:00', end: '14:00' },
      ],
      overrides: [
        { date: '2026-03-11', ranges: [] },
        { date: '2026-03-18', ranges: [{ start: '07:00', end: '11:00' }] },
      ],
    },
    busy,
  };
}

interface Measure {
  'median ms': number;
  'p99 ms': number;
  'mean ms': number;
  /** The very first call: cold caches (rrule expansions, zone offsets) and unoptimised code. */
  'first call ms': number;
  runs: number;
  slots: number;
}

function measure(fn: () => number): Measure {
  const t0 = performance.now();
  let result = fn();
  const first = performance.now() - t0;
  for (let i = 1; i < WARMUP; i++) result = fn();
  const times: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const t = performance.now();
    result = fn();
    times.push(performance.now() - t);
  }
  const { n, p50, p99, mean } = summarize(times);
  return { 'median ms': p50, 'p99 ms': p99, 'mean ms': mean, 'first call ms': round(first), runs: n, slots: result };
}

/** Median and p99 per query, in ms, over ITERATIONS runs after WARMUP runs; keyed by query. */
export async function benchAvailability(): Promise<Record<string, Measure>> {
  const now = new Date('2026-03-02T08:00:00Z');
  const rand = random(42);
  const rules = {
    durationMinutes: 30,
    slotIntervalMinutes: 15,
    bufferBeforeMinutes: 5,
    bufferAfterMinutes: 10,
    minimumNoticeMinutes: 120,
    bookingHorizonDays: 60,
    dailyLimit: null,
  };

  const single = host('solo', 'America/New_York', bookings(rand, 500, now.getTime(), 30));
  const q30: SlotQuery = { ...rules, now, from: now, to: new Date(now.getTime() + 30 * DAY) };
  const q30Limit: SlotQuery = { ...q30, dailyLimit: 12 };

  const zones = ['America/New_York', 'Europe/London', 'Asia/Kolkata', 'Asia/Kathmandu', 'America/Los_Angeles'];
  const team = Array.from({ length: 10 }, (_, i) =>
    host(`h${i}`, zones[i % zones.length], bookings(rand, 25, now.getTime(), 14)),
  );
  // Working hours in these zones barely overlap; widen them so the all-free query finds slots.
  for (const h of team) h.schedule.rules.push({ rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', start: '06:00', end: '22:00' });
  const q14: SlotQuery = { ...rules, now, from: now, to: new Date(now.getTime() + 14 * DAY) };

  const slots = computeHostSlots(single, q30);
  const probe = slots[Math.floor(slots.length / 2)]?.start ?? now;

  return {
    'host slots, 30 days, 500 bookings': measure(() => computeHostSlots(single, q30).length),
    'host slots, 30 days, 500 bookings, daily limit': measure(() => computeHostSlots(single, q30Limit).length),
    'isSlotAvailable (same host)': measure(() => (isSlotAvailable(single, q30, probe) ? 1 : 0)),
    'all-free, 10 hosts, 14 days': measure(() => computeSlotsAllFree(team, q14).length),
    'any-free, 10 hosts, 14 days': measure(() => computeSlotsAnyFree(team, q14).length),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await benchAvailability();
  console.log(`availability: ${ITERATIONS} runs per query after ${WARMUP} warm-up runs`);
  console.table(results);
}
