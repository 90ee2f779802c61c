import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { DatabaseHandle } from '../../src/db/client.js';
import { withTeam } from '../../src/db/tenant.js';
import { BUSY_STATEMENT, loadBusy } from '../../src/bookings/availability.js';
import { openTestDatabase } from '../support/databases.js';
import { seedTeam, type SeededTeam } from '../support/fixtures.js';
import { rawRows } from '../support/sql.js';

const TEAM = 'T0HISTORY';
const DAY_MS = 86_400_000;

// The planner's choice only means something on the server the app runs on in production.
describe.skipIf(!process.env.DATABASE_URL)('busy time of a host with a long history, on postgres', () => {
  let handle: DatabaseHandle;
  let team: SeededTeam;
  const windowStart = new Date('2027-06-01T00:00:00Z');

  beforeAll(async () => {
    handle = await openTestDatabase('postgres');
    const colleagues = Object.fromEntries(Array.from({ length: 24 }, (_, i) => [`U0PEER${i}`, 'UTC']));
    team = await seedTeam(handle.db, TEAM, { U0LONG: 'UTC', U0NEW: 'UTC', ...colleagues });
    // Two years of daily 10:00 meetings before the window for U0LONG and 24 colleagues, two
    // inside it (as the table owner: seeding is not what is tested), then the statistics
    // autovacuum would gather.
    await rawRows(
      handle.db,
      sql`with made as (
            insert into bookings (id, meeting_id, team_id, meeting_type_id, organizer_id, title, starts_at, ends_at, source)
            select id, id, ${TEAM}, ${team.types.m30.id}, host, 'history', at, at + interval '30 minutes', 'api'
            from (select gen_random_uuid() as id, host, ${windowStart.toISOString()}::timestamptz - make_interval(days => d) + interval '10 hours' as at
                  from generate_series(-1, 730) as d, unnest(${`{U0LONG,${Object.keys(colleagues).join(',')}}`}::text[]) as host) as days
            returning id, organizer_id, meeting_type_id, starts_at, ends_at)
          insert into meeting_participants (team_id, booking_id, role, slack_user_id, blocked, holds_time, meeting_type_id, starts_at, ends_at)
          select ${TEAM}, id, 'organizer', organizer_id, tstzrange(starts_at, ends_at), true, meeting_type_id, starts_at, ends_at from made
          returning 1`,
    );
    await rawRows(handle.db, sql`analyze bookings, meeting_participants`);
  });
  afterAll(() => handle?.close());

  it('reads only the window, through the index on the end of the blocked time, also as a generic plan', async () => {
    const to = new Date(windowStart.getTime() + 14 * DAY_MS);
    const busy = await withTeam(handle.db, TEAM, (tx) => loadBusy(tx, ['U0LONG', 'U0NEW'], windowStart, to));
    expect(busy.get('U0LONG')!.map((b) => b.start.toISOString()).filter((iso) => iso >= windowStart.toISOString()).sort()).toEqual([
      '2027-06-01T10:00:00.000Z',
      '2027-06-02T10:00:00.000Z',
    ]);
    expect(busy.get('U0NEW')).toEqual([]);

    const plan = await withTeam(
      handle.db,
      TEAM,
      async (tx) => {
        await tx.execute(sql.raw(`prepare busy_read(text[], timestamptz, timestamptz) as ${BUSY_STATEMENT}`));
        const [row] = await rawRows<{ 'QUERY PLAN': unknown }>(
          tx,
          sql.raw(`explain (format json) execute busy_read('{U0LONG,U0NEW}', '${windowStart.toISOString()}', '${to.toISOString()}')`),
        );
        return JSON.stringify(row!['QUERY PLAN']);
      },
      { genericPlans: true },
    );
    expect(plan).toContain('meeting_participants_busy_idx');
    expect(plan).toMatch(/"Index Cond":"[^"]*blocked_until > /);
  });
});
