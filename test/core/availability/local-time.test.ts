import { describe, expect, it } from 'vitest';
import {
  addLocalDays,
  formatMinutes,
  fromWall,
  isValidLocalDate,
  isValidTimeZone,
  localDateOf,
  localMinuteOf,
  localToUtc,
  parseLocalTime,
  rangeMinutes,
  startOfLocalDay,
  weekdayOf,
} from '../../../src/core/availability/local-time.js';

const iso = (d: Date) => d.toISOString();

describe('parseLocalTime and ranges', () => {
  it('parses HH:MM into minutes after midnight', () => {
    expect(parseLocalTime('00:00')).toBe(0);
    expect(parseLocalTime('09:30')).toBe(570);
    expect(parseLocalTime('23:59')).toBe(1439);
    expect(formatMinutes(570)).toBe('09:30');
    expect(formatMinutes(1440 + 90)).toBe('01:30');
  });

  it.each(['24:00', '9:00', '12:60', '', '12:00:00', 'ab:cd'])('rejects %j', (v) => {
    expect(() => parseLocalTime(v)).toThrow(RangeError);
  });

  it('reads 23:59 as the end of the day, an end before the start as the next day, and an end equal to the start as no time', () => {
    expect(rangeMinutes('09:00', '17:00')).toEqual({ startMinute: 540, endMinute: 1020 });
    expect(rangeMinutes('20:00', '23:59')).toEqual({ startMinute: 1200, endMinute: 1440 });
    expect(rangeMinutes('22:00', '02:00')).toEqual({ startMinute: 1320, endMinute: 1560 });
    expect(rangeMinutes('22:00', '00:00')).toEqual({ startMinute: 1320, endMinute: 1440 });
    expect(rangeMinutes('09:00', '09:00')).toEqual({ startMinute: 540, endMinute: 540 });
    expect(rangeMinutes('00:00', '00:00')).toEqual({ startMinute: 0, endMinute: 0 });
  });
});

describe('local dates', () => {
  it('adds days across month ends and leap days', () => {
    expect(addLocalDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addLocalDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addLocalDays('2026-01-01', -1)).toBe('2025-12-31');
    expect(weekdayOf('2026-03-08')).toBe(0);
    expect(weekdayOf('2026-03-09')).toBe(1);
  });

  it('accepts only real calendar dates', () => {
    expect(isValidLocalDate('2028-02-29')).toBe(true);
    expect(isValidLocalDate('2026-02-29')).toBe(false);
    expect(isValidLocalDate('2026-04-31')).toBe(false);
    expect(isValidLocalDate('2026-13-01')).toBe(false);
    expect(isValidLocalDate('2026-1-01')).toBe(false);
  });

  it('knows IANA zones', () => {
    expect(isValidTimeZone('Asia/Kathmandu')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });

  it('gives the local date of an instant in the zone', () => {
    const t = new Date('2026-03-03T20:00:00Z');
    expect(localDateOf(t, 'Asia/Kolkata')).toBe('2026-03-04');
    expect(localDateOf(t, 'America/Los_Angeles')).toBe('2026-03-03');
    expect(localMinuteOf(t, 'Asia/Kathmandu')).toBe(1 * 60 + 45);
  });
});

describe('localToUtc', () => {
  it('places ordinary times with the right offset, including :30 and :45 zones', () => {
    expect(iso(localToUtc('2026-03-03', '09:00', 'America/New_York'))).toBe('2026-03-03T14:00:00.000Z');
    expect(iso(localToUtc('2026-07-01', '09:00', 'America/New_York'))).toBe('2026-07-01T13:00:00.000Z');
    expect(iso(localToUtc('2026-03-03', '09:00', 'Asia/Kolkata'))).toBe('2026-03-03T03:30:00.000Z');
    expect(iso(localToUtc('2026-03-03', '09:00', 'Asia/Kathmandu'))).toBe('2026-03-03T03:15:00.000Z');
    expect(iso(localToUtc('2026-03-03', 25 * 60, 'UTC'))).toBe('2026-03-04T01:00:00.000Z');
  });

  it('moves a time in the New York spring-forward gap to the first instant after it', () => {
    expect(iso(localToUtc('2026-03-08', '01:59', 'America/New_York'))).toBe('2026-03-08T06:59:00.000Z');
    expect(iso(localToUtc('2026-03-08', '02:00', 'America/New_York'))).toBe('2026-03-08T07:00:00.000Z');
    expect(iso(localToUtc('2026-03-08', '02:30', 'America/New_York'))).toBe('2026-03-08T07:00:00.000Z');
    expect(iso(localToUtc('2026-03-08', '03:00', 'America/New_York'))).toBe('2026-03-08T07:00:00.000Z');
    expect(iso(localToUtc('2026-03-08', '03:30', 'America/New_York'))).toBe('2026-03-08T07:30:00.000Z');
  });

  it('takes the earlier instant of a New York fall-back overlap', () => {
    expect(iso(localToUtc('2026-11-01', '00:59', 'America/New_York'))).toBe('2026-11-01T04:59:00.000Z');
    expect(iso(localToUtc('2026-11-01', '01:30', 'America/New_York'))).toBe('2026-11-01T05:30:00.000Z');
    expect(iso(localToUtc('2026-11-01', '02:00', 'America/New_York'))).toBe('2026-11-01T07:00:00.000Z');
  });

  it('handles London both ways', () => {
    expect(iso(localToUtc('2026-03-29', '00:30', 'Europe/London'))).toBe('2026-03-29T00:30:00.000Z');
    expect(iso(localToUtc('2026-03-29', '01:30', 'Europe/London'))).toBe('2026-03-29T01:00:00.000Z');
    expect(iso(localToUtc('2026-03-29', '02:00', 'Europe/London'))).toBe('2026-03-29T01:00:00.000Z');
    expect(iso(localToUtc('2026-10-25', '01:30', 'Europe/London'))).toBe('2026-10-25T00:30:00.000Z');
    expect(iso(localToUtc('2026-10-25', '02:00', 'Europe/London'))).toBe('2026-10-25T02:00:00.000Z');
  });

  it('handles a 30-minute DST shift (Lord Howe) and a gap at midnight (Santiago)', () => {
    expect(iso(localToUtc('2026-10-04', '02:15', 'Australia/Lord_Howe'))).toBe('2026-10-03T15:30:00.000Z');
    expect(iso(localToUtc('2026-04-05', '01:45', 'Australia/Lord_Howe'))).toBe('2026-04-04T14:45:00.000Z');
    expect(iso(startOfLocalDay('2026-09-06', 'America/Santiago'))).toBe('2026-09-06T04:00:00.000Z');
    expect(iso(startOfLocalDay('2026-09-05', 'America/Santiago'))).toBe('2026-09-05T04:00:00.000Z');
  });

  it('round-trips every quarter hour of a DST day through Intl', () => {
    const tz = 'America/New_York';
    const fmt = new Intl.DateTimeFormat('en-GB', { timeZone: tz, hourCycle: 'h23', hour: '2-digit', minute: '2-digit' });
    for (let m = 0; m < 1440; m += 15) {
      const t = localToUtc('2026-03-08', m, tz);
      const inGap = m >= 120 && m < 180;
      expect(fmt.format(t)).toBe(inGap ? '03:00' : `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);
    }
  });

  it('is monotonic in the wall time', () => {
    let previous = -Infinity;
    const base = Date.UTC(2026, 9, 31);
    for (let m = 0; m < 4 * 1440; m += 10) {
      const t = fromWall(base + m * 60_000, 'America/New_York');
      expect(t).toBeGreaterThanOrEqual(previous);
      previous = t;
    }
  });
});
