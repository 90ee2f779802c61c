import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { createMeetingType } from '../../src/bookings/index.js';
import { hostLockKey } from '../../src/bookings/service.js';
import { withTeam } from '../../src/db/tenant.js';
import { call, openApiHarness, type ApiHarness } from '../api/support.js';
import { databaseKinds, urlOf } from '../support/databases.js';
import { rawRows } from '../support/sql.js';

// Friday 26 February 2027; everyone below works around the clock, every day (UTC).
const now = new Date('2027-02-26T12:00:00Z');
const T = 'T0BATCHES';
const PEOPLE = Array.from({ length: 8 }, (_, i) => `U0BATCH${i}`);

/**
 * Bookings made at the same moment for different people share a transaction (group commit); each
 * still gets exactly the answer it would get alone. The transaction of a stored booking is its
 * row's xmin, read here through real SQL.
 */
describe.each(databaseKinds())('simultaneous bookings share transactions on %s', (kind) => {
  let h: ApiHarness;
  let key: string;
  let typeId: string;

  beforeAll(async () => {
    h = await openApiHarness(kind, now);
    key = await h.keyFor(T);
    const week = { timeZone: 'UTC', rules: [{ rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU', start: '00:00', end: '23:59' }], overrides: [] };
    for (const id of PEOPLE) {
      expect((await call(h.app, 'PUT', `/api/meetings/availability/people/${id}`, { key, body: { name: `Person ${id}`, timeZone: 'UTC' } })).status).toBe(200);
      expect((await call(h.app, 'PUT', `/api/meetings/availability/people/${id}/schedule`, { key, body: week })).status).toBe(200);
    }
    typeId = await withTeam(h.handle.db, T, async (tx) => (await createMeetingType(tx, T, { name: 'Batch 30', durationMinutes: 30, slotIntervalMinutes: 30, minimumNoticeMinutes: 0 })).id);
  });
  afterAll(() => h?.close());

  const book = (organizerId: string, start: string, headers: Record<string, string> = {}) =>
    call(h.app, 'POST', '/api/meetings/bookings', { key, body: { meetingTypeId: typeId, organizerId, start }, headers });

  /** The stored bookings starting at `start`: who organizes each, and the transaction that wrote it. */
  const storedAt = (start: string) =>
    withTeam(h.handle.db, T, (tx) =>
      rawRows<{ organizer: string; xact: string }>(tx, sql`select organizer_id as organizer, xmin::text as xact from bookings where starts_at = ${start}::timestamptz order by organizer_id`),
    );

  it('books every one of a burst for different people, in fewer transactions than bookings', async () => {
    const start = '2027-03-01T09:00:00.000Z';
    const answers = await Promise.all(PEOPLE.map((id) => book(id, start)));
    expect(answers.map((a) => a.status)).toEqual(PEOPLE.map(() => 201));
    expect(answers.map((a) => a.body.booking.organizerId)).toEqual(PEOPLE);
    const stored = await storedAt(start);
    expect(stored.map((r) => r.organizer)).toEqual(PEOPLE);
    expect(new Set(stored.map((r) => r.xact)).size).toBeLessThan(PEOPLE.length);
  });

  it('answers a booking that breaks a rule on its own while the rest of its batch commits', async () => {
    const start = '2027-03-01T10:00:00.000Z';
    const [, , ...answers] = await Promise.all([
      // Two that run at once, so the rest wait and go together.
      book(PEOPLE[0]!, '2027-03-01T07:00:00.000Z'),
      book(PEOPLE[1]!, '2027-03-01T07:00:00.000Z'),
      book(PEOPLE[2]!, start),
      book('U0NOBODY', start),
      book(PEOPLE[3]!, '2027-02-20T10:00:00.000Z'),
      book(PEOPLE[4]!, start),
      book(PEOPLE[5]!, start),
    ]);
    expect(answers.map((a) => a.status)).toEqual([201, 404, 422, 201, 201]);
    expect(answers[1]!.body.error.field).toBe('organizerId');
    expect(answers[2]!.body.error.code).toBe('in_the_past');
    expect((await storedAt(start)).map((r) => r.organizer)).toEqual([PEOPLE[2], PEOPLE[4], PEOPLE[5]]);
    expect(await storedAt('2027-02-20T10:00:00.000Z')).toEqual([]);
  });

  it('runs a batch again one by one when a statement in it fails: one idempotency key sent for two people', async () => {
    const start = '2027-03-01T11:00:00.000Z';
    const twin = { 'Idempotency-Key': `batch-twin-${kind}` };
    const [, , ...answers] = await Promise.all([
      book(PEOPLE[0]!, '2027-03-01T07:30:00.000Z'),
      book(PEOPLE[1]!, '2027-03-01T07:30:00.000Z'),
      book(PEOPLE[2]!, start, twin),
      book(PEOPLE[3]!, start),
      book(PEOPLE[4]!, start, twin),
      book(PEOPLE[5]!, start),
    ]);
    const statuses = answers.map((a) => a.status);
    expect([statuses[1], statuses[3]]).toEqual([201, 201]);
    // The key is one request's: whichever of the twins took it first, the other is refused.
    expect([statuses[0], statuses[2]].sort()).toEqual([201, 422]);
    expect(answers.find((a) => a.status === 422)!.body.error.code).toBe('idempotency_mismatch');
    const stored = await storedAt(start);
    expect(stored).toHaveLength(3);
    expect(stored.map((r) => r.organizer)).toEqual(expect.arrayContaining([PEOPLE[3], PEOPLE[5]]));
  });

  it.runIf(kind === 'postgres')('keeps booking other people while bookings wait on a lock held elsewhere', async () => {
    // Another writer holds two people's locks: their bookings wait, taking both of the team's places.
    const outsider = postgres(urlOf(h.handle)!, { max: 1, onnotice: () => {} });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const holder = outsider.begin(async (tx) => {
      for (const id of PEOPLE.slice(0, 2)) await tx`select pg_advisory_xact_lock(hashtextextended(${hostLockKey(T, id)}, 0))`;
      holding();
      await released;
    });
    try {
      await held;
      const start = '2027-03-01T13:00:00.000Z';
      let waitingSettled = 0;
      const waiting = PEOPLE.slice(0, 2).map((id) => book(id, start).finally(() => waitingSettled++));
      await new Promise((resolve) => setTimeout(resolve, 200));
      const others = await Promise.all(PEOPLE.slice(2).map((id) => book(id, start)));
      expect(others.map((a) => a.status)).toEqual(PEOPLE.slice(2).map(() => 201));
      expect(waitingSettled).toBe(0);
      release();
      expect((await Promise.all(waiting)).map((a) => a.status)).toEqual([201, 201]);
      expect((await storedAt(start)).map((r) => r.organizer)).toEqual(PEOPLE);
    } finally {
      release();
      await holder;
      await outsider.end();
    }
  });

  it('never books one person twice from the same burst', async () => {
    const start = '2027-03-01T12:00:00.000Z';
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => book(PEOPLE[i % 2]!, start)));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(2);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(8);
    expect((await storedAt(start)).map((r) => r.organizer)).toEqual([PEOPLE[0], PEOPLE[1]]);
  });
});
