import { sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client.js';
import { tenantTables } from '../../src/db/schema.js';
import { withTeam } from '../../src/db/tenant.js';
import { rawRows } from './sql.js';

/**
 * Every row of the team in every tenant table, as sorted JSON (an API key's last use and the
 * rate limits' counters left out: requests move them). Two equal snapshots mean nothing was written in between.
 */
export async function snapshotTeam(db: Database, teamId: string): Promise<Record<string, string[]>> {
  return withTeam(db, teamId, async (tx) => {
    const out: Record<string, string[]> = {};
    for (const table of tenantTables.filter((t) => t !== 'rate_limit_hits')) {
      const rows = await rawRows<{ row: string }>(tx, sql`select (to_jsonb(t) - 'last_used_at')::text as row from ${sql.identifier(table)} t`);
      out[table] = rows.map((r) => r.row).sort();
    }
    return out;
  });
}
