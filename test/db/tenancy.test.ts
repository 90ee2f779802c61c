import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { DatabaseHandle } from '../../src/db/client.js';
import { tenantTables } from '../../src/db/schema.js';
import { withTeam } from '../../src/db/tenant.js';
import { createBooking } from '../../src/bookings/index.js';
import { databaseKinds, openTestDatabase } from '../support/databases.js';
import { seedTeam, type SeededTeam } from '../support/fixtures.js';
import { rawRows } from '../support/sql.js';

const now = new Date('2027-02-26T12:00:00Z');

describe.each(databaseKinds())('row level security on %s', (kind) => {
  let handle: DatabaseHandle;
  let a: SeededTeam;
  let b: SeededTeam;
  let bBookingId: string;

  beforeAll(async () => {
    handle = await openTestDatabase(kind);
    a = await seedTeam(handle.db, 'T0AAAA', { U0ANA: 'Europe/London' });
    b = await seedTeam(handle.db, 'T0BBBB', { U0BOB: 'Europe/Paris' });
    await createBooking(handle.db, 'T0AAAA', { meetingTypeId: a.types.m30.id, organizerId: 'U0ANA', start: '2027-03-01T10:00:00Z', source: 'api' }, { now });
    const { booking } = await createBooking(handle.db, 'T0BBBB', { meetingTypeId: b.types.m30.id, organizerId: 'U0BOB', start: '2027-03-01T10:00:00Z', source: 'api' }, { now });
    bBookingId = booking.id;
  });
  afterAll(() => handle?.close());

  it('runs tenant transactions as a role that cannot bypass RLS', async () => {
    const [role] = await withTeam(handle.db, 'T0AAAA', (tx) =>
      rawRows<{ user: string; bypass: boolean; superuser: boolean }>(
        tx,
        sql`select current_user as user, rolbypassrls as bypass, rolsuper as superuser from pg_roles where rolname = current_user`,
      ),
    );
    expect(role).toEqual({ user: 'meetings_app', bypass: false, superuser: false });
  });

  it('runs a query that the work returns unawaited exactly once, after the team is set', async () => {
    const inserted = await withTeam(handle.db, 'T0AAAA', (tx) =>
      tx.execute(sql`insert into users (team_id, slack_user_id, name, time_zone) values (current_setting('app.team_id'), 'U0ONCE', 'Once', 'UTC') on conflict do nothing returning slack_user_id`),
    );
    expect(Array.isArray(inserted) ? inserted.length : (inserted as { rows: unknown[] }).rows.length).toBe(1);
    const [count] = await withTeam(handle.db, 'T0AAAA', (tx) => rawRows<{ n: number }>(tx, sql`select count(*)::int as n from users where slack_user_id = 'U0ONCE'`));
    expect(count).toEqual({ n: 1 });
  });

  it('enables and forces RLS on every table that has a team', async () => {
    const rows = await rawRows<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>(
      handle.db,
      sql`select relname, relrowsecurity, relforcerowsecurity from pg_class where relkind = 'r' and relnamespace = 'public'::regnamespace`,
    );
    const teamTables = (
      await rawRows<{ table_name: string }>(
        handle.db,
        sql`select distinct table_name from information_schema.columns where table_schema = 'public' and column_name = 'team_id'`,
      )
    ).map((r) => r.table_name);
    expect(new Set([...teamTables, 'teams'])).toEqual(new Set(tenantTables));
    for (const table of tenantTables) {
      expect(rows.find((r) => r.relname === table), table).toMatchObject({ relrowsecurity: true, relforcerowsecurity: true });
    }
  });

  it("inside team A's transaction, raw SQL reads none of team B's rows", async () => {
    const seen = await withTeam(handle.db, 'T0AAAA', async (tx) => {
      const counts: Record<string, unknown[]> = {};
      for (const table of tenantTables) {
        const column = table === 'teams' ? 'id' : 'team_id';
        counts[table] = (await rawRows<{ team: string }>(tx, sql.raw(`select distinct ${column} as team from ${table}`))).map((r) => r.team);
      }
      return counts;
    });
    for (const table of tenantTables) {
      expect(seen[table]!.every((team) => team === 'T0AAAA'), table).toBe(true);
    }
    expect(seen.bookings).toEqual(['T0AAAA']);
    expect(seen.meeting_types).toEqual(['T0AAAA']);
    const direct = await withTeam(handle.db, 'T0AAAA', (tx) => rawRows(tx, sql`select * from bookings where id = ${bBookingId}`));
    expect(direct).toEqual([]);
  });

  it("inside team A's transaction, raw SQL cannot change or add team B's rows", async () => {
    const changed = await withTeam(handle.db, 'T0AAAA', async (tx) => {
      const updated = await rawRows(tx, sql`update bookings set title = 'hijacked' where team_id = 'T0BBBB' returning id`);
      const deleted = await rawRows(tx, sql`delete from meeting_types where team_id = 'T0BBBB' returning id`);
      return { updated: updated.length, deleted: deleted.length };
    });
    expect(changed).toEqual({ updated: 0, deleted: 0 });

    const insert = withTeam(handle.db, 'T0AAAA', (tx) =>
      tx.execute(sql`insert into meeting_types (team_id, name, duration_minutes, slot_interval_minutes) values ('T0BBBB', 'planted', 30, 30)`),
    );
    await expect(insert).rejects.toMatchObject({ cause: expect.objectContaining({ message: expect.stringMatching(/row-level security/) }) });
    const moveOut = withTeam(handle.db, 'T0AAAA', (tx) => tx.execute(sql`update bookings set team_id = 'T0BBBB'`));
    await expect(moveOut).rejects.toMatchObject({ cause: expect.objectContaining({ message: expect.stringMatching(/row-level security/) }) });

    const bView = await withTeam(handle.db, 'T0BBBB', (tx) =>
      rawRows<{ title: string }>(tx, sql`select title from bookings where id = ${bBookingId}`),
    );
    expect(bView).toEqual([{ title: '30 min meeting' }]);
    const bTypes = await withTeam(handle.db, 'T0BBBB', (tx) => rawRows(tx, sql`select id from meeting_types`));
    expect(bTypes).toHaveLength(3);
  });

  it('without a team set, the app role sees nothing', async () => {
    const rows = await handle.db.transaction(async (tx) => {
      await tx.execute(sql`set local role meetings_app`);
      return rawRows(tx, sql`select id from bookings`);
    });
    expect(rows).toEqual([]);
  });

  it('the team setting ends with its transaction', async () => {
    await withTeam(handle.db, 'T0AAAA', async () => undefined);
    const [row] = await rawRows<{ team: string | null }>(handle.db, sql`select current_setting('app.team_id', true) as team`);
    expect(row!.team ?? '').toBe('');
  });
});

describe.runIf(databaseKinds().includes('postgres'))('a non-superuser login on postgres', () => {
  let handle: DatabaseHandle;
  let app: DatabaseHandle;

  beforeAll(async () => {
    handle = await openTestDatabase('postgres');
    const a = await seedTeam(handle.db, 'T0AAAA', { U0ANA: 'Europe/London' });
    const b = await seedTeam(handle.db, 'T0BBBB', { U0BOB: 'Europe/Paris' });
    await createBooking(handle.db, 'T0AAAA', { meetingTypeId: a.types.m30.id, organizerId: 'U0ANA', start: '2027-03-01T10:00:00Z', source: 'api' }, { now });
    await createBooking(handle.db, 'T0BBBB', { meetingTypeId: b.types.m30.id, organizerId: 'U0BOB', start: '2027-03-01T10:00:00Z', source: 'api' }, { now });
    // How production should connect: a login that is a member of meetings_app and nothing more.
    await handle.db.execute(sql`do $$ begin
      if not exists (select 1 from pg_roles where rolname = 'meetings_login') then create role meetings_login login nosuperuser nobypassrls; end if;
    exception when duplicate_object or unique_violation then null; end $$`);
    await handle.db.execute(sql`grant meetings_app to meetings_login`);
    const [row] = await rawRows<{ db: string }>(handle.db, sql`select current_database() as db`);
    const url = new URL(process.env.DATABASE_URL!);
    url.username = 'meetings_login';
    url.pathname = `/${row!.db}`;
    const { openDatabase } = await import('../../src/db/client.js');
    app = await openDatabase({ url: url.toString(), max: 2, migrate: false });
  });
  afterAll(async () => {
    await app?.close();
    await handle?.close();
  });

  it("books and reads its own team's rows", async () => {
    const rows = await withTeam(app.db, 'T0AAAA', (tx) => rawRows<{ team_id: string }>(tx, sql`select team_id from bookings`));
    expect(rows).toEqual([{ team_id: 'T0AAAA' }]);
  });

  it('cannot escape the tenant transaction by resetting the role, nor read anything outside one', async () => {
    const escaped = await withTeam(app.db, 'T0AAAA', async (tx) => {
      await tx.execute(sql`reset role`);
      const [who] = await rawRows<{ user: string }>(tx, sql`select current_user as user`);
      const teams = await rawRows<{ team_id: string }>(tx, sql`select distinct team_id from bookings`);
      const hijacked = await rawRows(tx, sql`update bookings set title = 'hijacked' where team_id = 'T0BBBB' returning id`);
      return { user: who!.user, teams: teams.map((t) => t.team_id), hijacked: hijacked.length };
    });
    expect(escaped).toEqual({ user: 'meetings_login', teams: ['T0AAAA'], hijacked: 0 });
    const outside = await rawRows(app.db, sql`select id from bookings`);
    expect(outside).toEqual([]);
    const bView = await withTeam(handle.db, 'T0BBBB', (tx) => rawRows<{ title: string }>(tx, sql`select title from bookings`));
    expect(bView).toEqual([{ title: '30 min meeting' }]);
  });
});
