import { localDateOf, startOfLocalDay } from '../../core/availability/index.js';
import type { CachedBusy } from '../../db/schema.js';

/** Free/busy APIs answer for at most this long a range in one request; longer windows are split. */
export const FREE_BUSY_CHUNK_MS = 31 * 86_400_000;

export function chunks(from: Date, to: Date): [Date, Date][] {
  const out: [Date, Date][] = [];
  for (let t = from.getTime(); t < to.getTime(); t += FREE_BUSY_CHUNK_MS) out.push([new Date(t), new Date(Math.min(to.getTime(), t + FREE_BUSY_CHUNK_MS))]);
  return out;
}

/**
 * Free/busy answers carry no all-day flag: a busy period that runs exactly from one local midnight
 * to another (in the calendar's zone) is taken for an all-day event.
 */
export function busyPeriod(start: Date, end: Date, timeZone: string): CachedBusy {
  const allDay =
    end.getTime() - start.getTime() >= 23 * 3_600_000 &&
    startOfLocalDay(localDateOf(start, timeZone), timeZone).getTime() === start.getTime() &&
    startOfLocalDay(localDateOf(end, timeZone), timeZone).getTime() === end.getTime();
  return { start: start.toISOString(), end: end.toISOString(), ...(allDay ? { allDay: true } : {}) };
}
