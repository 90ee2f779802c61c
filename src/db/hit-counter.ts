import { lt, sql } from 'drizzle-orm';
import type { Database } from './client.js';
import { rateLimitHits } from './schema.js';
import { withTeam } from './tenant.js';

export interface CountedHits {
  /** Hits in the current window, these included. */
  hits: number;
  /** When the window ends and the count starts again from zero. */
  resetAt: Date;
}

/**
 * Adds hits to a team's counter in rate_limit_hits, the one count every process shares. Fixed
 * windows: the first hit starts one of `windowMs`; a hit after it ends starts the next.
 */
export async function countHits(db: Database, teamId: string, key: string, hits: number, windowMs: number): Promise<CountedHits> {
  const windowEnd = sql`now() + ${`${windowMs} milliseconds`}::interval`;
  const [row] = await withTeam(db, teamId, async (tx) => {
    // Now and then, forget the windows that ended long ago.
    if (Math.random() < 0.02) await tx.delete(rateLimitHits).where(lt(rateLimitHits.resetAt, sql`now() - interval '1 hour'`));
    return tx
      .insert(rateLimitHits)
      .values({ teamId, key, hits, resetAt: windowEnd })
      .onConflictDoUpdate({
        target: [rateLimitHits.teamId, rateLimitHits.key],
        set: {
          hits: sql`case when ${rateLimitHits.resetAt} <= now() then excluded.hits else ${rateLimitHits.hits} + excluded.hits end`,
          resetAt: sql`case when ${rateLimitHits.resetAt} <= now() then excluded.reset_at else ${rateLimitHits.resetAt} end`,
        },
      })
      .returning({ hits: rateLimitHits.hits, resetAt: rateLimitHits.resetAt });
  });
  return { hits: row!.hits, resetAt: row!.resetAt };
}
