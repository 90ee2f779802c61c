import { describe, expect, it } from 'vitest';
import {
  dateOverrideSchema,
  hostScheduleSchema,
  slotQuerySchema,
  slotRulesSchema,
  weeklyRuleSchema,
} from '../../../src/core/availability/schemas.js';

const messages = (r: { success: boolean; error?: { issues: { message: string; path: PropertyKey[] }[] } }) =>
  (r.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);

const rules = {
  durationMinutes: 30,
  slotIntervalMinutes: 15,
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 10,
  minimumNoticeMinutes: 60,
  bookingHorizonDays: 30,
  dailyLimit: null,
};

describe('weeklyRuleSchema', () => {
  it('accepts a weekly rule with HH:MM times', () => {
    expect(weeklyRuleSchema.parse({ rrule: 'FREQ=WEEKLY;BYDAY=MO', start: '00:00', end: '23:59', anchorDate: '2026-03-02' })).toEqual({
      rrule: 'FREQ=WEEKLY;BYDAY=MO',
      start: '00:00',
      end: '23:59',
      anchorDate: '2026-03-02',
    });
  });

  it('says what is wrong', () => {
    expect(messages(weeklyRuleSchema.safeParse({ rrule: 'FREQ=MONTHLY', start: '24:00', end: '9:00' }))).toEqual([
      'rrule: RRULE "FREQ=MONTHLY": FREQ must be WEEKLY',
      'start: expected a local time HH:MM between 00:00 and 23:59',
      'end: expected a local time HH:MM between 00:00 and 23:59',
    ]);
    expect(weeklyRuleSchema.safeParse({ rrule: 'nonsense', start: '09:00', end: '10:00' }).success).toBe(false);
  });
});

describe('dateOverrideSchema', () => {
  it('wants a real calendar date', () => {
    expect(dateOverrideSchema.safeParse({ date: '2028-02-29', ranges: [] }).success).toBe(true);
    expect(messages(dateOverrideSchema.safeParse({ date: '2026-02-29', ranges: [] }))).toEqual([
      'date: expected a real calendar date YYYY-MM-DD',
    ]);
    expect(dateOverrideSchema.safeParse({ date: '2026-03-01', ranges: [{ start: '9', end: '10:00' }] }).success).toBe(false);
  });
});

describe('hostScheduleSchema', () => {
  const valid = { hostId: 'U1', timeZone: 'Asia/Kathmandu', rules: [{ rrule: 'FREQ=WEEKLY;BYDAY=MO', start: '09:00', end: '17:00' }], overrides: [] };

  it('accepts a valid schedule and refuses unknown zones and repeated override dates', () => {
    expect(hostScheduleSchema.safeParse(valid).success).toBe(true);
    expect(messages(hostScheduleSchema.safeParse({ ...valid, timeZone: 'Europe/Atlantis' }))).toEqual([
      'timeZone: expected an IANA time zone such as "Europe/London"',
    ]);
    const twice = { ...valid, overrides: [{ date: '2026-03-02', ranges: [] }, { date: '2026-03-02', ranges: [] }] };
    expect(messages(hostScheduleSchema.safeParse(twice))).toEqual(['overrides.1.date: more than one override for 2026-03-02']);
  });
});

describe('slotRulesSchema and slotQuerySchema', () => {
  it('wants integer minutes in sensible ranges', () => {
    expect(slotRulesSchema.safeParse(rules).success).toBe(true);
    expect(slotRulesSchema.safeParse({ ...rules, dailyLimit: 3 }).success).toBe(true);
    for (const bad of [
      { durationMinutes: 0 },
      { durationMinutes: 24 * 60 + 1 },
      { durationMinutes: 12.5 },
      { slotIntervalMinutes: -15 },
      { bufferAfterMinutes: -1 },
      { bookingHorizonDays: 0 },
      { dailyLimit: 0 },
    ]) {
      expect(slotRulesSchema.safeParse({ ...rules, ...bad }).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('parses ISO instants and wants a window that ends after it starts', () => {
    const q = slotQuerySchema.parse({ ...rules, now: '2026-03-01T00:00:00Z', from: '2026-03-02T00:00:00Z', to: '2026-03-09T00:00:00Z' });
    expect(q.from).toEqual(new Date('2026-03-02T00:00:00Z'));
    expect(messages(slotQuerySchema.safeParse({ ...rules, now: '2026-03-01T00:00:00Z', from: '2026-03-09T00:00:00Z', to: '2026-03-02T00:00:00Z' }))).toEqual([
      'to: "to" must be after "from"',
    ]);
    expect(slotQuerySchema.safeParse({ ...rules, now: 'soon', from: '2026-03-09T00:00:00Z', to: '2026-03-10T00:00:00Z' }).success).toBe(false);
  });
});
