import { and, eq, sql } from 'drizzle-orm';
import type { Context, MiddlewareHandler } from 'hono';
import { rateLimiter, type ClientRateLimitInfo, type Store } from 'hono-rate-limiter';
import type { Database } from '../db/client.js';
import { countHits } from '../db/hit-counter.js';
import { rateLimitHits } from '../db/schema.js';
import { withTeam } from '../db/tenant.js';

/**
 * Rate limits of the public pages, counted in the database (hono-rate-limiter with a store of our
 * own), so that every process of the app, and every Worker isolate, counts the same hits. A key is
 * the team (known from the URL before anything else is read) and what is counted: the visitor's
 * address, or a booking link. Fixed windows: the first hit starts one, the count resets after it.
 */
export interface PublicRateLimits {
  /** Page views and free-time reads per address. */
  readsPerAddress: { limit: number; windowMs: number };
  /** Bookings, moves and cancellations per address. */
  writesPerAddress: { limit: number; windowMs: number };
  /** Bookings per link, from everyone. */
  bookingsPerLink: { limit: number; windowMs: number };
}

export const DEFAULT_PUBLIC_RATE_LIMITS: PublicRateLimits = {
  readsPerAddress: { limit: 120, windowMs: 60_000 },
  writesPerAddress: { limit: 10, windowMs: 10 * 60_000 },
  bookingsPerLink: { limit: 60, windowMs: 60 * 60_000 },
};

const SEPARATOR = '\u001f';

/** hono-rate-limiter's Store over the rate_limit_hits table, one row per key and window. */
export class DatabaseRateLimitStore implements Store {
  readonly localKeys = false;
  private windowMs = 60_000;

  constructor(
    private readonly db: Database,
    readonly prefix: string,
  ) {}

  init(options: { windowMs: number }): void {
    this.windowMs = options.windowMs;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const { teamId, name } = this.split(key);
    const { hits, resetAt } = await countHits(this.db, teamId, name, 1, this.windowMs);
    return { totalHits: hits, resetTime: resetAt };
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const { teamId, name } = this.split(key);
    const [row] = await withTeam(this.db, teamId, (tx) =>
      tx.select().from(rateLimitHits).where(and(eq(rateLimitHits.key, name), sql`${rateLimitHits.resetAt} > now()`)),
    );
    return row ? { totalHits: row.hits, resetTime: row.resetAt } : undefined;
  }

  async decrement(key: string): Promise<void> {
    const { teamId, name } = this.split(key);
    await withTeam(this.db, teamId, (tx) =>
      tx
        .update(rateLimitHits)
        .set({ hits: sql`greatest(${rateLimitHits.hits} - 1, 0)` })
        .where(eq(rateLimitHits.key, name)),
    );
  }

  async resetKey(key: string): Promise<void> {
    const { teamId, name } = this.split(key);
    await withTeam(this.db, teamId, (tx) => tx.delete(rateLimitHits).where(eq(rateLimitHits.key, name)));
  }

  private split(key: string): { teamId: string; name: string } {
    const at = key.indexOf(SEPARATOR);
    return { teamId: key.slice(0, at), name: `${this.prefix}:${key.slice(at + 1)}` };
  }
}

/** The key of a team's counter: the store finds the team in it. */
export function rateLimitKey(teamId: string, what: string): string {
  return `${teamId}${SEPARATOR}${what}`;
}

/**
 * A limiter counted in the database. `key` names the team and what is counted, or undefined to
 * skip (a request the route refuses anyway); `refuse` answers a request over the limit
 * (Retry-After is already set).
 */
export function databaseRateLimit(
  db: Database,
  name: string,
  limits: { limit: number; windowMs: number },
  key: (c: Context) => string | undefined | Promise<string | undefined>,
  refuse: (c: Context, retryAfterSeconds: number) => Response | Promise<Response>,
): MiddlewareHandler {
  const keys = new WeakMap<Context, string | undefined>();
  return rateLimiter({
    windowMs: limits.windowMs,
    limit: limits.limit,
    standardHeaders: 'draft-7',
    store: new DatabaseRateLimitStore(db, name),
    skip: async (c) => {
      const k = await key(c);
      keys.set(c, k);
      return k === undefined;
    },
    keyGenerator: (c) => keys.get(c)!,
    handler: (c) => {
      const resetTime = (c.get('rateLimit' as never) as { resetTime?: Date } | undefined)?.resetTime;
      const seconds = resetTime ? Math.max(1, Math.ceil((resetTime.getTime() - Date.now()) / 1000)) : Math.ceil(limits.windowMs / 1000);
      c.header('Retry-After', String(seconds));
      return refuse(c, seconds) as unknown as void;
    },
  });
}
