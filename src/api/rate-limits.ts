import type { MiddlewareHandler } from 'hono';
import { getRuntimeKey } from 'hono/adapter';
import type { AppDeps } from '../app.js';
import { DEFAULT_API_RATE_LIMIT } from '../config.js';
import type { Database } from '../db/client.js';
import { DatabaseBusyError, isDatabaseClosed } from '../db/errors.js';
import { countHits, type CountedHits } from '../db/hit-counter.js';
import type { ApiEnv } from './auth.js';
import { ApiError } from './errors.js';

/** Each key's requests are counted per fixed minute. */
export const API_RATE_WINDOW_MS = 60_000;
/** How often a process adds the hits it counted locally to the shared count. */
const FLUSH_MS = 50;
/** Within this many requests of its limit (or a tenth of it, if more), a key's every request is counted in the database first. */
const EXACT_MARGIN = 50;
/** Far from the limit, a process counts at most this share of what is left before adding its hits to the shared count. */
const LOCAL_SHARE = 8;
const POLICY = 'per-key';

interface KeyWindow {
  teamId: string;
  resetAt: number;
  /** The shared count when this process last added to it. */
  shared: number;
  /** Hits counted here, not yet added to the shared count. */
  pending: number;
  /** Hits on their way to the shared count. */
  adding: number;
}

/**
 * Per-API-key request counts, shared by every process (and Worker isolate) through
 * rate_limit_hits. Counting in the database on every request would cost the cheapest routes a
 * second transaction, so while a key is far from its limit a process counts locally, adding its
 * hits to the shared row every FLUSH_MS or once it holds an eighth of what was left. Within the
 * margin of the limit each request is counted in the database before it is answered. What other
 * processes hold uncounted is then far less than the margin (unless more than about seven
 * processes share a key's burst), so no key gets more than its limit; limits under the margin
 * are counted in the database on every request.
 */
export class ApiKeyRateCounter {
  private readonly windows = new Map<string, KeyWindow>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private flushing: Promise<void> | undefined;
  private readonly waiting = new Map<string, { resolve(hits: CountedHits): void; reject(error: unknown): void }[]>();
  private readonly counting = new Set<string>();

  constructor(
    private readonly db: Database,
    private readonly windowMs = API_RATE_WINDOW_MS,
  ) {}

  /** Counts one request of the key: the hits of its current window, this one included. */
  async hit(teamId: string, keyId: string, limit: number): Promise<CountedHits> {
    let window = this.windows.get(keyId);
    if (window && window.resetAt <= Date.now()) {
      this.windows.delete(keyId);
      window = undefined;
    }
    if (window && window.pending < this.localAllowance(window, limit)) {
      window.pending += 1;
      this.scheduleFlush();
      return { hits: window.shared + window.adding + window.pending, resetAt: new Date(window.resetAt) };
    }
    return this.countNow(teamId, keyId);
  }

  /**
   * Counts in the database before answering. Requests that arrive while the key's count is on its
   * way there go together in the next statement, so a burst of a thousand costs a few, and each
   * still learns its own exact position in the window.
   */
  private countNow(teamId: string, keyId: string): Promise<CountedHits> {
    return new Promise((resolve, reject) => {
      const waiting = this.waiting.get(keyId);
      if (waiting) waiting.push({ resolve, reject });
      else this.waiting.set(keyId, [{ resolve, reject }]);
      if (!this.counting.has(keyId)) void this.countWaiting(teamId, keyId);
    });
  }

  private async countWaiting(teamId: string, keyId: string): Promise<void> {
    this.counting.add(keyId);
    try {
      for (let batch = this.waiting.get(keyId); batch?.length; batch = this.waiting.get(keyId)) {
        this.waiting.delete(keyId);
        const window = this.windows.get(keyId);
        const carried = this.takePending(window);
        try {
          const counted = await countHits(this.db, teamId, this.rowKey(keyId), carried + batch.length, this.windowMs);
          this.record(keyId, teamId, counted, window, carried);
          const first = counted.hits - batch.length + 1;
          batch.forEach((request, i) => request.resolve({ hits: first + i, resetAt: counted.resetAt }));
        } catch (error) {
          this.putBack(window, carried);
          for (const request of batch) request.reject(error);
        }
      }
    } finally {
      this.counting.delete(keyId);
    }
  }

  /** Adds every locally counted hit to the shared counts now (the Worker calls it after each response). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flushing ??= this.addPending().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async addPending(): Promise<void> {
    const batch = [...this.windows].filter(([, w]) => w.pending > 0);
    await Promise.all(
      batch.map(async ([keyId, window]) => {
        const adding = this.takePending(window);
        try {
          this.record(keyId, window.teamId, await countHits(this.db, window.teamId, this.rowKey(keyId), adding, this.windowMs), window, adding);
        } catch (error) {
          if (isDatabaseClosed(error)) {
            // Shutting down: nobody will ask about these hits again.
            window.adding -= adding;
            return;
          }
          // Kept for the next flush: a database that is briefly busy must not forgive the hits.
          this.putBack(window, adding);
          if (!(error instanceof DatabaseBusyError)) console.warn(`rate limits: could not add ${adding} hits of API key ${keyId}: ${(error as Error).message}`);
        }
      }),
    );
    if ([...this.windows.values()].some((w) => w.pending > 0)) this.scheduleFlush();
  }

  private takePending(window: KeyWindow | undefined): number {
    if (!window) return 0;
    const taken = window.pending;
    window.pending = 0;
    window.adding += taken;
    return taken;
  }

  private putBack(window: KeyWindow | undefined, taken: number): void {
    if (!window) return;
    window.adding -= taken;
    window.pending += taken;
  }

  /** Learns the shared count; `carried` hits of the window they were taken from are now in it. */
  private record(keyId: string, teamId: string, counted: CountedHits, from: KeyWindow | undefined, carried: number): void {
    if (from) from.adding -= carried;
    const resetAt = counted.resetAt.getTime();
    const window = this.windows.get(keyId);
    if (!window || window.resetAt !== resetAt) {
      // A new window: hits counted here for the old one no longer matter.
      this.windows.set(keyId, { teamId, resetAt, shared: counted.hits, pending: 0, adding: 0 });
      return;
    }
    window.shared = Math.max(window.shared, counted.hits);
  }

  /** How many hits this process may hold uncounted: none within the margin of the limit. */
  private localAllowance(window: KeyWindow, limit: number): number {
    const margin = Math.max(EXACT_MARGIN, Math.ceil(limit / 10));
    return Math.floor((limit - window.shared - window.adding - margin) / LOCAL_SHARE);
  }

  private scheduleFlush(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => void this.flush(), FLUSH_MS);
    (this.timer as { unref?: () => void }).unref?.();
  }

  private rowKey(keyId: string): string {
    return `api-key:${keyId}`;
  }
}

const counters = new WeakMap<object, ApiKeyRateCounter>();

/** One counter per app: every resource's routes count into it. */
function counterOf(deps: Pick<AppDeps, 'db'>): ApiKeyRateCounter {
  let counter = counters.get(deps);
  if (!counter) counters.set(deps, (counter = new ApiKeyRateCounter(deps.db)));
  return counter;
}

/**
 * Counts the request against its API key's limit (the key's own, else API_RATE_LIMIT) and says so
 * in the IETF RateLimit-Policy / RateLimit headers; over the limit: 429 with Retry-After.
 */
export function limitPerApiKey(deps: Pick<AppDeps, 'db' | 'config'>): MiddlewareHandler<ApiEnv> {
  const counter = counterOf(deps);
  const defaultLimit = deps.config.apiRateLimit ?? DEFAULT_API_RATE_LIMIT;
  const windowSeconds = API_RATE_WINDOW_MS / 1000;
  return async (c, next) => {
    const key = c.get('apiKey');
    const limit = key.rateLimit ?? defaultLimit;
    const { hits, resetAt } = await counter.hit(key.teamId, key.id, limit);
    const resetSeconds = Math.max(0, Math.ceil((resetAt.getTime() - Date.now()) / 1000));
    c.header('RateLimit-Policy', `"${POLICY}";q=${limit};w=${windowSeconds}`);
    c.header('RateLimit', `"${POLICY}";r=${Math.max(0, limit - hits)};t=${resetSeconds}`);
    afterResponse(c, () => counter.flush());
    if (hits > limit) {
      const wait = Math.max(1, resetSeconds);
      c.header('Retry-After', String(wait));
      throw new ApiError(
        429,
        'rate_limited',
        `This API key may make ${limit} requests a minute and has made them. Try again in ${wait} s.`,
        'Authorization',
      );
    }
    await next();
  };
}

// Asking Hono for the execution context off the Worker throws, which costs more than the count itself.
const onWorkers = getRuntimeKey() === 'workerd';

/** On the Worker, work the runtime keeps alive after the response; on Node the counter's timer does it. */
function afterResponse(c: { executionCtx: { waitUntil(p: Promise<unknown>): void } }, work: () => Promise<void>): void {
  if (onWorkers) c.executionCtx.waitUntil(work());
}
