import type { HostSchedule, SlotRules, WeeklyRule } from './types.js';

/** Monday to Friday, 09:00–17:00 local time. */
export const DEFAULT_WEEKLY_RULES: readonly WeeklyRule[] = Object.freeze([
  Object.freeze({ rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', start: '09:00', end: '17:00' }),
]);

export const DEFAULT_SLOT_RULES: Readonly<SlotRules> = Object.freeze({
  durationMinutes: 30,
  slotIntervalMinutes: 30,
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 0,
  minimumNoticeMinutes: 60,
  bookingHorizonDays: 60,
  dailyLimit: null,
});

export function defaultSchedule(hostId: string, timeZone: string): HostSchedule {
  return {
    hostId,
    timeZone,
    rules: DEFAULT_WEEKLY_RULES.map((r) => ({ ...r })),
    overrides: [],
  };
}
