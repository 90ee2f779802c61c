import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { DatabaseHandle } from '../../src/db/client.js';
import { withTeam } from '../../src/db/tenant.js';
import { OutsideAvailabilityError, SlotTakenError, createBooking, createMeetingType, listBookings, replaceSchedule } from '../../src/bookings/index.js';
import { databaseKinds, openTestDatabase } from '../support/databases.js';
import { seedTeam, type SeededTeam } from '../support/fixtures.js';
import { rawRows } from '../support/sql.js';

const now = new Date('2027-02-26T12:00:00Z');

describe.each(databaseKinds())('double booking on %s', (kind) => {
  let handle: DatabaseHandle;
  let team: SeededTeam;

  beforeAll(async () => {
    handle = await openTestDatabase(kind, { max: 20 });
    team = await seedTeam(handle.db, 'T0RACE', { U0ANA: 'Europe/London', U0BEN: 'Europe/London' });
  });
  afterAll(() => handle?.close());

  it('is refused by the database itself, without the application check', async () => {
    const attempt = withTeam(handle.db, 'T0RACE', async (tx) => {
      const ids: string[] = [];
      for (const start of ['2027-03-01T10:00:00Z', '2027-03-01T10:15:00Z']) {
        const [row] = await rawRows<{ id: string }>(
          tx,
          sql`insert into bookings (id, meeting_id, team_id, meeting_type_id, organizer_id, title, starts_at, ends_at, source)
              select id, id, 'T0RACE', ${team.types.m30.id}, 'U0ANA', 'raw', ${start}::timestamptz, ${start}::timestamptz + interval '30 minutes', 'api'
              from (select gen_random_uuid() as id) as fresh returning id`,
        );
        ids.push(row!.id);
        await tx.execute(sql`insert into meeting_participants (team_id, booking_id, role, slack_user_id, blocked, holds_time, meeting_type_id, starts_at, ends_at)
          values ('T0RACE', ${row!.id}, 'organizer', 'U0ANA', tstzrange(${start}::timestamptz, ${start}::timestamptz + interval '30 minutes'), true,
            ${team.types.m30.id}, ${start}::timestamptz, ${start}::timestamptz + interval '30 minutes')`);
      }
      return ids;
    });
    await expect(attempt).rejects.toMatchObject({ cause: expect.objectContaining({ code: '23P01' }) });
    const rows = await withTeam(handle.db, 'T0RACE', (tx) => rawRows(tx, sql`select id from bookings`));
    expect(rows).toEqual([]);
  });

  it('lets 1 of 50 concurrent overlapping attempts through and answers 49 with a conflict', async () => {
    // Every attempt passes the application's check before any commits: only the constraint decides.
    const starts = Array.from({ length: 50 }, () => '2027-03-02T11:00:00Z');
    const hosts = Array.from({ length: 50 }, (_, i) => (i % 3 === 0 ? ['U0BEN'] : []));
    const results = await Promise.allSettled(
      starts.map((start, i) =>
        createBooking(handle.db, 'T0RACE', { meetingTypeId: team.types.m30.id, organizerId: 'U0ANA', hostIds: hosts[i], start, source: 'api' }, { now }),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(1);
    expect(failed).toHaveLength(49);
    for (const f of failed) expect(f.reason).toBeInstanceOf(SlotTakenError);
    const confirmed = await listBookings(handle.db, 'T0RACE', { status: 'confirmed', from: '2027-03-02T00:00:00Z', to: '2027-03-03T00:00:00Z' });
    expect(confirmed.bookings).toHaveLength(1);
    const winner = (ok[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof createBooking>>>).value.booking;
    for (const f of failed) expect((f.reason as SlotTakenError).collisions.map((c) => c.bookingId)).toContain(winner.id);
  });

  it('keeps a daily limit exact under concurrent bookings of different, non-overlapping slots', async () => {
    const limited = await withTeam(handle.db, 'T0RACE', (tx) =>
      createMeetingType(tx, 'T0RACE', { name: 'Two a day', durationMinutes: 30, slotIntervalMinutes: 30, minimumNoticeMinutes: 0, dailyLimit: 2 }),
    );
    const starts = Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(2027, 2, 4, 9 + Math.floor(i / 2), (i % 2) * 30)).toISOString());
    const results = await Promise.allSettled(
      starts.map((start) => createBooking(handle.db, 'T0RACE', { meetingTypeId: limited.id, organizerId: 'U0BEN', start, source: 'api' }, { now })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    for (const r of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) {
      expect(r.reason).toBeInstanceOf(OutsideAvailabilityError);
      expect(r.reason.message).toContain('daily limit');
    }
    const day = await listBookings(handle.db, 'T0RACE', { personId: 'U0BEN', status: 'confirmed', from: '2027-03-04T00:00:00Z', to: '2027-03-05T00:00:00Z' });
    expect(day.bookings).toHaveLength(2);
  });

  it('keeps a person’s own daily limit exact under concurrent bookings of types that have none', async () => {
    await seedTeam(handle.db, 'T0RACE', { U0DEE: 'Europe/London' });
    await withTeam(handle.db, 'T0RACE', (tx) =>
      replaceSchedule(tx, 'T0RACE', 'U0DEE', { timeZone: 'Europe/London', rules: [{ rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', start: '09:00', end: '17:00' }], overrides: [], dailyLimit: 2 }),
    );
    const starts = Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(2027, 2, 5, 9 + Math.floor(i / 2), (i % 2) * 30)).toISOString());
    const types = [team.types.m30.id, team.types.m15.id];
    const results = await Promise.allSettled(
      starts.map((start, i) => createBooking(handle.db, 'T0RACE', { meetingTypeId: types[i % 2]!, organizerId: 'U0DEE', start, source: 'api' }, { now })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    for (const r of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) {
      expect(r.reason).toBeInstanceOf(OutsideAvailabilityError);
      expect(r.reason.message).toContain('U0DEE takes at most 2 meetings a day');
    }
    const day = await listBookings(handle.db, 'T0RACE', { personId: 'U0DEE', status: 'confirmed', from: '2027-03-05T00:00:00Z', to: '2027-03-06T00:00:00Z' });
    expect(day.bookings).toHaveLength(2);
  });

  it('answers 20 concurrent retries with one idempotency key with one booking', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        createBooking(
          handle.db,
          'T0RACE',
          { meetingTypeId: team.types.m30.id, organizerId: 'U0BEN', start: '2027-03-03T14:00:00Z', source: 'slack', idempotencyKey: 'view-V123' },
          { now },
        ),
      ),
    );
    expect(new Set(results.map((r) => r.booking.id)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    const day = await listBookings(handle.db, 'T0RACE', { from: '2027-03-03T00:00:00Z', to: '2027-03-04T00:00:00Z' });
    expect(day.bookings).toHaveLength(1);
  });
});
