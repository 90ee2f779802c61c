import type { BusyInterval, HostAvailabilityInput, HostSchedule, Slot, SlotQuery, WeeklyRule } from '../../../src/core/availability/index.js';

export const WEEKDAYS = 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR';

export function schedule(timeZone: string, rules: WeeklyRule[], overrides: HostSchedule['overrides'] = [], hostId = 'host'): HostSchedule {
  return { hostId, timeZone, rules, overrides };
}

export function rule(start: string, end: string, rrule = WEEKDAYS): WeeklyRule {
  return { rrule, start, end };
}

export function host(s: HostSchedule, busy: BusyInterval[] = []): HostAvailabilityInput {
  return { schedule: s, busy };
}

export function busy(start: string, end: string, bufferBeforeMinutes?: number, bufferAfterMinutes?: number): BusyInterval {
  return { start: new Date(start), end: new Date(end), bufferBeforeMinutes, bufferAfterMinutes };
}

/** A query with no notice, a long horizon and no limit unless overridden. */
export function query(from: string, to: string, over: Partial<SlotQuery> = {}): SlotQuery {
  return {
    durationMinutes: 30,
    slotIntervalMinutes: 30,
    bufferBeforeMinutes: 0,
    bufferAfterMinutes: 0,
    minimumNoticeMinutes: 0,
    bookingHorizonDays: 365,
    dailyLimit: null,
    now: new Date('2026-01-01T00:00:00Z'),
    from: new Date(from),
    to: new Date(to),
    ...over,
  };
}

export function starts(slots: readonly Slot[]): string[] {
  return slots.map((s) => s.start.toISOString());
}

export function spans(intervals: readonly { start: Date; end: Date }[]): [string, string][] {
  return intervals.map((i) => [i.start.toISOString(), i.end.toISOString()]);
}

/** "YYYY-MM-DDTHH:MM" in the zone, read with Intl independently of the engine. */
export function wallClock(date: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(date);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}
