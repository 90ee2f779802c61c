import { dayKeyOf } from './zones.js';

const DAY_MS = 86_400_000;

/**
 * The free times the page knows: the first weeks came with the page; other months are fetched as
 * the visitor goes there. After a time is taken meanwhile, everything is read again.
 */
export class SlotStore {
  private starts = new Set<number>();
  private covered: [number, number][] = [];
  private grouped: { zone: string; days: Map<string, number[]> } | undefined;
  private pending = new Map<string, Promise<void>>();

  constructor(
    private readonly url: string,
    private readonly limits: { now: number; horizonEnd: number },
    initial: { from: string; to: string; slots: string[] },
  ) {
    this.add(Date.parse(initial.from), Date.parse(initial.to), initial.slots);
  }

  /** The free starts of each local day in the zone, ascending. */
  days(zone: string): Map<string, number[]> {
    if (this.grouped?.zone !== zone) {
      const days = new Map<string, number[]>();
      for (const start of [...this.starts].sort((a, b) => a - b)) {
        const key = dayKeyOf(start, zone);
        const list = days.get(key);
        if (list) list.push(start);
        else days.set(key, [start]);
      }
      this.grouped = { zone, days };
    }
    return this.grouped.days;
  }

  /** Whether [from, to) is known, past and beyond-horizon time counting as known (nothing there). */
  has(from: number, to: number): boolean {
    const lo = Math.max(from, this.limits.now);
    const hi = Math.min(to, this.limits.horizonEnd);
    if (lo >= hi) return true;
    return this.covered.some(([a, b]) => a <= lo && b >= hi);
  }

  /** Reads [from, to) from the server unless known (a day either side, so every zone's days are whole). */
  async ensure(from: number, to: number): Promise<void> {
    const lo = Math.max(from - DAY_MS, this.limits.now);
    const hi = Math.min(to + DAY_MS, this.limits.horizonEnd);
    if (this.has(lo, hi)) return;
    const key = `${lo}-${hi}`;
    let request = this.pending.get(key);
    if (!request) {
      request = this.fetch(lo, hi).finally(() => this.pending.delete(key));
      this.pending.set(key, request);
    }
    await request;
  }

  /** Forgets everything and reads [from, to) again (a time was taken meanwhile). */
  async refresh(from: number, to: number): Promise<void> {
    this.starts.clear();
    this.covered = [];
    this.grouped = undefined;
    await this.ensure(from, to);
  }

  private async fetch(from: number, to: number): Promise<void> {
    const query = new URLSearchParams({ from: new Date(from).toISOString(), to: new Date(to).toISOString() });
    const response = await fetch(`${this.url}?${query}`, { headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`free times: ${response.status}`);
    const body = (await response.json()) as { slots: string[] };
    this.add(from, to, body.slots);
  }

  private add(from: number, to: number, slots: string[]): void {
    // Whatever was known in the window is replaced by what the server says now.
    for (const start of this.starts) if (start >= from && start < to) this.starts.delete(start);
    for (const s of slots) this.starts.add(Date.parse(s));
    this.covered.push([from, to]);
    this.grouped = undefined;
  }
}
