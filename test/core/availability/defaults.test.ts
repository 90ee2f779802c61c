import { describe, expect, it } from 'vitest';
import { DEFAULT_SLOT_RULES, DEFAULT_WEEKLY_RULES, defaultSchedule } from '../../../src/core/availability/defaults.js';
import { hostScheduleSchema, slotRulesSchema } from '../../../src/core/availability/schemas.js';
import { expandWorkingRanges } from '../../../src/core/availability/working-ranges.js';
import { spans } from './helpers.js';

describe('defaults', () => {
  it('is Monday to Friday, 09:00–17:00 local', () => {
    expect(DEFAULT_WEEKLY_RULES).toEqual([{ rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', start: '09:00', end: '17:00' }]);
    const s = defaultSchedule('u1', 'Asia/Kolkata');
    expect(s).toEqual({ hostId: 'u1', timeZone: 'Asia/Kolkata', rules: [...DEFAULT_WEEKLY_RULES], overrides: [] });
    expect(spans(expandWorkingRanges(s, new Date('2026-03-06T00:00Z'), new Date('2026-03-09T00:00Z')))).toEqual([
      ['2026-03-06T03:30:00.000Z', '2026-03-06T11:30:00.000Z'],
    ]);
  });

  it('passes its own validation, and schedules do not share rule objects', () => {
    expect(hostScheduleSchema.safeParse(defaultSchedule('u1', 'Europe/London')).success).toBe(true);
    expect(slotRulesSchema.safeParse(DEFAULT_SLOT_RULES).success).toBe(true);
    const a = defaultSchedule('a', 'UTC');
    a.rules[0].start = '10:00';
    expect(defaultSchedule('b', 'UTC').rules[0].start).toBe('09:00');
  });
});
