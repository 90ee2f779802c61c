import type { Interval } from './types.js';

/** A half-open interval [start, end) in epoch milliseconds. */
export interface Span {
  start: number;
  end: number;
}

/** Sorted, with overlapping and touching spans joined and empty ones dropped. Input order is free. */
export function mergeSpans(spans: readonly Span[]): Span[] {
  const sorted = spans.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start || a.end - b.end);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start <= last.end) {
      if (s.end > last.end) last.end = s.end;
    } else {
      out.push({ start: s.start, end: s.end });
    }
  }
  return out;
}

/** `from` minus `remove`; both sorted and merged (as {@link mergeSpans} returns them). */
export function subtractSpans(from: readonly Span[], remove: readonly Span[]): Span[] {
  const out: Span[] = [];
  let j = 0;
  for (const f of from) {
    while (j < remove.length && remove[j].end <= f.start) j++;
    let cursor = f.start;
    let k = j;
    while (k < remove.length && remove[k].start < f.end) {
      if (remove[k].start > cursor) out.push({ start: cursor, end: remove[k].start });
      if (remove[k].end > cursor) cursor = remove[k].end;
      if (cursor >= f.end) break;
      k++;
    }
    if (cursor < f.end) out.push({ start: cursor, end: f.end });
  }
  return out;
}

/** Intersection of two sorted, merged lists. */
export function intersectSpans(a: readonly Span[], b: readonly Span[]): Span[] {
  const out: Span[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const start = Math.max(a[i].start, b[j].start);
    const end = Math.min(a[i].end, b[j].end);
    if (start < end) out.push({ start, end });
    if (a[i].end < b[j].end) i++;
    else j++;
  }
  return out;
}

/** Index of the first span in a sorted, merged list whose end is after `t`. */
export function firstEndingAfter(spans: readonly Span[], t: number): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (spans[mid].end <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Whether t lies in one of the sorted, merged spans. */
export function spansContain(spans: readonly Span[], t: number): boolean {
  const i = firstEndingAfter(spans, t);
  return i < spans.length && spans[i].start <= t;
}

export function overlaps(a: Span, b: Span): boolean {
  return a.start < b.end && b.start < a.end;
}

export function toSpan(i: Interval): Span {
  return { start: i.start.getTime(), end: i.end.getTime() };
}

export function toInterval(s: Span): Interval {
  return { start: new Date(s.start), end: new Date(s.end) };
}

/** Sorted, with overlapping and touching intervals joined and empty ones dropped. */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  return mergeSpans(intervals.map(toSpan)).map(toInterval);
}

/** Parts of `from` not covered by `remove` (inputs in any order). */
export function subtractIntervals(from: readonly Interval[], remove: readonly Interval[]): Interval[] {
  return subtractSpans(mergeSpans(from.map(toSpan)), mergeSpans(remove.map(toSpan))).map(toInterval);
}

/** Parts covered by both lists (inputs in any order). */
export function intersectIntervals(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  return intersectSpans(mergeSpans(a.map(toSpan)), mergeSpans(b.map(toSpan))).map(toInterval);
}

export function intervalsOverlap(a: Interval, b: Interval): boolean {
  return overlaps(toSpan(a), toSpan(b));
}
