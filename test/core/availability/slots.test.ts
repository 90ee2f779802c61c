import { describe, expect, it } from 'vitest';
import {
  checkSlot,
  computeHostSlots,
  computeSlotsAllFree,
  computeSlotsAnyFree,
  isIntervalFree,
  isSlotAvailable,
  startGridMinutes,
} from '../../../src/core/availability/slots.js';
import { presentSlot } from '../../../src/core/availability/present.js';
import { busy, host, query, rule, schedule, starts } from './helpers.js';

const day = (date: string) => [`${date}T00:00:00Z`, `${date}T23:59:59Z`] as const;

describe('computeHostSlots: grid and ranges', () => {
  it('offers slots on the grid from the range start, never ending after the range', () => {
    const h = host(schedule('UTC', [rule('09:00', '10:45')]));
    const slots = computeHostSlots(h, query(...day('2026-03-03')));
    expect(starts(slots)).toEqual(['2026-03-03T09:00:00.000Z', '2026-03-03T09:30:00.000Z', '2026-03-03T10:00:00.000Z']);
    expect(slots[0]).toEqual({ start: new Date('2026-03-03T09:00:00Z'), end: new Date('2026-03-03T09:30:00Z'), hostIds: ['host'] });
  });

  it('lets slots overlap when the interval is shorter than the duration', () => {
    const h = host(schedule('UTC', [rule('09:00', '11:00')]));
    expect(starts(computeHostSlots(h, query(...day('2026-03-03'), { durationMinutes: 60 })))).toEqual([
      '2026-03-03T09:00:00.000Z',
      '2026-03-03T09:30:00.000Z',
      '2026-03-03T10:00:00.000Z',
    ]);
  });

  it('rounds a range start up to the grid (a 09:10 range with 30-minute slots starts at 09:30; with 25-minute ones at 09:10)', () => {
    const h = host(schedule('UTC', [rule('09:10', '10:30'), rule('13:00', '14:00')]));
    expect(starts(computeHostSlots(h, query(...day('2026-03-03'))))).toEqual([
      '2026-03-03T09:30:00.000Z',
      '2026-03-03T10:00:00.000Z',
      '2026-03-03T13:00:00.000Z',
      '2026-03-03T13:30:00.000Z',
    ]);
    expect(starts(computeHostSlots(h, query(...day('2026-03-03'), { durationMinutes: 25, slotIntervalMinutes: 25 })))).toEqual([
      '2026-03-03T09:10:00.000Z',
      '2026-03-03T09:35:00.000Z',
      '2026-03-03T10:00:00.000Z',
      '2026-03-03T13:00:00.000Z',
      '2026-03-03T13:25:00.000Z',
    ]);
  });

  it('lands on local :00/:30 in Kolkata and :15/:45 UTC in Kathmandu', () => {
    const q = query('2026-03-03T00:00Z', '2026-03-03T06:00Z', { durationMinutes: 60 });
    const kolkata = computeHostSlots(host(schedule('Asia/Kolkata', [rule('09:00', '11:00')])), q);
    expect(starts(kolkata)).toEqual(['2026-03-03T03:30:00.000Z', '2026-03-03T04:00:00.000Z', '2026-03-03T04:30:00.000Z']);
    expect(kolkata.map((s) => presentSlot(s, 'Asia/Kolkata').label)).toEqual([
      'Tue 3 Mar, 09:00–10:00',
      'Tue 3 Mar, 09:30–10:30',
      'Tue 3 Mar, 10:00–11:00',
    ]);
    const kathmandu = computeHostSlots(host(schedule('Asia/Kathmandu', [rule('09:00', '11:00')])), q);
    expect(starts(kathmandu)).toEqual(['2026-03-03T03:15:00.000Z', '2026-03-03T03:45:00.000Z', '2026-03-03T04:15:00.000Z']);
  });

  it('runs hours across midnight', () => {
    const h = host(schedule('UTC', [rule('22:00', '02:00', 'FREQ=WEEKLY;BYDAY=TU')]));
    expect(starts(computeHostSlots(h, query('2026-03-03T00:00Z', '2026-03-05T00:00Z', { durationMinutes: 60, slotIntervalMinutes: 60 })))).toEqual([
      '2026-03-03T22:00:00.000Z',
      '2026-03-03T23:00:00.000Z',
      '2026-03-04T00:00:00.000Z',
      '2026-03-04T01:00:00.000Z',
    ]);
  });

  it('offers the last hour of a day ending 23:59', () => {
    const h = host(schedule('Europe/London', [rule('21:00', '23:59', 'FREQ=WEEKLY;BYDAY=TU')]));
    expect(starts(computeHostSlots(h, query(...day('2026-03-03'), { durationMinutes: 60, slotIntervalMinutes: 60 })))).toEqual([
      '2026-03-03T21:00:00.000Z',
      '2026-03-03T22:00:00.000Z',
      '2026-03-03T23:00:00.000Z',
    ]);
  });

  it('lets a slot span two overlapping ranges, each range starting its own grid', () => {
    const h = host(schedule('UTC', [rule('09:00', '10:00'), rule('09:45', '11:00')]));
    // 30-minute interval: the second range starts at 09:45, rounded up to 10:00.
    expect(starts(computeHostSlots(h, query(...day('2026-03-03'), { durationMinutes: 60 })))).toEqual([
      '2026-03-03T09:00:00.000Z',
      '2026-03-03T09:30:00.000Z',
      '2026-03-03T10:00:00.000Z',
    ]);
    // 40-minute interval (20-minute grid): 09:00, 09:40 from the first range; 10:00 from the second.
    expect(starts(computeHostSlots(h, query(...day('2026-03-03'), { durationMinutes: 60, slotIntervalMinutes: 40 })))).toEqual([
      '2026-03-03T09:00:00.000Z',
      '2026-03-03T09:40:00.000Z',
      '2026-03-03T10:00:00.000Z',
    ]);
  });

  it('returns slots whose start lies in [from, to), keeping the range grid', () => {
    const h = host(schedule('UTC', [rule('09:00', '17:00')]));
    expect(starts(computeHostSlots(h, query('2026-03-03T09:10Z', '2026-03-03T10:30Z')))).toEqual([
      '2026-03-03T09:30:00.000Z',
      '2026-03-03T10:00:00.000Z',
    ]);
  });

  it('honours a day-off override and an override with other hours', () => {
    const s = schedule('UTC', [rule('09:00', '10:00')], [
      { date: '2026-03-04', ranges: [] },
      { date: '2026-03-05', ranges: [{ start: '14:00', end: '15:00' }] },
    ]);
    expect(starts(computeHostSlots(host(s), query('2026-03-03T00:00Z', '2026-03-06T00:00Z', { durationMinutes: 60 })))).toEqual([
      '2026-03-03T09:00:00.000Z',
      '2026-03-05T14:00:00.000Z',
    ]);
  });
});

describe('computeHostSlots: each free stretch starts its own grid (Cal.com’s rule)', () => {
  it('picks the largest of 60, 30, 20, 15, 10 and 5 minutes that divides the interval, else 1 minute', () => {
    expect([60, 120, 30, 90, 20, 40, 15, 45, 75, 10, 50, 70, 5, 25, 35, 1, 7, 13, 720].map((i) => [i, startGridMinutes(i)])).toEqual([
      [60, 60], [120, 60], [30, 30], [90, 30], [20, 20], [40, 20], [15, 15], [45, 15], [75, 15], [10, 10], [50, 10], [70, 10], [5, 5], [25, 5], [35, 5], [1, 1], [7, 1], [13, 1], [720, 60],
    ]);
  });

  it('Kolkata, free 09:30–18:00 with a 15-minute meeting at 09:30: a 45-minute type every 45 minutes starts at 09:45, not 10:15', () => {
    const kolkata = schedule('Asia/Kolkata', [rule('09:30', '18:00')]);
    const q = query('2026-03-03T00:00+05:30', '2026-03-04T00:00+05:30', { durationMinutes: 45, slotIntervalMinutes: 45 });
    const local = (slots: ReturnType<typeof computeHostSlots>) => slots.map((s) => presentSlot(s, 'Asia/Kolkata').start.slice(11, 16));
    const free = local(computeHostSlots(host(kolkata), q));
    expect(free).toEqual(['09:30', '10:15', '11:00', '11:45', '12:30', '13:15', '14:00', '14:45', '15:30', '16:15', '17:00']);
    const withMeeting = computeHostSlots(host(kolkata, [busy('2026-03-03T09:30+05:30', '2026-03-03T09:45+05:30')]), q);
    expect(local(withMeeting)).toEqual(['09:45', '10:30', '11:15', '12:00', '12:45', '13:30', '14:15', '15:00', '15:45', '16:30', '17:15']);
    // The day holds as many 45-minute meetings as before the 15-minute one, and 09:45 is bookable.
    expect(withMeeting).toHaveLength(free.length);
    expect(checkSlot(host(kolkata, [busy('2026-03-03T09:30+05:30', '2026-03-03T09:45+05:30')]), q, new Date('2026-03-03T09:45+05:30'))).toEqual({ available: true });
    expect(checkSlot(host(kolkata, [busy('2026-03-03T09:30+05:30', '2026-03-03T09:45+05:30')]), q, new Date('2026-03-03T10:15+05:30'))).toEqual({ available: false, reason: 'off-grid' });
  });

  it('restarts after a busy block in the middle of the day, rounded up to the grid', () => {
    const workday = schedule('UTC', [rule('09:00', '12:00')]);
    const afterBusy = (interval: number) =>
      starts(computeHostSlots(host(workday, [busy('2026-03-03T09:40Z', '2026-03-03T10:07Z')]), query(...day('2026-03-03'), { durationMinutes: 20, slotIntervalMinutes: interval })))
        .filter((s) => s > '2026-03-03T10')
        .slice(0, 2)
        .map((s) => s.slice(11, 16));
    expect(afterBusy(30)).toEqual(['10:30', '11:00']);
    expect(afterBusy(45)).toEqual(['10:15', '11:00']);
    expect(afterBusy(20)).toEqual(['10:20', '10:40']);
    expect(afterBusy(50)).toEqual(['10:10', '11:00']);
    expect(afterBusy(25)).toEqual(['10:10', '10:35']);
    expect(afterBusy(7)).toEqual(['10:07', '10:14']);
    expect(afterBusy(60)).toEqual(['11:00']);
  });

  it('starts a stretch after the busy meeting’s buffer and the new meeting’s buffer', () => {
    const workday = schedule('UTC', [rule('09:00', '12:00')]);
    // Busy 10:00–10:30 with 5 minutes after it; the new type wants 10 minutes before: the stretch starts at 10:45.
    const h = host(workday, [busy('2026-03-03T10:00Z', '2026-03-03T10:30Z', 0, 5)]);
    expect(starts(computeHostSlots(h, query(...day('2026-03-03'), { slotIntervalMinutes: 15, bufferBeforeMinutes: 10 })))).toContain('2026-03-03T10:45:00.000Z');
    expect(starts(computeHostSlots(h, query(...day('2026-03-03'), { slotIntervalMinutes: 30, bufferBeforeMinutes: 10 }))).filter((s) => s >= '2026-03-03T10')[0]).toBe('2026-03-03T11:00:00.000Z');
  });

  it('keeps the grid where it is as time passes: minimum notice and the window never move it', () => {
    const workday = schedule('UTC', [rule('09:00', '17:00')]);
    const q = query(...day('2026-03-03'), { durationMinutes: 45, slotIntervalMinutes: 45, now: new Date('2026-03-03T09:10:00Z') });
    expect(starts(computeHostSlots(host(workday), q)).slice(0, 3)).toEqual(['2026-03-03T09:45:00.000Z', '2026-03-03T10:30:00.000Z', '2026-03-03T11:15:00.000Z']);
    expect(starts(computeHostSlots(host(workday), { ...q, from: new Date('2026-03-03T10:00:00Z') }))[0]).toBe('2026-03-03T10:30:00.000Z');
  });

  it('rounds on the host’s local clock: 60-minute slots after a busy block in Kathmandu land on the local hour', () => {
    const ktm = schedule('Asia/Kathmandu', [rule('09:00', '17:00')]);
    // 10:20–10:50 local is 04:35–05:05Z; the next local hour, 11:00, is 05:15Z.
    const slots = computeHostSlots(host(ktm, [busy('2026-03-03T04:35Z', '2026-03-03T05:05Z')]), query('2026-03-03T00:00Z', '2026-03-03T12:00Z', { durationMinutes: 60, slotIntervalMinutes: 60 }));
    expect(slots.map((s) => presentSlot(s, 'Asia/Kathmandu').start.slice(11, 16))).toEqual(['09:00', '11:00', '12:00', '13:00', '14:00', '15:00', '16:00']);
  });

  it('takes a zero-length override as a day off', () => {
    const s = schedule('UTC', [rule('09:00', '11:00')], [{ date: '2026-03-04', ranges: [{ start: '00:00', end: '00:00' }] }]);
    expect(starts(computeHostSlots(host(s), query('2026-03-03T00:00Z', '2026-03-06T00:00Z', { durationMinutes: 60, slotIntervalMinutes: 60 })))).toEqual([
      '2026-03-03T09:00:00.000Z',
      '2026-03-03T10:00:00.000Z',
      '2026-03-05T09:00:00.000Z',
      '2026-03-05T10:00:00.000Z',
    ]);
  });
});

describe('computeHostSlots: DST', () => {
  const ny = (r: ReturnType<typeof rule>) => host(schedule('America/New_York', [r]));
  const hourly = { durationMinutes: 60, slotIntervalMinutes: 60 };

  it('skips the missing hour on the New York spring-forward night', () => {
    const slots = computeHostSlots(ny(rule('00:00', '04:00', 'FREQ=WEEKLY;BYDAY=SU')), query('2026-03-08T00:00Z', '2026-03-09T00:00Z', hourly));
    expect(slots.map((s) => presentSlot(s, 'America/New_York').start)).toEqual([
      '2026-03-08T00:00:00-05:00',
      '2026-03-08T01:00:00-05:00',
      '2026-03-08T03:00:00-04:00',
    ]);
  });

  it('offers the repeated hour on the New York fall-back night', () => {
    const slots = computeHostSlots(ny(rule('00:00', '04:00', 'FREQ=WEEKLY;BYDAY=SU')), query('2026-11-01T00:00Z', '2026-11-02T00:00Z', hourly));
    expect(slots.map((s) => presentSlot(s, 'America/New_York').start)).toEqual([
      '2026-11-01T00:00:00-04:00',
      '2026-11-01T01:00:00-04:00',
      '2026-11-01T01:00:00-05:00',
      '2026-11-01T02:00:00-05:00',
      '2026-11-01T03:00:00-05:00',
    ]);
  });

  it('keeps 09:00–17:00 local on the change days, in New York and London', () => {
    const sunday = rule('09:00', '17:00', 'FREQ=WEEKLY;BYDAY=SU');
    for (const [tz, date, first, last] of [
      ['America/New_York', '2026-03-08', '2026-03-08T13:00:00.000Z', '2026-03-08T20:00:00.000Z'],
      ['America/New_York', '2026-11-01', '2026-11-01T14:00:00.000Z', '2026-11-01T21:00:00.000Z'],
      ['Europe/London', '2026-03-29', '2026-03-29T08:00:00.000Z', '2026-03-29T15:00:00.000Z'],
      ['Europe/London', '2026-10-25', '2026-10-25T09:00:00.000Z', '2026-10-25T16:00:00.000Z'],
    ] as const) {
      const slots = computeHostSlots(host(schedule(tz, [sunday])), query(`${date}T00:00Z`, `${date}T23:59Z`, hourly));
      expect(slots.length).toBe(8);
      expect([slots[0].start.toISOString(), slots[7].start.toISOString()]).toEqual([first, last]);
      expect(presentSlot(slots[7], tz).label).toBe(`Sun ${Number(date.slice(8))} ${date.slice(5, 7) === '03' ? 'Mar' : date.slice(5, 7) === '10' ? 'Oct' : 'Nov'}, 16:00–17:00`);
    }
  });

  it('gives the London 01:00–03:00 range one slot in March and three in October', () => {
    const s = schedule('Europe/London', [rule('01:00', '03:00', 'FREQ=WEEKLY;BYDAY=SU')]);
    expect(starts(computeHostSlots(host(s), query('2026-03-28T12:00Z', '2026-03-29T12:00Z', hourly)))).toEqual(['2026-03-29T01:00:00.000Z']);
    expect(starts(computeHostSlots(host(s), query('2026-10-24T12:00Z', '2026-10-25T12:00Z', hourly)))).toEqual([
      '2026-10-25T00:00:00.000Z',
      '2026-10-25T01:00:00.000Z',
      '2026-10-25T02:00:00.000Z',
    ]);
  });
});

describe('computeHostSlots: busy, buffers, notice, horizon, daily limit', () => {
  const workday = schedule('UTC', [rule('09:00', '12:00')]);

  it('widens busy time by its own buffers and by the new meeting’s buffers', () => {
    // Blocked iff [s - 10, s + 30 + 5) meets [10:00, 10:30 + 15), i.e. 09:25 < s < 10:55.
    const h = host(workday, [busy('2026-03-03T10:00Z', '2026-03-03T10:30Z', 0, 15)]);
    const q = query(...day('2026-03-03'), { slotIntervalMinutes: 15, bufferBeforeMinutes: 10, bufferAfterMinutes: 5 });
    expect(starts(computeHostSlots(h, q))).toEqual([
      '2026-03-03T09:00:00.000Z',
      '2026-03-03T09:15:00.000Z',
      '2026-03-03T11:00:00.000Z',
      '2026-03-03T11:15:00.000Z',
      '2026-03-03T11:30:00.000Z',
    ]);
  });

  it("applies a busy interval's buffer before", () => {
    const h = host(workday, [busy('2026-03-03T11:00Z', '2026-03-03T11:30Z', 20, 0)]);
    expect(starts(computeHostSlots(h, query(...day('2026-03-03'))))).toEqual([
      '2026-03-03T09:00:00.000Z',
      '2026-03-03T09:30:00.000Z',
      '2026-03-03T10:00:00.000Z',
      '2026-03-03T11:30:00.000Z',
    ]);
  });

  it('lets a slot touch a busy interval without buffers (half-open)', () => {
    const h = host(workday, [busy('2026-03-03T10:00Z', '2026-03-03T10:30Z')]);
    expect(starts(computeHostSlots(h, query(...day('2026-03-03'))))).toContain('2026-03-03T09:30:00.000Z');
    expect(starts(computeHostSlots(h, query(...day('2026-03-03'))))).toContain('2026-03-03T10:30:00.000Z');
  });

  it('accepts busy intervals in any order', () => {
    const b = [busy('2026-03-03T11:00Z', '2026-03-03T11:30Z'), busy('2026-03-03T09:00Z', '2026-03-03T10:00Z')];
    expect(starts(computeHostSlots(host(workday, b), query(...day('2026-03-03'))))).toEqual([
      '2026-03-03T10:00:00.000Z',
      '2026-03-03T10:30:00.000Z',
      '2026-03-03T11:30:00.000Z',
    ]);
  });

  it('requires the minimum notice', () => {
    const q = query(...day('2026-03-03'), { now: new Date('2026-03-03T09:10:00Z'), minimumNoticeMinutes: 60 });
    expect(starts(computeHostSlots(host(workday), q))).toEqual([
      '2026-03-03T10:30:00.000Z',
      '2026-03-03T11:00:00.000Z',
      '2026-03-03T11:30:00.000Z',
    ]);
  });

  it('stops at the booking horizon', () => {
    const q = query('2026-03-02T00:00Z', '2026-03-31T00:00Z', { now: new Date('2026-03-02T10:00:00Z'), bookingHorizonDays: 2, durationMinutes: 60, slotIntervalMinutes: 60 });
    expect(starts(computeHostSlots(host(workday), q))).toEqual([
      '2026-03-02T10:00:00.000Z',
      '2026-03-02T11:00:00.000Z',
      '2026-03-03T09:00:00.000Z',
      '2026-03-03T10:00:00.000Z',
      '2026-03-03T11:00:00.000Z',
      '2026-03-04T09:00:00.000Z',
    ]);
  });

  it('closes a local day that already has dailyLimit bookings, counting days in the host zone', () => {
    // 20:00Z and 21:00Z on 3 March are 01:30 and 02:30 on 4 March in Kolkata.
    const s = schedule('Asia/Kolkata', [rule('09:00', '10:00')]);
    const b = [busy('2026-03-03T20:00Z', '2026-03-03T20:30Z'), busy('2026-03-03T21:00Z', '2026-03-03T21:30Z')];
    const q = query('2026-03-02T18:30Z', '2026-03-05T18:30Z', { durationMinutes: 60, dailyLimit: 2 });
    expect(starts(computeHostSlots(host(s, b), q))).toEqual(['2026-03-03T03:30:00.000Z', '2026-03-05T03:30:00.000Z']);
    expect(starts(computeHostSlots(host(s, b), { ...q, dailyLimit: 3 }))).toHaveLength(3);
  });

  it('counts only the type’s own bookings towards its daily limit', () => {
    const s = schedule('UTC', [rule('09:00', '12:00')]);
    const b = [
      { ...busy('2026-03-03T09:00Z', '2026-03-03T09:30Z'), meetingTypeId: 'intro' },
      { ...busy('2026-03-03T10:00Z', '2026-03-03T10:30Z'), meetingTypeId: 'review' },
    ];
    const q = query(...day('2026-03-03'), { dailyLimit: 1 });
    // One "intro" already that day: no more intros, but a review may still be booked.
    expect(computeHostSlots(host(s, b), { ...q, meetingTypeId: 'intro' })).toEqual([]);
    expect(starts(computeHostSlots(host(s, b), { ...q, meetingTypeId: 'support' }))).toEqual(['2026-03-03T09:30:00.000Z', '2026-03-03T10:30:00.000Z', '2026-03-03T11:00:00.000Z', '2026-03-03T11:30:00.000Z']);
    expect(checkSlot(host(s, b), { ...q, meetingTypeId: 'intro' }, new Date('2026-03-03T11:00Z'))).toEqual({ available: false, reason: 'daily-limit' });
  });

  it('honours the host’s own limit of meetings a day, across all types', () => {
    const s = { ...schedule('UTC', [rule('09:00', '12:00')]), dailyLimit: 2 };
    const b = [
      { ...busy('2026-03-03T09:00Z', '2026-03-03T09:30Z'), meetingTypeId: 'intro' },
      { ...busy('2026-03-03T10:00Z', '2026-03-03T10:30Z'), meetingTypeId: 'review' },
      { ...busy('2026-03-04T10:00Z', '2026-03-04T10:30Z'), meetingTypeId: 'review' },
    ];
    const q = query('2026-03-03T00:00Z', '2026-03-05T00:00Z', { meetingTypeId: 'support' });
    expect(starts(computeHostSlots(host(s, b), q)).every((t) => t.startsWith('2026-03-04'))).toBe(true);
    expect(computeHostSlots(host(s, b), q)).toHaveLength(5);
    expect(checkSlot(host(s, b), q, new Date('2026-03-03T11:00Z'))).toEqual({ available: false, reason: 'host-daily-limit' });
    expect(computeHostSlots(host({ ...s, dailyLimit: 3 }, b), q).length).toBe(9);
  });

  it('returns nothing for an empty window', () => {
    expect(computeHostSlots(host(workday), query('2026-03-03T12:00Z', '2026-03-03T09:00Z'))).toEqual([]);
  });

  it('refuses nonsense rules', () => {
    expect(() => computeHostSlots(host(workday), query(...day('2026-03-03'), { durationMinutes: 0 }))).toThrow(/durationMinutes/);
    expect(() => computeHostSlots(host(workday), query(...day('2026-03-03'), { slotIntervalMinutes: -5 }))).toThrow(/slotIntervalMinutes/);
    expect(() => computeHostSlots(host(workday), { ...query(...day('2026-03-03')), from: new Date('nope') })).toThrow(/from/);
  });
});

describe('isSlotAvailable, isIntervalFree and checkSlot', () => {
  const h = host(schedule('UTC', [rule('09:00', '12:00')]), [busy('2026-03-03T10:00Z', '2026-03-03T10:30Z')]);
  const q = query(...day('2026-03-03'), { now: new Date('2026-03-02T00:00:00Z'), minimumNoticeMinutes: 60, bookingHorizonDays: 3 });
  const at = (t: string) => new Date(t);

  it('agrees with computeHostSlots on every minute of the day', () => {
    const offered = new Set(starts(computeHostSlots(h, q)));
    expect([...offered]).toEqual([
      '2026-03-03T09:00:00.000Z',
      '2026-03-03T09:30:00.000Z',
      '2026-03-03T10:30:00.000Z',
      '2026-03-03T11:00:00.000Z',
      '2026-03-03T11:30:00.000Z',
    ]);
    for (let t = Date.parse('2026-03-03T00:00Z'); t < Date.parse('2026-03-04T00:00Z'); t += 60_000) {
      expect(isSlotAvailable(h, q, new Date(t))).toBe(offered.has(new Date(t).toISOString()));
    }
  });

  it('says why a start is refused', () => {
    expect(checkSlot(h, q, at('2026-03-03T09:00Z'))).toEqual({ available: true });
    expect(checkSlot(h, q, at('2026-03-03T09:10Z'))).toEqual({ available: false, reason: 'off-grid' });
    expect(checkSlot(h, q, at('2026-03-03T10:00Z'))).toEqual({ available: false, reason: 'busy' });
    expect(checkSlot(h, q, at('2026-03-03T11:45Z'))).toEqual({ available: false, reason: 'outside-working-hours' });
    expect(checkSlot(h, q, at('2026-03-04T09:00Z'))).toEqual({ available: false, reason: 'outside-window' });
    expect(checkSlot(h, { ...q, from: undefined, to: undefined }, at('2026-03-05T09:00Z'))).toEqual({ available: false, reason: 'beyond-horizon' });
    expect(checkSlot(h, { ...q, now: at('2026-03-03T08:30Z') }, at('2026-03-03T09:00Z'))).toEqual({ available: false, reason: 'too-soon' });
    expect(checkSlot(h, { ...q, dailyLimit: 1 }, at('2026-03-03T09:00Z'))).toEqual({ available: false, reason: 'daily-limit' });
  });

  it('checks an exact interval ignoring the grid', () => {
    expect(isIntervalFree(h, q, { start: at('2026-03-03T09:10Z'), end: at('2026-03-03T09:55Z') })).toBe(true);
    expect(isIntervalFree(h, q, { start: at('2026-03-03T09:40Z'), end: at('2026-03-03T10:05Z') })).toBe(false);
    expect(isIntervalFree(h, q, { start: at('2026-03-03T11:30Z'), end: at('2026-03-03T12:01Z') })).toBe(false);
    expect(() => isIntervalFree(h, q, { start: at('2026-03-03T11:30Z'), end: at('2026-03-03T11:30Z') })).toThrow(/after/);
  });
});

describe('several hosts', () => {
  const london = schedule('Europe/London', [rule('09:00', '17:00')], [], 'lon');
  const kathmandu = schedule('Asia/Kathmandu', [rule('09:00', '17:00')], [], 'ktm');
  const q = query('2026-03-03T00:00Z', '2026-03-04T00:00Z');

  it('all-free: union of both grids where both are free', () => {
    // Overlap is 09:00–11:15Z; London's grid is :00/:30, Kathmandu's is :15/:45 in UTC.
    const slots = computeSlotsAllFree([host(london), host(kathmandu)], q);
    expect(starts(slots)).toEqual([
      '2026-03-03T09:00:00.000Z',
      '2026-03-03T09:15:00.000Z',
      '2026-03-03T09:30:00.000Z',
      '2026-03-03T09:45:00.000Z',
      '2026-03-03T10:00:00.000Z',
      '2026-03-03T10:15:00.000Z',
      '2026-03-03T10:30:00.000Z',
      '2026-03-03T10:45:00.000Z',
    ]);
    expect(slots.every((s) => s.hostIds.join() === 'lon,ktm')).toBe(true);
  });

  it('all-free: one host’s booking removes the slot for everyone', () => {
    const slots = computeSlotsAllFree([host(london, [busy('2026-03-03T09:40Z', '2026-03-03T10:10Z')]), host(kathmandu)], q);
    expect(starts(slots)).toEqual([
      '2026-03-03T09:00:00.000Z',
      '2026-03-03T10:15:00.000Z',
      '2026-03-03T10:30:00.000Z',
      '2026-03-03T10:45:00.000Z',
    ]);
  });

  it('any-free: lists who is free at each start', () => {
    const slots = computeSlotsAnyFree([host(london), host(kathmandu)], q);
    const byStart = new Map(slots.map((s) => [s.start.toISOString(), s.hostIds]));
    expect(slots[0].start.toISOString()).toBe('2026-03-03T03:15:00.000Z');
    expect(byStart.get('2026-03-03T03:15:00.000Z')).toEqual(['ktm']);
    expect(byStart.get('2026-03-03T09:00:00.000Z')).toEqual(['lon', 'ktm']);
    expect(byStart.get('2026-03-03T10:45:00.000Z')).toEqual(['lon', 'ktm']);
    expect(byStart.get('2026-03-03T11:00:00.000Z')).toEqual(['lon']);
    expect(byStart.has('2026-03-03T11:15:00.000Z')).toBe(false);
    expect(slots.at(-1)!.start.toISOString()).toBe('2026-03-03T16:30:00.000Z');
    // London :00/:30 and Kathmandu :15/:45 share no start: 16 + 16.
    expect(slots.length).toBe(32);
  });

  it('all-free across New York and London with DST out of step (London still GMT, New York already EDT)', () => {
    const ny = schedule('America/New_York', [rule('08:00', '12:00')], [], 'ny');
    const lon = schedule('Europe/London', [rule('09:00', '17:00')], [], 'lon');
    const week = query('2026-03-09T00:00Z', '2026-03-10T00:00Z', { durationMinutes: 60, slotIntervalMinutes: 60 });
    // 9 March: New York 08:00 EDT = 12:00Z, London closes 17:00 GMT.
    expect(starts(computeSlotsAllFree([host(ny), host(lon)], week))).toEqual([
      '2026-03-09T12:00:00.000Z',
      '2026-03-09T13:00:00.000Z',
      '2026-03-09T14:00:00.000Z',
      '2026-03-09T15:00:00.000Z',
    ]);
    const before = query('2026-03-06T00:00Z', '2026-03-07T00:00Z', { durationMinutes: 60, slotIntervalMinutes: 60 });
    expect(starts(computeSlotsAllFree([host(ny), host(lon)], before))).toEqual([
      '2026-03-06T13:00:00.000Z',
      '2026-03-06T14:00:00.000Z',
      '2026-03-06T15:00:00.000Z',
      '2026-03-06T16:00:00.000Z',
    ]);
  });

  it('returns nothing for no hosts', () => {
    expect(computeSlotsAllFree([], q)).toEqual([]);
    expect(computeSlotsAnyFree([], q)).toEqual([]);
  });
});
