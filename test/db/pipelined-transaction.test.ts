import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { DatabaseHandle } from '../../src/db/client.js';
import { commitWith } from '../../src/db/pipelined-transaction.js';
import { teams } from '../../src/db/schema.js';
import { runStatement } from '../../src/db/statements.js';
import { withTeam, type Tx } from '../../src/db/tenant.js';
import { openTestDatabase } from '../support/databases.js';
import { rawRows } from '../support/sql.js';

const TEAM = 'T0PIPELINE';
let n = 0;

function insertName(tx: Tx, name: string): Promise<unknown> {
  return runStatement(tx, 'insert into teams (id, name) values ($1, $2)', [TEAM, name]);
}

// The pipelined transaction is postgres.js's; PGlite runs drizzle's own.
describe.skipIf(!process.env.DATABASE_URL)('transactions pipelined on postgres', () => {
  let handle: DatabaseHandle;

  beforeAll(async () => {
    handle = await openTestDatabase('postgres', { max: 4 });
  });
  afterAll(() => handle?.close());

  const stored = async () => (await withTeam(handle.db, TEAM, (tx) => rawRows<{ name: string }>(tx, sql`select name from teams`))).map((r) => r.name);
  const clear = () => withTeam(handle.db, TEAM, (tx) => runStatement(tx, 'delete from teams', []));

  it('commits what the work wrote and returns its result, the settings in force from the first statement', async () => {
    await clear();
    const name = `kept ${n++}`;
    const result = await withTeam(handle.db, TEAM, async (tx) => {
      const [row] = await runStatement<{ team: string; role: string }>(tx, `select current_setting('app.team_id') as team, current_user as role`, []);
      await insertName(tx, name);
      // drizzle's query builders and relational queries run on the same transaction.
      return { ...row, viaBuilder: (await tx.select({ name: teams.name }).from(teams)).map((t) => t.name), viaQuery: (await tx.query.teams.findMany()).map((t) => t.name) };
    });
    expect(result).toEqual({ team: TEAM, role: 'meetings_app', viaBuilder: [name], viaQuery: [name] });
    expect(await stored()).toEqual([name]);
  });

  it('rolls back when the work throws, and rethrows its error', async () => {
    await clear();
    const failure = withTeam(handle.db, TEAM, async (tx) => {
      await insertName(tx, 'rolled back');
      throw new Error('work failed');
    });
    await expect(failure).rejects.toThrow('work failed');
    expect(await stored()).toEqual([]);
  });

  it('does not commit when a statement failed without being awaited', async () => {
    await clear();
    const failure = withTeam(handle.db, TEAM, async (tx) => {
      await insertName(tx, 'written before the failure');
      runStatement(tx, 'select 1 / 0', []).catch(() => {});
      return 'done';
    });
    await expect(failure).rejects.toThrow(/rolled back/);
    expect(await stored()).toEqual([]);
  });

  it('sends COMMIT with the last write when asked, and refuses statements after it', async () => {
    await clear();
    const name = `committed with its write ${n++}`;
    await withTeam(handle.db, TEAM, async (tx) => {
      const writing = insertName(tx, name);
      commitWith(tx);
      await writing;
    });
    expect(await stored()).toEqual([name]);

    const late = withTeam(handle.db, TEAM, async (tx) => {
      commitWith(tx);
      await runStatement(tx, 'select 1', []);
    });
    await expect(late).rejects.toThrow(/after its transaction committed/);
  });

  it('rolls back everything when the write sent with COMMIT fails, and answers with the write error', async () => {
    await clear();
    const failure = withTeam(handle.db, TEAM, async (tx) => {
      await insertName(tx, 'first');
      const writing = insertName(tx, 'the same team again');
      commitWith(tx);
      await writing;
    });
    await expect(failure).rejects.toMatchObject({ code: '23505' });
    expect(await stored()).toEqual([]);
  });

  it('hands the connection back when COMMIT itself fails (a deferred constraint), so the pool does not run dry', async () => {
    await handle.db.execute(sql`create table deferred_refs (id int primary key, ref int references deferred_refs (id) deferrable initially deferred)`);
    await handle.db.execute(sql`grant all on deferred_refs to meetings_app`);
    // Twice the pool's four connections: each would be lost if a failed COMMIT kept it.
    for (let i = 0; i < 8; i++) {
      const failure = withTeam(handle.db, TEAM, (tx) => runStatement(tx, 'insert into deferred_refs values ($1, 999)', [i]));
      await expect(failure).rejects.toMatchObject({ code: '23503' });
    }
    expect(await withTeam(handle.db, TEAM, (tx) => runStatement(tx, 'select count(*)::int as n from deferred_refs', []))).toEqual([{ n: 0 }]);
  });

  it('keeps serving after a connection breaks in the middle of a transaction', async () => {
    await clear();
    // Closed from outside while the transaction waits between statements, as a restart or a
    // dropped network would: the next statement must fail, not be written to a socket that is gone.
    const broken = withTeam(handle.db, TEAM, async (tx) => {
      await insertName(tx, 'lost with its connection');
      const [{ pid }] = await runStatement<{ pid: number }>(tx, 'select pg_backend_pid() as pid', []);
      await handle.db.execute(sql`select pg_terminate_backend(${pid})`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      await runStatement(tx, 'select 1', []);
    });
    await expect(broken).rejects.toThrow();
    // More transactions than the pool has connections, at once and one after another.
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => withTeam(handle.db, TEAM, (tx) => runStatement<{ i: number }>(tx, 'select $1::int as i', [i]))));
    expect(answers.map(([row]) => row!.i)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    for (let i = 0; i < 6; i++) expect(await stored()).toEqual([]);
  });
});
