import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sql, type SQL } from 'drizzle-orm';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import { migrationsFolder, type DatabaseHandle } from '../../src/db/client.js';
import { databaseKinds, openEmptyDatabase } from '../support/databases.js';
import { rawRows } from '../support/sql.js';

/** The migrations folder as it was up to and including the migration tagged `lastTag`. */
async function migrationsUpTo(lastTag: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'migrations-'));
  await cp(migrationsFolder, dir, { recursive: true });
  const journalPath = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(await readFile(journalPath, 'utf8')) as { entries: { tag: string }[] };
  const last = journal.entries.findIndex((e) => e.tag === lastTag);
  expect(last).toBeGreaterThanOrEqual(0);
  journal.entries = journal.entries.slice(0, last + 1);
  await writeFile(journalPath, JSON.stringify(journal));
  return dir;
}

describe.each(databaseKinds())('migrations over existing data on %s', (kind) => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));
  const migrate = kind === 'pglite' ? migratePglite : migratePostgres;

  /** A fresh database migrated up to `lastTag`, given `seed` (run as the table owner), then migrated to the latest: `check` reads it. */
  async function migrateOver(lastTag: string, seed: SQL, check: (db: DatabaseHandle['db']) => Promise<void>): Promise<void> {
    const before = await migrationsUpTo(lastTag);
    dirs.push(before);
    const handle = await openEmptyDatabase(kind);
    try {
      await migrate(handle.db as never, { migrationsFolder: before });
      await rawRows(handle.db, seed);
      await migrate(handle.db as never, { migrationsFolder });
      await check(handle.db);
    } finally {
      await handle.close();
    }
  }

  it('0011 copies each booking type and time into its participant rows, guests and released ones included', async () => {
    // Two bookings of different types, one of them released by a cancel.
    await migrateOver(
      '0010_busy_time_index',
      sql`with team as (insert into teams (id, name) values ('T0MIGRATE', 'Migrate') returning id),
               types as (insert into meeting_types (team_id, name, duration_minutes, slot_interval_minutes)
                         select id, name, minutes, 15 from team, (values ('Short', 15), ('Long', 60)) as t(name, minutes) returning id, duration_minutes),
               made as (insert into bookings (id, meeting_id, team_id, meeting_type_id, organizer_id, title, starts_at, ends_at, source)
                        select fresh.id, fresh.id, 'T0MIGRATE', types.id, 'U0ANA', 'kept', at, at + make_interval(mins => types.duration_minutes), 'api'
                        from types, lateral (select gen_random_uuid() as id, '2027-02-01T10:00:00Z'::timestamptz + make_interval(mins => 2 * types.duration_minutes) as at) as fresh
                        returning id, starts_at, ends_at)
          insert into meeting_participants (team_id, booking_id, role, slack_user_id, guest_name, guest_id, blocked, holds_time)
          select 'T0MIGRATE', made.id, p.role::participant_role, p.host, p.guest, case when p.guest is null then null else gen_random_uuid() end,
                 case when p.host is null then null else tstzrange(made.starts_at, made.ends_at) end, p.host is not null and made.starts_at < '2027-02-01T12:00:00Z'
          from made, (values ('organizer', 'U0ANA', null), ('guest', null, 'Gia')) as p(role, host, guest)
          returning 1`,
      async (db) => {
        const rows = await rawRows<{ copied: boolean; holds_time: boolean }>(
          db,
          sql`select p.meeting_type_id = b.meeting_type_id and p.starts_at = b.starts_at and p.ends_at = b.ends_at as copied, p.holds_time
              from meeting_participants p join bookings b on b.id = p.booking_id`,
        );
        expect(rows).toHaveLength(4);
        expect(rows.every((r) => r.copied)).toBe(true);
        expect(rows.filter((r) => r.holds_time)).toHaveLength(1);
      },
    );
  });

  it('0012 numbers the people of each booking: organizer, hosts, then guests, each number once', async () => {
    // Two bookings whose rows were written guests first, as nothing kept their order then.
    await migrateOver(
      '0011_busy_time_from_participants',
      sql`with team as (insert into teams (id, name) values ('T0ORDER', 'Order') returning id),
               type as (insert into meeting_types (team_id, name, duration_minutes, slot_interval_minutes) select id, 'Half', 30, 30 from team returning id),
               made as (insert into bookings (id, meeting_id, team_id, meeting_type_id, organizer_id, title, starts_at, ends_at, source)
                        select fresh.id, fresh.id, 'T0ORDER', type.id, 'U0ANA', 'kept', at, at + interval '30 minutes', 'api'
                        from type, lateral (select gen_random_uuid() as id, '2027-02-01T10:00:00Z'::timestamptz + make_interval(hours => n) as at from generate_series(0, 1) as n) as fresh
                        returning id, meeting_type_id, starts_at, ends_at)
          insert into meeting_participants (team_id, booking_id, role, slack_user_id, guest_name, guest_id, meeting_type_id, starts_at, ends_at)
          select 'T0ORDER', made.id, p.role::participant_role, p.host, p.guest, case when p.guest is null then null else gen_random_uuid() end, made.meeting_type_id, made.starts_at, made.ends_at
          from made, (values ('guest', null, 'Gia'), ('guest', null, 'Hal'), ('host', 'U0BEN', null), ('organizer', 'U0ANA', null)) as p(role, host, guest)
          returning 1`,
      async (db) => {
        const rows = await rawRows<{ booking_id: string; role: string; position: number }>(db, sql`select booking_id, role, position from meeting_participants order by booking_id, position`);
        expect(rows).toHaveLength(8);
        for (const booking of new Set(rows.map((r) => r.booking_id))) {
          const people = rows.filter((r) => r.booking_id === booking);
          expect(people.map((r) => Number(r.position))).toEqual([0, 1, 2, 3]);
          expect(people.map((r) => r.role)).toEqual(['organizer', 'host', 'guest', 'guest']);
        }
      },
    );
  });
});
