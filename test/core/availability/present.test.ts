import { describe, expect, it } from 'vitest';
import { formatIsoInZone, formatLocalTime, formatSlotLabel, presentSlot } from '../../../src/core/availability/present.js';

const slot = (start: string, end: string) => ({ start: new Date(start), end: new Date(end), hostIds: ['a', 'b'] });

describe('presentSlot', () => {
  it('shows a slot in the viewer zone with its offset, plus UTC', () => {
    expect(presentSlot(slot('2026-03-03T14:30:00Z', '2026-03-03T15:00:00Z'), 'America/New_York')).toEqual({
      start: '2026-03-03T09:30:00-05:00',
      end: '2026-03-03T10:00:00-05:00',
      startUtc: '2026-03-03T14:30:00.000Z',
      endUtc: '2026-03-03T15:00:00.000Z',
      label: 'Tue 3 Mar, 09:30–10:00',
      hostIds: ['a', 'b'],
    });
  });

  it('uses :30 and :45 offsets and +00:00 for UTC', () => {
    const s = slot('2026-03-03T14:30:00Z', '2026-03-03T15:00:00Z');
    expect(presentSlot(s, 'Asia/Kolkata').start).toBe('2026-03-03T20:00:00+05:30');
    expect(presentSlot(s, 'Asia/Kathmandu').label).toBe('Tue 3 Mar, 20:15–20:45');
    expect(presentSlot(s, 'UTC').start).toBe('2026-03-03T14:30:00+00:00');
  });

  it('names both days when a slot crosses the viewer’s midnight', () => {
    expect(presentSlot(slot('2026-03-03T23:30:00Z', '2026-03-04T00:30:00Z'), 'Europe/London').label).toBe(
      'Tue 3 Mar, 23:30 – Wed 4 Mar, 00:30',
    );
  });

  it('names the zones when the offset changes inside the slot', () => {
    expect(formatSlotLabel(new Date('2026-11-01T05:30:00Z'), new Date('2026-11-01T06:00:00Z'), 'America/New_York')).toBe(
      'Sun 1 Nov, 01:30 EDT–01:00 EST',
    );
  });

  it('formats local times and ISO strings across a DST change', () => {
    expect(formatLocalTime(new Date('2026-03-29T00:59:00Z'), 'Europe/London')).toBe('00:59');
    expect(formatLocalTime(new Date('2026-03-29T01:00:00Z'), 'Europe/London')).toBe('02:00');
    expect(formatIsoInZone(new Date('2026-03-29T01:00:00Z'), 'Europe/London')).toBe('2026-03-29T02:00:00+01:00');
  });
});

describe('formatting agrees with date-fns-tz', () => {
  it('over three years of instants in zones with DST, half-hour and 45-minute offsets', async () => {
    const { formatInTimeZone } = await import('date-fns-tz');
    const { formatLocalDay } = await import('../../../src/core/availability/present.js');
    const zones = ['America/New_York', 'Europe/London', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'America/Santiago', 'Pacific/Chatham', 'America/St_Johns'];
    const mismatches: string[] = [];
    for (const tz of zones) {
      for (let t = Date.UTC(2025, 0, 1); t < Date.UTC(2028, 0, 1); t += 7 * 3_600_000 + 17 * 60_000 + 13_000) {
        const d = new Date(t);
        const ours = `${formatIsoInZone(d, tz)} ${formatLocalTime(d, tz)} ${formatLocalDay(d, tz)}`;
        const theirs = `${formatInTimeZone(d, tz, "yyyy-MM-dd'T'HH:mm:ssxxx")} ${formatInTimeZone(d, tz, 'HH:mm')} ${formatInTimeZone(d, tz, 'EEE d MMM')}`;
        if (ours !== theirs) mismatches.push(`${tz} ${d.toISOString()}: ${ours} vs ${theirs}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('writes UTC instants exactly as Date#toISOString does, in every year and millisecond', () => {
    const instants = [
      Date.UTC(2026, 2, 3, 14, 30),
      Date.parse('0000-01-01T00:00:00.000Z'),
      Date.parse('0999-12-31T23:59:59.999Z'),
      Date.parse('1969-12-31T23:59:59.999Z'),
      0,
      Date.parse('9999-12-31T23:59:59.999Z'),
      Date.parse('+010000-01-01T00:00:00.000Z'),
      Date.parse('-000001-06-01T12:00:00.000Z'),
    ];
    // Seeded walk over years 0 to 9999, milliseconds included.
    for (let i = 0, x = 7; i < 5_000; i++) {
      x = (x * 48_271) % 2_147_483_647;
      instants.push(Math.floor(-62_167_219_200_000 + (x / 2_147_483_647) * 315_569_520_000_000));
    }
    const mismatches = instants
      .map((ms) => new Date(ms))
      .map((d) => [presentSlot({ start: d, end: d, hostIds: [] }, 'UTC').startUtc, d.toISOString()])
      .filter(([ours, theirs]) => ours !== theirs);
    expect(mismatches).toEqual([]);
  });
});
