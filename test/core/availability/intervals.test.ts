import { describe, expect, it } from 'vitest';
import {
  intersectIntervals,
  intersectSpans,
  intervalsOverlap,
  mergeIntervals,
  mergeSpans,
  subtractIntervals,
  subtractSpans,
  type Span,
} from '../../../src/core/availability/intervals.js';
import { spans } from './helpers.js';

const s = (start: number, end: number): Span => ({ start, end });
const d = (start: string, end: string) => ({ start: new Date(`2026-03-03T${start}:00Z`), end: new Date(`2026-03-03T${end}:00Z`) });

describe('mergeSpans', () => {
  it('sorts, joins overlapping and touching spans, drops empty ones', () => {
    expect(mergeSpans([s(5, 7), s(1, 3), s(2, 4), s(4, 5), s(9, 9), s(10, 12)])).toEqual([s(1, 7), s(10, 12)]);
    expect(mergeSpans([])).toEqual([]);
  });

  it('does not mutate its input', () => {
    const input = [s(1, 3), s(2, 5)];
    mergeSpans(input);
    expect(input).toEqual([s(1, 3), s(2, 5)]);
  });
});

describe('subtractSpans', () => {
  it('cuts holes, trims edges and removes covered spans', () => {
    expect(subtractSpans([s(0, 10), s(20, 30)], [s(2, 3), s(5, 6), s(9, 22), s(25, 40)])).toEqual([
      s(0, 2),
      s(3, 5),
      s(6, 9),
      s(22, 25),
    ]);
    expect(subtractSpans([s(0, 10)], [s(0, 10)])).toEqual([]);
    expect(subtractSpans([s(0, 10)], [])).toEqual([s(0, 10)]);
    expect(subtractSpans([s(0, 10), s(12, 14)], [s(-5, 11)])).toEqual([s(12, 14)]);
  });

  it('lets one removed span cover several source spans', () => {
    expect(subtractSpans([s(0, 2), s(3, 5), s(6, 8)], [s(1, 7)])).toEqual([s(0, 1), s(7, 8)]);
  });
});

describe('intersectSpans', () => {
  it('keeps only common parts (half-open: touching is not common)', () => {
    expect(intersectSpans([s(0, 5), s(8, 12)], [s(3, 9), s(11, 20)])).toEqual([s(3, 5), s(8, 9), s(11, 12)]);
    expect(intersectSpans([s(0, 5)], [s(5, 8)])).toEqual([]);
  });
});

describe('Date interval wrappers', () => {
  it('merge, subtract and intersect unsorted input', () => {
    expect(spans(mergeIntervals([d('10:00', '11:00'), d('09:00', '10:00')]))).toEqual([
      ['2026-03-03T09:00:00.000Z', '2026-03-03T11:00:00.000Z'],
    ]);
    expect(spans(subtractIntervals([d('09:00', '17:00')], [d('12:00', '13:00'), d('08:00', '09:30')]))).toEqual([
      ['2026-03-03T09:30:00.000Z', '2026-03-03T12:00:00.000Z'],
      ['2026-03-03T13:00:00.000Z', '2026-03-03T17:00:00.000Z'],
    ]);
    expect(spans(intersectIntervals([d('09:00', '12:00')], [d('11:00', '14:00')]))).toEqual([
      ['2026-03-03T11:00:00.000Z', '2026-03-03T12:00:00.000Z'],
    ]);
    expect(intervalsOverlap(d('09:00', '10:00'), d('10:00', '11:00'))).toBe(false);
    expect(intervalsOverlap(d('09:00', '10:01'), d('10:00', '11:00'))).toBe(true);
  });
});
