import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { withTeam } from '../../src/db/tenant.js';
import { databaseKinds } from '../support/databases.js';
import { call, expectErrorShape, openApiHarness, type ApiHarness } from './support.js';

// Friday 26 February 2027, noon UTC; Monday 1 March is the first working day after it.
const now = new Date('2027-02-26T12:00:00Z');
const T = 'T0BOOKAPI';

describe.each(databaseKinds())('bookings API on %s', (kind) => {
  let h: ApiHarness;
  let key: string;
  let m30: string;

  beforeAll(async () => {
    h = await openApiHarness(kind, now);
    key = await h.keyFor(T);
    for (const [id, timeZone] of [['U0ANA', 'Europe/London'], ['U0BEN', 'America/New_York'], ['U0CAL', 'Asia/Kolkata']]) {
      const put = await call(h.app, 'PUT', `/api/meetings/availability/people/${id}`, { key, body: { name: `Person ${id}`, timeZone } });
      expect(put.status).toBe(200);
    }
    const types = await call(h.app, 'GET', '/api/meetings/meeting-types', { key });
    m30 = types.body.meetingTypes.find((t: any) => t.durationMinutes === 30).id;
  });
  afterAll(() => h?.close());

  const countBookings = () =>
    withTeam(h.handle.db, T, async (tx) => {
      const result: any = await tx.execute(sql`select count(*)::int as n from bookings`);
      return Number((result.rows ?? result)[0].n);
    });

  const book = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    call(h.app, 'POST', '/api/meetings/bookings', { key, body: { meetingTypeId: m30, organizerId: 'U0ANA', ...body }, headers });

  it('books a slot and answers 201 with times in the viewer\'s zone and in UTC', async () => {
    const created = await book({ start: '2027-03-01T15:00:00Z', hostIds: ['U0BEN'], guests: [{ name: 'Dana', email: 'dana@example.org' }], title: 'Kick-off', timeZone: 'America/New_York' });
    expect(created.status).toBe(201);
    const b = created.body.booking;
    expect(b).toMatchObject({
      status: 'confirmed',
      title: 'Kick-off',
      timeZone: 'America/New_York',
      start: '2027-03-01T10:00:00-05:00',
      end: '2027-03-01T10:30:00-05:00',
      startUtc: '2027-03-01T15:00:00.000Z',
      endUtc: '2027-03-01T15:30:00.000Z',
      durationMinutes: 30,
      source: 'api',
      organizerId: 'U0ANA',
      meetingType: { id: m30, name: '30 min meeting' },
    });
    expect(b.participants.map((p: any) => [p.role, p.personId ?? p.guestName])).toEqual([
      ['organizer', 'U0ANA'],
      ['host', 'U0BEN'],
      ['guest', 'Dana'],
    ]);

    const got = await call(h.app, 'GET', `/api/meetings/bookings/${b.id}?timeZone=Asia/Kolkata`, { key });
    expect(got.status).toBe(200);
    expect(got.body.booking).toMatchObject({ id: b.id, start: '2027-03-01T20:30:00+05:30', startUtc: '2027-03-01T15:00:00.000Z' });
    const utc = await call(h.app, 'GET', `/api/meetings/bookings/${b.id}`, { key });
    expect(utc.body.booking).toMatchObject({ timeZone: 'UTC', start: '2027-03-01T15:00:00+00:00' });
  });

  it('rejects a malformed or invalid body with 400 naming the field, and writes nothing', async () => {
    const before = await countBookings();
    const cases: [unknown, string | null][] = [
      [{ start: '2027-03-01T16:00:00Z', organizerId: 'ana' }, 'organizerId'],
      [{ start: 'next tuesday' }, 'start'],
      [{ start: null }, 'start'],
      [{ start: 1_800_000_000_000 }, 'start'],
      [{ start: '2027-03-01T16:00:00' }, 'start'],
      [{ start: '2027-03-01T16:00:00Z', meetingTypeId: 'not-a-uuid' }, 'meetingTypeId'],
      [{ start: '2027-03-01T16:00:00Z', hostIds: ['U0BEN', 'x'] }, 'hostIds.1'],
      [{ start: '2027-03-01T16:00:00Z', guests: [{ name: '' }] }, 'guests.0.name'],
      [{ start: '2027-03-01T16:00:00Z', timeZone: 'Mars/Olympus' }, 'timeZone'],
      [{ start: '2027-03-01T16:00:00Z', colour: 'blue' }, null],
    ];
    for (const [body, field] of cases) {
      const result = await book(body as Record<string, unknown>);
      expect(result.status, JSON.stringify(body)).toBe(400);
      const error = expectErrorShape(result);
      expect(error.code).toBe('invalid_input');
      if (field) expect(error.field).toBe(field);
      expect(error.message.length).toBeGreaterThan(5);
    }
    const noStart = await call(h.app, 'POST', '/api/meetings/bookings', { key, body: { meetingTypeId: m30, organizerId: 'U0ANA' } });
    expect(expectErrorShape(noStart)).toMatchObject({ code: 'invalid_input', field: 'start' });
    const malformed = await call(h.app, 'POST', '/api/meetings/bookings', { key, body: '{"start":' });
    expect(malformed.status).toBe(400);
    expect(expectErrorShape(malformed).code).toBe('invalid_input');
    const notJson = await call(h.app, 'POST', '/api/meetings/bookings', { key, body: 'start=2027', headers: { 'Content-Type': 'text/plain' } });
    expect(notJson.status).toBe(400);
    expect(expectErrorShape(notJson).field).toBe('Content-Type');
    expect(await countBookings()).toBe(before);
  });

  it('answers 422 for a well-formed booking that cannot be made, 404 for unknown people and types', async () => {
    const before = await countBookings();
    const past = await book({ start: '2027-02-25T10:00:00Z' });
    expect(past.status).toBe(422);
    expect(expectErrorShape(past)).toMatchObject({ code: 'in_the_past', field: 'start' });
    const night = await book({ start: '2027-03-01T03:00:00Z' });
    expect(night.status).toBe(422);
    expect(expectErrorShape(night)).toMatchObject({ code: 'outside_availability', field: 'start' });
    expect(night.body.error.message).toContain('working hours');
    const stranger = await book({ start: '2027-03-01T16:00:00Z', hostIds: ['U0NOBODY'] });
    expect(stranger.status).toBe(404);
    expect(expectErrorShape(stranger)).toMatchObject({ code: 'not_found', field: 'hostIds' });
    const ghostOrganizer = await book({ start: '2027-03-01T16:00:00Z', organizerId: 'U0GHOST' });
    expect(ghostOrganizer.status).toBe(404);
    expect(expectErrorShape(ghostOrganizer)).toMatchObject({ code: 'not_found', message: 'Person U0GHOST was not found', field: 'organizerId' });
    const noType = await book({ start: '2027-03-01T16:00:00Z', meetingTypeId: '00000000-0000-4000-8000-000000000000' });
    expect(noType.status).toBe(404);
    expect(expectErrorShape(noType)).toMatchObject({ code: 'not_found', field: 'meetingTypeId' });
    expect(await countBookings()).toBe(before);
  });

  it('makes a retry with the same Idempotency-Key safe, and refuses the key for another request', async () => {
    const body = { start: '2027-03-02T09:00:00Z', title: 'Retry me' };
    const first = await book(body, { 'Idempotency-Key': 'order-4711' });
    expect(first.status).toBe(201);
    const count = await countBookings();
    const retry = await book(body, { 'Idempotency-Key': 'order-4711' });
    expect(retry.status).toBe(200);
    expect(retry.headers.get('Idempotent-Replayed')).toBe('true');
    expect(retry.body.booking.id).toBe(first.body.booking.id);
    expect(await countBookings()).toBe(count);

    const other = await book({ ...body, start: '2027-03-02T10:00:00Z' }, { 'Idempotency-Key': 'order-4711' });
    expect(other.status).toBe(422);
    expect(expectErrorShape(other).code).toBe('idempotency_mismatch');
    expect(await countBookings()).toBe(count);
  });

  it('replays concurrent retries with one key as one booking', async () => {
    const body = { start: '2027-03-02T11:00:00Z' };
    const results = await Promise.all(Array.from({ length: 6 }, () => book(body, { 'Idempotency-Key': 'double-click' })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.body.booking.id)).size).toBe(1);
  });

  it('answers 409 naming the next free slots when the slot is taken', async () => {
    await book({ start: '2027-03-03T09:00:00Z' });
    const taken = await book({ start: '2027-03-03T09:00:00Z', hostIds: ['U0BEN'], timeZone: 'Europe/London' });
    expect(taken.status).toBe(409);
    expect(expectErrorShape(taken)).toMatchObject({ code: 'slot_taken', field: 'start' });
    // Ana is busy 09:00–09:30 UTC; Ben (New York) is free from 14:00 UTC: the next common slots.
    expect(taken.body.nextSlots.map((s: any) => s.startUtc)).toEqual([
      '2027-03-03T14:00:00.000Z',
      '2027-03-03T14:30:00.000Z',
      '2027-03-03T15:00:00.000Z',
      '2027-03-03T15:30:00.000Z',
      '2027-03-03T16:00:00.000Z',
    ]);
    expect(taken.body.nextSlots[0]).toMatchObject({ start: '2027-03-03T14:00:00+00:00', hostIds: ['U0ANA', 'U0BEN'] });
  });

  it('names next free slots past a weekend when the day has fewer than five left', async () => {
    // Ana works 09:00–17:00 London, Monday to Friday; Friday 12 March 2027 at 16:00 is taken.
    expect((await book({ start: '2027-03-12T16:00:00Z' })).status).toBe(201);
    const taken = await book({ start: '2027-03-12T16:00:00Z' });
    expect(taken.status).toBe(409);
    expect(taken.body.nextSlots.map((s: any) => s.startUtc)).toEqual([
      '2027-03-12T16:30:00.000Z',
      '2027-03-15T09:00:00.000Z',
      '2027-03-15T09:30:00.000Z',
      '2027-03-15T10:00:00.000Z',
      '2027-03-15T10:30:00.000Z',
    ]);
  });

  it('lets exactly one of many concurrent requests for one slot win; the rest get 409 with next slots', async () => {
    const before = await countBookings();
    const results = await Promise.all(
      ['U0ANA', 'U0BEN', 'U0ANA', 'U0BEN', 'U0ANA', 'U0BEN'].map((organizerId, i) =>
        book({ start: '2027-03-04T14:00:00Z', organizerId, hostIds: [organizerId === 'U0ANA' ? 'U0BEN' : 'U0ANA'] }, { 'Idempotency-Key': `race-${i}` }),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409]);
    for (const loser of results.filter((r) => r.status === 409)) {
      expect(expectErrorShape(loser).code).toBe('slot_taken');
      expect(loser.body.nextSlots.length).toBeGreaterThan(0);
      expect(loser.body.nextSlots.every((s: any) => s.startUtc > '2027-03-04T14:00:00.000Z')).toBe(true);
    }
    expect(await countBookings()).toBe(before + 1);
  });

  it('lists bookings by person, range and status, a page at a time', async () => {
    const all = await call(h.app, 'GET', '/api/meetings/bookings?limit=100', { key });
    expect(all.status).toBe(200);
    const total = all.body.bookings.length;
    expect(total).toBeGreaterThan(4);
    const starts = all.body.bookings.map((b: any) => b.startUtc);
    expect([...starts].sort()).toEqual(starts);

    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await call(h.app, 'GET', `/api/meetings/bookings?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { key });
      expect(page.status).toBe(200);
      expect(page.body.bookings.length).toBeLessThanOrEqual(2);
      pages.push(...page.body.bookings.map((b: any) => b.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(pages).toEqual(all.body.bookings.map((b: any) => b.id));

    const ben = await call(h.app, 'GET', '/api/meetings/bookings?personId=U0BEN&limit=100', { key });
    expect(ben.body.bookings.length).toBeGreaterThan(0);
    expect(ben.body.bookings.every((b: any) => b.participants.some((p: any) => p.personId === 'U0BEN'))).toBe(true);
    expect(ben.body.bookings.length).toBeLessThan(total);

    const march2 = await call(h.app, 'GET', '/api/meetings/bookings?from=2027-03-02T00:00:00Z&to=2027-03-03T00:00:00Z&timeZone=Asia/Kolkata', { key });
    expect(march2.body.bookings.map((b: any) => b.startUtc)).toEqual(['2027-03-02T09:00:00.000Z', '2027-03-02T11:00:00.000Z']);
    expect(march2.body.bookings[0].start).toBe('2027-03-02T14:30:00+05:30');

    const cancelled = await call(h.app, 'GET', '/api/meetings/bookings?status=cancelled', { key });
    expect(cancelled.body.bookings.every((b: any) => b.status === 'cancelled')).toBe(true);

    for (const [query, field] of [
      ['status=done', 'status'],
      ['limit=0', 'limit'],
      ['limit=1000', 'limit'],
      ['personId=bob', 'personId'],
      ['from=2027-03-03T00:00:00Z&to=2027-03-02T00:00:00Z', 'to'],
      ['cursor=garbage', 'cursor'],
    ]) {
      const bad = await call(h.app, 'GET', `/api/meetings/bookings?${query}`, { key });
      expect(bad.status, query).toBe(400);
      expect(expectErrorShape(bad).field, query).toBe(field);
    }
  });

  it('reschedules: the new booking and the cancelled original come back together', async () => {
    const original = (await book({ start: '2027-03-05T10:00:00Z', hostIds: ['U0CAL'] })).body.booking;
    const moved = await call(h.app, 'POST', `/api/meetings/bookings/${original.id}/reschedule`, {
      key,
      body: { start: '2027-03-05T11:00:00Z', timeZone: 'Asia/Kolkata' },
    });
    expect(moved.status).toBe(200);
    expect(moved.body.booking).toMatchObject({ status: 'confirmed', startUtc: '2027-03-05T11:00:00.000Z', start: '2027-03-05T16:30:00+05:30', rescheduledFromId: original.id });
    expect(moved.body.previous).toMatchObject({ id: original.id, status: 'cancelled', rescheduledToId: moved.body.booking.id });
    expect(moved.body.previous.cancelledBy).toMatch(/^api-key:/);

    const again = await call(h.app, 'POST', `/api/meetings/bookings/${original.id}/reschedule`, { key, body: { start: '2027-03-05T12:00:00Z' } });
    expect(again.status).toBe(409);
    expect(expectErrorShape(again).code).toBe('booking_cancelled');

    const unknown = await call(h.app, 'POST', '/api/meetings/bookings/00000000-0000-4000-8000-000000000000/reschedule', { key, body: { start: '2027-03-05T12:00:00Z' } });
    expect(unknown.status).toBe(404);
    const badStart = await call(h.app, 'POST', `/api/meetings/bookings/${moved.body.booking.id}/reschedule`, { key, body: { start: 'soon' } });
    expect(expectErrorShape(badStart)).toMatchObject({ code: 'invalid_input', field: 'start' });
    const past = await call(h.app, 'POST', `/api/meetings/bookings/${moved.body.booking.id}/reschedule`, { key, body: { start: '2027-02-01T10:00:00Z' } });
    expect(past.status).toBe(422);

    // Moving it to the time it already has changes nothing and says so.
    const before = await countBookings();
    const sameTime = await call(h.app, 'POST', `/api/meetings/bookings/${moved.body.booking.id}/reschedule`, { key, body: { start: '2027-03-05T16:30:00+05:30' } });
    expect(sameTime.status).toBe(400);
    expect(expectErrorShape(sameTime)).toMatchObject({ code: 'invalid_input', field: 'start' });
    expect(sameTime.body.error.message).toContain('already starts at 2027-03-05T11:00:00.000Z');
    expect(await countBookings()).toBe(before);
    const still = await call(h.app, 'GET', `/api/meetings/bookings/${moved.body.booking.id}`, { key });
    expect(still.body.booking).toMatchObject({ status: 'confirmed', startUtc: '2027-03-05T11:00:00.000Z', rescheduledToId: null });
  });

  it('makes a reschedule retry with the same Idempotency-Key safe', async () => {
    const original = (await book({ start: '2027-03-10T10:00:00Z' })).body.booking;
    const move = () =>
      call(h.app, 'POST', `/api/meetings/bookings/${original.id}/reschedule`, { key, body: { start: '2027-03-10T12:00:00Z' }, headers: { 'Idempotency-Key': 'move-1' } });
    const first = await move();
    expect(first.status).toBe(200);
    expect(first.headers.get('Idempotent-Replayed')).toBeNull();
    const count = await countBookings();
    const retry = await move();
    expect(retry.status).toBe(200);
    expect(retry.headers.get('Idempotent-Replayed')).toBe('true');
    expect(retry.body.booking.id).toBe(first.body.booking.id);
    expect(await countBookings()).toBe(count);
  });

  it('answers 409 with next slots when a reschedule lands on a taken slot, and leaves the booking as it was', async () => {
    await book({ start: '2027-03-08T10:00:00Z', organizerId: 'U0CAL' });
    const mine = (await book({ start: '2027-03-08T09:00:00Z', hostIds: ['U0CAL'] })).body.booking;
    const clash = await call(h.app, 'POST', `/api/meetings/bookings/${mine.id}/reschedule`, { key, body: { start: '2027-03-08T10:00:00Z' } });
    expect(clash.status).toBe(409);
    expect(expectErrorShape(clash).code).toBe('slot_taken');
    expect(clash.body.nextSlots[0].startUtc).toBe('2027-03-08T10:30:00.000Z');
    const still = await call(h.app, 'GET', `/api/meetings/bookings/${mine.id}`, { key });
    expect(still.body.booking).toMatchObject({ status: 'confirmed', startUtc: '2027-03-08T09:00:00.000Z', rescheduledToId: null });
  });

  it('cancels with a reason; cancelling again changes nothing; the slot is free again', async () => {
    const b = (await book({ start: '2027-03-09T13:00:00Z' })).body.booking;
    const cancelled = await call(h.app, 'POST', `/api/meetings/bookings/${b.id}/cancel`, { key, body: { reason: 'Customer rescheduled by phone', actorId: 'U0ANA' } });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.booking).toMatchObject({ status: 'cancelled', cancelReason: 'Customer rescheduled by phone', cancelledBy: 'U0ANA' });
    const twice = await call(h.app, 'POST', `/api/meetings/bookings/${b.id}/cancel`, { key, body: { reason: 'again' } });
    expect(twice.status).toBe(200);
    expect(twice.body.booking).toMatchObject({ cancelReason: 'Customer rescheduled by phone', cancelledAt: cancelled.body.booking.cancelledAt });
    expect((await book({ start: '2027-03-09T13:00:00Z' })).status).toBe(201);

    const unknown = await call(h.app, 'POST', '/api/meetings/bookings/00000000-0000-4000-8000-000000000000/cancel', { key, body: {} });
    expect(unknown.status).toBe(404);
    expect(expectErrorShape(unknown)).toMatchObject({ code: 'not_found', field: 'id' });
    const badId = await call(h.app, 'POST', '/api/meetings/bookings/42/cancel', { key, body: {} });
    expect(badId.status).toBe(400);
    expect(expectErrorShape(badId).field).toBe('id');
    const longReason = await call(h.app, 'POST', `/api/meetings/bookings/${b.id}/cancel`, { key, body: { reason: 'x'.repeat(1001) } });
    expect(expectErrorShape(longReason).field).toBe('reason');
  });

  it('answers 404 for a booking that does not exist, and 400 for an id that cannot be one', async () => {
    const missing = await call(h.app, 'GET', '/api/meetings/bookings/00000000-0000-4000-8000-000000000000', { key });
    expect(missing.status).toBe(404);
    expect(expectErrorShape(missing)).toMatchObject({ code: 'not_found', message: 'Booking 00000000-0000-4000-8000-000000000000 was not found', field: 'id' });
    const bad = await call(h.app, 'GET', '/api/meetings/bookings/not-an-id', { key });
    expect(bad.status).toBe(400);
    expect(expectErrorShape(bad)).toMatchObject({ code: 'invalid_input', field: 'id' });
  });

  it('lists the people in the order they were given, whenever the booking is read and through a move', async () => {
    const guests = ['Zoe', 'Abe', 'Mia', 'Bo', 'Lin', 'Eve'].map((name) => ({ name, email: `${name.toLowerCase()}@example.org` }));
    const given = [['organizer', 'U0ANA'], ['host', 'U0CAL'], ...guests.map((g) => ['guest', g.name])];
    const who = (b: any) => b.participants.map((p: any) => [p.role, p.personId ?? p.guestName]);
    const created = await book({ start: '2027-03-16T10:00:00Z', hostIds: ['U0CAL'], guests });
    expect(created.status).toBe(201);
    const id = created.body.booking.id;
    expect(who(created.body.booking)).toEqual(given);
    expect(who((await call(h.app, 'GET', `/api/meetings/bookings/${id}`, { key })).body.booking)).toEqual(given);
    const listed = await call(h.app, 'GET', '/api/meetings/bookings?personId=U0CAL&from=2027-03-16T00:00:00Z&to=2027-03-17T00:00:00Z', { key });
    expect(listed.body.bookings.map(who)).toEqual([given]);
    const moved = await call(h.app, 'POST', `/api/meetings/bookings/${id}/reschedule`, { key, body: { start: '2027-03-16T10:30:00Z' } });
    expect(moved.status).toBe(200);
    expect(who(moved.body.booking)).toEqual(given);
    expect(who((await call(h.app, 'GET', `/api/meetings/bookings/${moved.body.booking.id}`, { key })).body.booking)).toEqual(given);
  });
});
