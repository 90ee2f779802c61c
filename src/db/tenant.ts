import { sql } from 'drizzle-orm';
import type { Database } from './client.js';

export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];
/** Either the database or a transaction: what queries run on. */
export type Queryable = Database | Tx;

export const APP_ROLE = 'meetings_app';

/**
 * Runs `work` in one transaction confined to `teamId` by row level security: the transaction
 * switches to the app's role (which cannot bypass RLS, even where the connection is a superuser,
 * as PGlite's is) and sets the team for this transaction only.
 */
export async function withTeam<T>(db: Database, teamId: string, work: (tx: Tx) => Promise<T>): Promise<T> {
  if (!teamId) throw new Error('withTeam needs a team id');
  return db.transaction(async (tx) => {
    // One round trip: set_config('role', …, true) is SET LOCAL ROLE.
    await tx.execute(sql`select set_config('role', ${APP_ROLE}, true), set_config('app.team_id', ${teamId}, true)`);
    return work(tx);
  });
}

/** A transaction as the app's role with no team: it sees only rows a policy opens by other means. */
export async function withoutTeam<T>(db: Database, settings: Record<string, string>, work: (tx: Tx) => Promise<T>): Promise<T> {
  const assignments = [sql`set_config('role', ${APP_ROLE}, true)`, ...Object.entries(settings).map(([name, value]) => sql`set_config(${name}, ${value}, true)`)];
  return db.transaction(async (tx) => {
    await tx.execute(sql`select ${sql.join(assignments, sql`, `)}`);
    return work(tx);
  });
}
