import { describe, expect, it } from 'vitest';
import { matchingDays, parseWeeklyRRule } from '../../../src/core/availability/recurrence.js';
import { dayNumberOf, localDateOfDayNumber } from '../../../src/core/availability/local-time.js';

const dates = (rrule: string, from: string, to: string, anchor?: string) =>
  matchingDays(rrule, dayNumberOf(from), dayNumberOf(to), anchor).map(localDateOfDayNumber);

describe('weekly recurrence', () => {
  it('lists matching local dates, inclusive of both ends', () => {
    expect(dates('FREQ=WEEKLY;BYDAY=MO,FR', '2026-03-02', '2026-03-16')).toEqual(['2026-03-02', '2026-03-06', '2026-03-09', '2026-03-13', '2026-03-16']);
    expect(dates('RRULE:FREQ=WEEKLY;BYDAY=SU', '2026-03-01', '2026-03-08')).toEqual(['2026-03-01', '2026-03-08']);
  });

  it('counts INTERVAL from the default anchor (Monday 2024-01-01) without one', () => {
    // 2026-03-02 is 113 weeks after 2024-01-01 (odd), so the fortnightly Mondays are 9 and 23 March.
    expect(dates('FREQ=WEEKLY;INTERVAL=2;BYDAY=MO', '2026-03-01', '2026-03-31')).toEqual(['2026-03-09', '2026-03-23']);
  });

  it('accepts weekly rules and refuses the rest with a reason', () => {
    expect(parseWeeklyRRule('FREQ=WEEKLY;BYDAY=MO,TU;WKST=SU').freq).toBe(2);
    expect(() => parseWeeklyRRule('FREQ=DAILY')).toThrow(/WEEKLY/);
    expect(() => parseWeeklyRRule('FREQ=WEEKLY;BYDAY=XX')).toThrow(/BYDAY/);
    expect(() => parseWeeklyRRule('FREQ=WEEKLY;BYDAY=1MO')).toThrow(/BYDAY/);
    expect(() => parseWeeklyRRule('FREQ=WEEKLY;COUNT=3')).toThrow(/COUNT/);
    expect(() => parseWeeklyRRule('DTSTART:20260101T000000Z')).toThrow(/DTSTART/);
    expect(() => parseWeeklyRRule('FREQ=WEEKLY;BYHOUR=9')).toThrow(/BYHOUR/);
    expect(() => parseWeeklyRRule('garbage')).toThrow(/RRULE/);
    expect(() => parseWeeklyRRule('')).toThrow(/Empty/);
    expect(() => parseWeeklyRRule('FREQ=WEEKLY;INTERVAL=0')).toThrow(/INTERVAL/);
  });
});
