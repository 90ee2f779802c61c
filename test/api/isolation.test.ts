import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../support/databases.js';
import { call, expectErrorShape, openApiHarness, type ApiHarness } from './support.js';

// Team B's key must see nothing of team A, on every route, exactly as if it did not exist.
const now = new Date('2027-02-26T12:00:00Z');
const A = 'T0TEAMA';
const B = 'T0TEAMB';

describe.each(databaseKinds())('cross-team isolation on %s', (kind) => {
  let h: ApiHarness;
  let keyA: string;
  let keyB: string;
  let typeA: any;
  let bookingA: any;

  beforeAll(async () => {
    h = await openApiHarness(kind, now);
    keyA = await h.keyFor(A);
    keyB = await h.keyFor(B);
    await call(h.app, 'PUT', '/api/meetings/availability/people/U0ANA', { key: keyA, body: { name: 'Ana of A', timeZone: 'Europe/London' } });
    await call(h.app, 'PUT', '/api/meetings/availability/people/U0ANA/schedule', {
      key: keyA,
      body: { timeZone: 'Europe/London', rules: [{ rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', start: '08:00', end: '18:00' }] },
    });
    typeA = (await call(h.app, 'POST', '/api/meetings/meeting-types', { key: keyA, body: { name: 'A only', durationMinutes: 30, slotIntervalMinutes: 30 } })).body;
    bookingA = (await call(h.app, 'POST', '/api/meetings/bookings', { key: keyA, body: { meetingTypeId: typeA.id, organizerId: 'U0ANA', start: '2027-03-01T10:00:00Z' } })).body.booking;
    expect(bookingA.id).toBeDefined();
  });
  afterAll(() => h?.close());

  const asB = (method: string, path: string, body?: unknown) => call(h.app, method, `/api/meetings${path}`, { key: keyB, body });

  /** A 404 exactly like the one for an id nobody has. */
  const expectLikeNonexistent = async (result: Awaited<ReturnType<typeof asB>>, nonexistent: Awaited<ReturnType<typeof asB>>, realId: string, fakeId: string) => {
    expect(result.status).toBe(404);
    expect(nonexistent.status).toBe(404);
    const error = expectErrorShape(result);
    const reference = expectErrorShape(nonexistent);
    expect({ ...error, requestId: '', message: error.message.replace(realId, 'ID') }).toEqual({ ...reference, requestId: '', message: reference.message.replace(fakeId, 'ID') });
  };
  const fake = '00000000-0000-4000-8000-000000000000';

  it('hides team A\'s bookings from every bookings route', async () => {
    await expectLikeNonexistent(await asB('GET', `/bookings/${bookingA.id}`), await asB('GET', `/bookings/${fake}`), bookingA.id, fake);
    await expectLikeNonexistent(
      await asB('POST', `/bookings/${bookingA.id}/reschedule`, { start: '2027-03-01T11:00:00Z' }),
      await asB('POST', `/bookings/${fake}/reschedule`, { start: '2027-03-01T11:00:00Z' }),
      bookingA.id,
      fake,
    );
    await expectLikeNonexistent(
      await asB('POST', `/bookings/${bookingA.id}/cancel`, { reason: 'sabotage' }),
      await asB('POST', `/bookings/${fake}/cancel`, { reason: 'sabotage' }),
      bookingA.id,
      fake,
    );
    expect((await asB('GET', '/bookings?limit=100')).body).toEqual({ bookings: [], nextCursor: null });
    expect((await asB('GET', '/bookings?personId=U0ANA')).body.bookings).toEqual([]);
    // Team A's booking is untouched.
    const still = await call(h.app, 'GET', `/api/meetings/bookings/${bookingA.id}`, { key: keyA });
    expect(still.body.booking).toMatchObject({ status: 'confirmed', startUtc: '2027-03-01T10:00:00.000Z', cancelReason: null });
  });

  it('does not let team B book with team A\'s meeting type or people, nor see A\'s busy time', async () => {
    const withTypeA = await asB('POST', '/bookings', { meetingTypeId: typeA.id, organizerId: 'U0ANA', start: '2027-03-01T11:00:00Z' });
    expect(withTypeA.status).toBe(404);
    expect(expectErrorShape(withTypeA)).toMatchObject({ code: 'not_found', field: 'meetingTypeId' });
    const typeB = (await asB('GET', '/meeting-types')).body.meetingTypes[0];
    const personA = await asB('POST', '/bookings', { meetingTypeId: typeB.id, organizerId: 'U0ANA', start: '2027-03-01T11:00:00Z' });
    expect(personA.status).toBe(404);
    expect(expectErrorShape(personA)).toMatchObject({ code: 'not_found', message: 'Person U0ANA was not found' });

    // Team B's own U0ANA (Slack ids are per workspace) is a different person with free time at A's booking.
    await asB('PUT', '/availability/people/U0ANA', { name: 'Ana of B', timeZone: 'Europe/London' });
    const slots = await asB('GET', `/availability?meetingTypeId=${typeB.id}&hostIds=U0ANA&from=2027-03-01T00:00:00Z&to=2027-03-02T00:00:00Z`);
    expect(slots.status).toBe(200);
    expect(slots.body.slots.map((s: any) => s.startUtc)).toContain('2027-03-01T10:00:00.000Z');
    const ownBooking = await asB('POST', '/bookings', { meetingTypeId: typeB.id, organizerId: 'U0ANA', start: '2027-03-01T10:00:00Z' });
    expect(ownBooking.status).toBe(201);
    expect((await call(h.app, 'GET', '/api/meetings/availability/people/U0ANA', { key: keyA })).body.name).toBe('Ana of A');
  });

  it('hides team A\'s meeting types from every meeting-types route and from availability', async () => {
    expect((await asB('GET', '/meeting-types?includeInactive=true')).body.meetingTypes.map((t: any) => t.id)).not.toContain(typeA.id);
    for (const [method, body] of [['GET'], ['PATCH', { name: 'hijacked' }], ['DELETE']] as const) {
      await expectLikeNonexistent(await asB(method, `/meeting-types/${typeA.id}`, body), await asB(method, `/meeting-types/${fake}`, body), typeA.id, fake);
    }
    await expectLikeNonexistent(
      await asB('GET', `/availability?meetingTypeId=${typeA.id}&hostIds=U0ANA`),
      await asB('GET', `/availability?meetingTypeId=${fake}&hostIds=U0ANA`),
      typeA.id,
      fake,
    );
    const own = await call(h.app, 'GET', `/api/meetings/meeting-types/${typeA.id}`, { key: keyA });
    expect(own.body).toMatchObject({ name: 'A only', active: true });

    // Names are unique per team: B may use A's name, and A never sees B's type.
    const sameName = await asB('POST', '/meeting-types', { name: 'A only', durationMinutes: 45, slotIntervalMinutes: 15 });
    expect(sameName.status).toBe(201);
    const listA = await call(h.app, 'GET', '/api/meetings/meeting-types?includeInactive=true', { key: keyA });
    expect(listA.body.meetingTypes.map((t: any) => t.id)).not.toContain(sameName.body.id);
    expect(listA.body.meetingTypes.filter((t: any) => t.name === 'A only')).toHaveLength(1);
  });

  it('hides team A\'s people and schedules', async () => {
    const keyC = await h.keyFor('T0TEAMC');
    const asC = (method: string, path: string, body?: unknown) => call(h.app, method, `/api/meetings${path}`, { key: keyC, body });
    await expectLikeNonexistent(await asC('GET', '/availability/people/U0ANA'), await asC('GET', '/availability/people/U0NOBODY'), 'U0ANA', 'U0NOBODY');
    await expectLikeNonexistent(await asC('GET', '/availability/people/U0ANA/schedule'), await asC('GET', '/availability/people/U0NOBODY/schedule'), 'U0ANA', 'U0NOBODY');
    const schedule = { timeZone: 'Asia/Tokyo', rules: [] };
    await expectLikeNonexistent(
      await asC('PUT', '/availability/people/U0ANA/schedule', schedule),
      await asC('PUT', '/availability/people/U0NOBODY/schedule', schedule),
      'U0ANA',
      'U0NOBODY',
    );
    const typeC = (await asC('GET', '/meeting-types')).body.meetingTypes[0];
    await expectLikeNonexistent(
      await asC('GET', `/availability?meetingTypeId=${typeC.id}&hostIds=U0ANA`),
      await asC('GET', `/availability?meetingTypeId=${typeC.id}&hostIds=U0NOBODY`),
      'U0ANA',
      'U0NOBODY',
    );
    const scheduleA = await call(h.app, 'GET', '/api/meetings/availability/people/U0ANA/schedule', { key: keyA });
    expect(scheduleA.body).toMatchObject({ timeZone: 'Europe/London', isDefault: false });
  });
});
