import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { createMeetingType } from '../../src/bookings/index.js';
import { withTeam } from '../../src/db/tenant.js';
import { call, openApiHarness, type ApiHarness } from '../api/support.js';
import { databaseKinds, urlOf } from '../support/databases.js';
import { rawRows } from '../support/sql.js';

// Friday 26 February 2027; Monday 1 March is a working day for everyone below (UTC, all week).
const now = new Date('2027-02-26T12:00:00Z');
const T = 'T0CONTEND';
const OTHER = 'T0CALM';

describe.each(databaseKinds())('bookings under contention on %s', (kind) => {
  let h: ApiHarness;
  let key: string;
  let otherKey: string;
  const types: Record<number, string> = {};

  beforeAll(async () => {
    h = await openApiHarness(kind, now);
    key = await h.keyFor(T);
    otherKey = await h.keyFor(OTHER);
    for (const [team, k] of [[T, key], [OTHER, otherKey]] as const) {
      for (const id of ['U0ANA', 'U0BEN', 'U0CAL']) {
        expect((await call(h.app, 'PUT', `/api/meetings/availability/people/${id}`, { key: k, body: { name: `Person ${id}`, timeZone: 'UTC' } })).status).toBe(200);
        const week = { timeZone: 'UTC', rules: [{ rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU', start: '00:00', end: '23:59' }], overrides: [] };
        expect((await call(h.app, 'PUT', `/api/meetings/availability/people/${id}/schedule`, { key: k, body: week })).status).toBe(200);
      }
      void team;
    }
    await withTeam(h.handle.db, T, async (tx) => {
      for (const minutes of [15, 30, 45, 60]) {
        types[minutes] = (await createMeetingType(tx, T, { name: `Grid ${minutes}`, durationMinutes: minutes, slotIntervalMinutes: 15, minimumNoticeMinutes: 0 })).id;
      }
    });
  });
  afterAll(() => h?.close());

  const confirmed = (organizerIds: string[], from: string, to: string) =>
    withTeam(h.handle.db, T, (tx) =>
      rawRows<{ n: number }>(
        tx,
        sql`select count(*)::int as n from bookings b
            where status = 'confirmed' and starts_at < ${to}::timestamptz and ends_at > ${from}::timestamptz
              and exists (select 1 from meeting_participants p where p.booking_id = b.id and p.slack_user_id = any(${`{${organizerIds.join(',')}}`}::text[]))`,
      ),
    ).then((rows) => Number(rows[0]!.n));

  it('books one of many simultaneous requests for the same slot; the others get 409 with the next free slots, none a 5xx', async () => {
    const body = { meetingTypeId: types[30], organizerId: 'U0ANA', start: '2027-03-01T10:00:00Z' };
    const answers = await Promise.all(Array.from({ length: 60 }, () => call(h.app, 'POST', '/api/meetings/bookings', { key, body })));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(59);
    const conflict = answers.find((a) => a.status === 409)!;
    expect(conflict.body.error.code).toBe('slot_taken');
    expect(conflict.body.nextSlots[0].startUtc).toBe('2027-03-01T10:30:00.000Z');
    expect(await confirmed(['U0ANA'], '2027-03-01T10:00:00Z', '2027-03-01T10:30:00Z')).toBe(1);
  });

  it('never deadlocks on overlapping slots of unequal length for hosts named in either order', async () => {
    const requests = Array.from({ length: 80 }, (_, i) => {
      const minutes = [15, 30, 45, 60][i % 4]!;
      const hosts = [['U0BEN', 'U0CAL'], ['U0CAL', 'U0BEN'], ['U0BEN'], ['U0CAL']][i % 4]!;
      const start = new Date(Date.UTC(2027, 2, 2, 9) + ((i * 7) % 8) * 15 * 60_000).toISOString();
      return { meetingTypeId: types[minutes], organizerId: hosts[0], hostIds: hosts.slice(1), start };
    });
    const answers = await Promise.all(requests.map((body) => call(h.app, 'POST', '/api/meetings/bookings', { key, body })));
    const unexpected = answers.filter((a) => a.status !== 201 && a.status !== 409);
    expect(unexpected.map((a) => [a.status, a.body?.error?.code])).toEqual([]);
    const made = answers.filter((a) => a.status === 201).map((a) => a.body.booking);
    expect(made.length).toBeGreaterThan(0);
    // What was booked does not overlap for any host (buffers are 0 here).
    for (const host of ['U0BEN', 'U0CAL']) {
      const mine = made.filter((b: any) => b.participants.some((p: any) => p.personId === host)).sort((a: any, b: any) => a.startUtc.localeCompare(b.startUtc));
      for (let i = 1; i < mine.length; i++) expect(mine[i].startUtc >= mine[i - 1].endUtc).toBe(true);
      expect(await confirmed([host], '2027-03-02T00:00:00Z', '2027-03-03T00:00:00Z')).toBe(mine.length);
    }
  });

  it.runIf(kind === 'postgres')(
    'answers 409 or 503, never 500, while another transaction holds a conflicting row, and keeps serving other teams and /healthz',
    async () => {
      // A writer outside the app (no advisory lock) inserts a conflicting booking and holds its transaction open.
      const outsider = postgres(urlOf(h.handle)!, { max: 1, onnotice: () => {} });
      const typeId = types[60]!;
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let holding!: () => void;
      const held = new Promise<void>((resolve) => (holding = resolve));
      const holder = outsider.begin(async (tx) => {
        const [row] = await tx`
          insert into bookings (id, meeting_id, team_id, meeting_type_id, organizer_id, title, starts_at, ends_at, source)
          select id, id, ${T}, ${typeId}, 'U0ANA', 'held', '2027-03-03T10:00:00Z', '2027-03-03T11:00:00Z', 'api'
          from (select gen_random_uuid() as id) fresh returning id`;
        await tx`insert into meeting_participants (team_id, booking_id, role, slack_user_id, blocked, holds_time, meeting_type_id, starts_at, ends_at)
                 values (${T}, ${row!.id}, 'organizer', 'U0ANA', tstzrange('2027-03-03T10:00:00Z', '2027-03-03T11:00:00Z'), true,
                   ${typeId}, '2027-03-03T10:00:00Z', '2027-03-03T11:00:00Z')`;
        holding();
        await released;
        throw new Error('rolled back on purpose');
      });
      await held;
      try {
        let settled = 0;
        const flood = Array.from({ length: 24 }, (_, i) => {
          const start = new Date(Date.UTC(2027, 2, 3, 10) + (i % 4) * 15 * 60_000).toISOString();
          const hosts = i % 2 ? ['U0ANA', 'U0BEN'] : ['U0BEN', 'U0ANA'];
          return call(h.app, 'POST', '/api/meetings/bookings', { key, body: { meetingTypeId: types[30], organizerId: hosts[0], hostIds: hosts.slice(1), start } }).finally(
            () => settled++,
          );
        });
        // Meanwhile another team and the health check are answered, while the flood is still waiting.
        const health = await h.app.request('/healthz');
        const calm = await call(h.app, 'GET', `/api/meetings/availability?meetingTypeId=${(await call(h.app, 'GET', '/api/meetings/meeting-types', { key: otherKey })).body.meetingTypes[0].id}&hostIds=U0ANA&from=2027-03-03T00:00:00Z&to=2027-03-04T00:00:00Z`, { key: otherKey });
        expect(health.status).toBe(200);
        expect(calm.status).toBe(200);
        expect(settled).toBeLessThan(24);
        const answers = await Promise.all(flood);
        const statuses = [...new Set(answers.map((a) => a.status))].sort();
        expect(answers.filter((a) => a.status >= 500 && a.status !== 503)).toEqual([]);
        for (const status of statuses) expect([409, 503]).toContain(status);
        for (const busy of answers.filter((a) => a.status === 503)) {
          expect(busy.body.error.code).toBe('busy');
          expect(busy.headers.get('Retry-After')).toBe('1');
        }
      } finally {
        release();
        await holder.catch(() => {});
        await outsider.end();
      }
      // Once the outsider is gone, the slot books normally.
      const after = await call(h.app, 'POST', '/api/meetings/bookings', { key, body: { meetingTypeId: types[30], organizerId: 'U0ANA', start: '2027-03-03T10:00:00Z' } });
      expect(after.status).toBe(201);
    },
    60_000,
  );
});
