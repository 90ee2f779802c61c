import { describe, expect, it } from 'vitest';
import { expandWorkingRanges, rangesForLocalDate } from '../../../src/core/availability/working-ranges.js';
import { rule, schedule, spans } from './helpers.js';

const expand = (s: ReturnType<typeof schedule>, from: string, to: string, clip = true) =>
  spans(expandWorkingRanges(s, new Date(from), new Date(to), { clip }));

const hours = (i: [string, string]) => (Date.parse(i[1]) - Date.parse(i[0])) / 3_600_000;

describe('expandWorkingRanges', () => {
  it('keeps a 09:00–17:00 day at 8 local hours across the New York spring-forward weekend', () => {
    const result = expand(schedule('America/New_York', [rule('09:00', '17:00')]), '2026-03-06T00:00Z', '2026-03-10T00:00Z');
    expect(result).toEqual([
      ['2026-03-06T14:00:00.000Z', '2026-03-06T22:00:00.000Z'],
      ['2026-03-09T13:00:00.000Z', '2026-03-09T21:00:00.000Z'],
    ]);
    expect(result.map(hours)).toEqual([8, 8]);
  });

  it('keeps a 09:00–17:00 day at 8 local hours across the New York fall-back weekend', () => {
    expect(expand(schedule('America/New_York', [rule('09:00', '17:00')]), '2026-10-30T00:00Z', '2026-11-03T00:00Z')).toEqual([
      ['2026-10-30T13:00:00.000Z', '2026-10-30T21:00:00.000Z'],
      ['2026-11-02T14:00:00.000Z', '2026-11-02T22:00:00.000Z'],
    ]);
  });

  it('keeps 09:00–17:00 on the London change days themselves', () => {
    const s = schedule('Europe/London', [rule('09:00', '17:00', 'FREQ=WEEKLY;BYDAY=SU')]);
    expect(expand(s, '2026-03-28T00:00Z', '2026-03-30T00:00Z')).toEqual([['2026-03-29T08:00:00.000Z', '2026-03-29T16:00:00.000Z']]);
    expect(expand(s, '2026-10-24T00:00Z', '2026-10-26T00:00Z')).toEqual([['2026-10-25T09:00:00.000Z', '2026-10-25T17:00:00.000Z']]);
  });

  it('gives a 01:00–03:00 range 1 hour on spring-forward nights and 3 hours on fall-back nights', () => {
    const ny = schedule('America/New_York', [rule('01:00', '03:00', 'FREQ=WEEKLY;BYDAY=SU')]);
    expect(expand(ny, '2026-03-07T00:00Z', '2026-03-09T00:00Z')).toEqual([['2026-03-08T06:00:00.000Z', '2026-03-08T07:00:00.000Z']]);
    expect(expand(ny, '2026-10-31T00:00Z', '2026-11-02T00:00Z')).toEqual([['2026-11-01T05:00:00.000Z', '2026-11-01T08:00:00.000Z']]);
    const london = schedule('Europe/London', [rule('01:00', '03:00', 'FREQ=WEEKLY;BYDAY=SU')]);
    // 01:00 does not exist on 29 March: the range starts at 02:00 BST.
    expect(expand(london, '2026-03-28T00:00Z', '2026-03-30T00:00Z')).toEqual([['2026-03-29T01:00:00.000Z', '2026-03-29T02:00:00.000Z']]);
    expect(expand(london, '2026-10-24T00:00Z', '2026-10-26T00:00Z')).toEqual([['2026-10-25T00:00:00.000Z', '2026-10-25T03:00:00.000Z']]);
  });

  it('drops a range that lies wholly in a spring-forward gap', () => {
    const s = schedule('America/New_York', [rule('02:00', '02:45', 'FREQ=WEEKLY;BYDAY=SU')]);
    expect(expand(s, '2026-03-07T00:00Z', '2026-03-09T00:00Z')).toEqual([]);
    expect(expand(s, '2026-03-14T00:00Z', '2026-03-16T00:00Z')).toEqual([['2026-03-15T06:00:00.000Z', '2026-03-15T06:45:00.000Z']]);
  });

  it('places hours in zones off by 30 and 45 minutes', () => {
    expect(expand(schedule('Asia/Kolkata', [rule('09:00', '17:00')]), '2026-03-03T00:00Z', '2026-03-04T00:00Z')).toEqual([
      ['2026-03-03T03:30:00.000Z', '2026-03-03T11:30:00.000Z'],
    ]);
    expect(expand(schedule('Asia/Kathmandu', [rule('09:00', '17:00')]), '2026-03-03T00:00Z', '2026-03-04T00:00Z')).toEqual([
      ['2026-03-03T03:15:00.000Z', '2026-03-03T11:15:00.000Z'],
    ]);
  });

  it('lets hours cross midnight, belonging to the day they start on', () => {
    const s = schedule('Europe/London', [rule('22:00', '02:00', 'FREQ=WEEKLY;BYDAY=FR')]);
    expect(expand(s, '2026-03-02T00:00Z', '2026-03-09T00:00Z')).toEqual([['2026-03-06T22:00:00.000Z', '2026-03-07T02:00:00.000Z']]);
  });

  it('reads an end of 23:59 as the end of the day', () => {
    const s = schedule('Europe/London', [rule('20:00', '23:59', 'FREQ=WEEKLY;BYDAY=TU')]);
    expect(expand(s, '2026-03-02T00:00Z', '2026-03-09T00:00Z')).toEqual([['2026-03-03T20:00:00.000Z', '2026-03-04T00:00:00.000Z']]);
  });

  it('merges overlapping and touching ranges, also across midnight', () => {
    const s = schedule('UTC', [
      rule('09:00', '12:00', 'FREQ=WEEKLY;BYDAY=TU'),
      rule('11:00', '14:00', 'FREQ=WEEKLY;BYDAY=TU'),
      rule('14:00', '15:00', 'FREQ=WEEKLY;BYDAY=TU'),
      rule('20:00', '23:59', 'FREQ=WEEKLY;BYDAY=TU'),
      rule('00:00', '01:00', 'FREQ=WEEKLY;BYDAY=WE'),
    ]);
    expect(expand(s, '2026-03-02T00:00Z', '2026-03-09T00:00Z')).toEqual([
      ['2026-03-03T09:00:00.000Z', '2026-03-03T15:00:00.000Z'],
      ['2026-03-03T20:00:00.000Z', '2026-03-04T01:00:00.000Z'],
    ]);
  });

  it('takes a day off from an empty override', () => {
    const s = schedule('UTC', [rule('09:00', '17:00')], [{ date: '2026-03-04', ranges: [] }]);
    expect(expand(s, '2026-03-03T00:00Z', '2026-03-06T00:00Z')).toEqual([
      ['2026-03-03T09:00:00.000Z', '2026-03-03T17:00:00.000Z'],
      ['2026-03-05T09:00:00.000Z', '2026-03-05T17:00:00.000Z'],
    ]);
  });

  it('takes a day off from a zero-length override (00:00–00:00, as Cal.com writes one), not a 24-hour day', () => {
    const s = schedule('UTC', [rule('09:00', '17:00')], [
      { date: '2026-03-04', ranges: [{ start: '00:00', end: '00:00' }] },
      { date: '2026-03-05', ranges: [{ start: '12:00', end: '12:00' }, { start: '13:00', end: '14:00' }] },
    ]);
    expect(expand(s, '2026-03-03T00:00Z', '2026-03-06T00:00Z')).toEqual([
      ['2026-03-03T09:00:00.000Z', '2026-03-03T17:00:00.000Z'],
      ['2026-03-05T13:00:00.000Z', '2026-03-05T14:00:00.000Z'],
    ]);
    // A non-empty range whose end is before its start still runs past midnight.
    const night = schedule('UTC', [], [{ date: '2026-03-04', ranges: [{ start: '22:00', end: '00:00' }, { start: '23:00', end: '01:00' }] }]);
    expect(expand(night, '2026-03-04T00:00Z', '2026-03-06T00:00Z')).toEqual([['2026-03-04T22:00:00.000Z', '2026-03-05T01:00:00.000Z']]);
  });

  it('replaces the rules of one date with an override, and adds hours on a day without rules', () => {
    const s = schedule(
      'America/New_York',
      [rule('09:00', '17:00')],
      [
        { date: '2026-03-04', ranges: [{ start: '15:00', end: '16:00' }, { start: '10:00', end: '11:00' }] },
        { date: '2026-03-07', ranges: [{ start: '10:00', end: '12:00' }] },
      ],
    );
    expect(expand(s, '2026-03-04T05:00Z', '2026-03-08T05:00Z')).toEqual([
      ['2026-03-04T15:00:00.000Z', '2026-03-04T16:00:00.000Z'],
      ['2026-03-04T20:00:00.000Z', '2026-03-04T21:00:00.000Z'],
      ['2026-03-05T14:00:00.000Z', '2026-03-05T22:00:00.000Z'],
      ['2026-03-06T14:00:00.000Z', '2026-03-06T22:00:00.000Z'],
      ['2026-03-07T15:00:00.000Z', '2026-03-07T17:00:00.000Z'],
    ]);
  });

  it("keeps the previous day's range that runs into an overridden day", () => {
    const s = schedule('UTC', [rule('22:00', '02:00', 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU')], [{ date: '2026-03-04', ranges: [] }]);
    expect(expand(s, '2026-03-03T12:00Z', '2026-03-05T12:00Z')).toEqual([
      ['2026-03-03T22:00:00.000Z', '2026-03-04T02:00:00.000Z'],
    ]);
  });

  it('clips to the window unless asked not to', () => {
    const s = schedule('UTC', [rule('09:00', '17:00')]);
    expect(expand(s, '2026-03-03T10:00Z', '2026-03-03T12:00Z')).toEqual([['2026-03-03T10:00:00.000Z', '2026-03-03T12:00:00.000Z']]);
    expect(expand(s, '2026-03-03T10:00Z', '2026-03-03T12:00Z', false)).toEqual([['2026-03-03T09:00:00.000Z', '2026-03-03T17:00:00.000Z']]);
    expect(expand(s, '2026-03-03T12:00Z', '2026-03-03T10:00Z')).toEqual([]);
  });

  it('honours INTERVAL from an anchor date, and nothing before the anchor', () => {
    const s = schedule('UTC', [{ rrule: 'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO', start: '09:00', end: '10:00', anchorDate: '2026-03-02' }]);
    expect(expand(s, '2026-02-01T00:00Z', '2026-03-31T00:00Z').map((i) => i[0])).toEqual([
      '2026-03-02T09:00:00.000Z',
      '2026-03-16T09:00:00.000Z',
      '2026-03-30T09:00:00.000Z',
    ]);
  });

  it('applies rules without an anchor to any year, past or future', () => {
    const s = schedule('UTC', [rule('09:00', '10:00', 'FREQ=WEEKLY;BYDAY=WE')]);
    expect(expand(s, '1999-12-27T00:00Z', '2000-01-03T00:00Z')).toEqual([['1999-12-29T09:00:00.000Z', '1999-12-29T10:00:00.000Z']]);
    expect(expand(s, '2040-01-01T00:00Z', '2040-01-08T00:00Z')).toEqual([['2040-01-04T09:00:00.000Z', '2040-01-04T10:00:00.000Z']]);
  });

  it('stops a rule at its UNTIL', () => {
    const s = schedule('UTC', [rule('09:00', '10:00', 'FREQ=WEEKLY;BYDAY=MO;UNTIL=20260310T000000Z')]);
    expect(expand(s, '2026-03-01T00:00Z', '2026-03-31T00:00Z').map((i) => i[0])).toEqual(['2026-03-02T09:00:00.000Z', '2026-03-09T09:00:00.000Z']);
  });
});

describe('rangesForLocalDate', () => {
  it('returns the override or the matching rules', () => {
    const s = schedule('UTC', [rule('09:00', '12:00'), rule('13:00', '17:00')], [{ date: '2026-03-04', ranges: [] }]);
    expect(rangesForLocalDate(s, '2026-03-03')).toEqual([
      { start: '09:00', end: '12:00' },
      { start: '13:00', end: '17:00' },
    ]);
    expect(rangesForLocalDate(s, '2026-03-04')).toEqual([]);
    expect(rangesForLocalDate(s, '2026-03-07')).toEqual([]);
  });
});
