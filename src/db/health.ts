import { sql } from 'drizzle-orm';
import type { Database } from './client.js';

/** A round trip to the database, for /healthz. The error stays in the log, not in the answer. */
export async function checkDatabase(db: Database): Promise<{ ok: true; latencyMs: number } | { ok: false; error: string }> {
  const started = performance.now();
  try {
    await db.execute(sql`select 1`);
    return { ok: true, latencyMs: Math.round((performance.now() - started) * 100) / 100 };
  } catch (error) {
    console.error('healthz: the database did not answer', error);
    return { ok: false, error: 'the database did not answer' };
  }
}
