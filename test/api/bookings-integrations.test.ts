import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyJoinToken } from '../../src/video/links.js';
import { databaseKinds } from '../support/databases.js';
import { call, expectErrorShape, openApiHarness, type ApiHarness } from './support.js';

// Friday 26 February 2027, noon UTC; Monday 1 March is the first working day after it.
const now = new Date('2027-02-26T12:00:00Z');
const T = 'T0INTEG';
const LINK_SECRET = 'test-link-secret-test-link-secret-0123';

/** What an integration (a help center, a ticket system) needs from booking answers and lists. */
describe.each(databaseKinds())('bookings for integrations on %s', (kind) => {
  let h: ApiHarness;
  let key: string;
  let types: Record<number, string>;

  beforeAll(async () => {
    h = await openApiHarness(kind, now);
    key = await h.keyFor(T);
    for (const [id, timeZone, email] of [
      ['U0ANA', 'Europe/London', 'Ana@Example.com'],
      ['U0BEN', 'America/New_York', 'ben@example.com'],
    ] as const) {
      expect((await call(h.app, 'PUT', `/api/meetings/availability/people/${id}`, { key, body: { name: `Person ${id}`, email, timeZone } })).status).toBe(200);
    }
    const listed = await call(h.app, 'GET', '/api/meetings/meeting-types', { key });
    types = Object.fromEntries(listed.body.meetingTypes.map((t: any) => [t.durationMinutes, t.id]));
  });
  afterAll(() => h?.close());

  const book = (body: Record<string, unknown>) => call(h.app, 'POST', '/api/meetings/bookings', { key, body: { meetingTypeId: types[30], organizerId: 'U0ANA', ...body } });

  it('answers 201 with Location, every participant\'s own join link, the .ics links, the ticket and the metadata', async () => {
    const created = await book({
      start: '2027-03-01T15:00:00Z',
      hostIds: ['U0BEN'],
      guests: [{ name: 'Dana Guest', email: 'dana@example.org' }],
      externalReference: { id: 'HD-1', url: 'https://help.example.com/tickets/1' },
      metadata: { customer: { id: 42, plan: 'gold' }, channel: 'chat' },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const b = created.body.booking;
    expect(created.headers.get('Location')).toBe(`/api/meetings/bookings/${b.id}`);
    expect((await call(h.app, 'GET', created.headers.get('Location')!, { key })).body.booking.id).toBe(b.id);
    expect(b).toMatchObject({ meetingId: b.id, externalReference: { id: 'HD-1', url: 'https://help.example.com/tickets/1' }, metadata: { customer: { id: 42, plan: 'gold' }, channel: 'chat' } });

    // Each join link is that person's own, signed for this booking, and opens the call page as them.
    const [ana, ben, dana] = b.participants;
    expect(dana).toMatchObject({ role: 'guest', guestName: 'Dana Guest', guestId: expect.any(String), calendarUrl: null });
    for (const [p, who] of [[ana, 'U0ANA'], [ben, 'U0BEN'], [dana, `guest:${dana.guestId}`]] as const) {
      const url = new URL(p.joinUrl);
      expect(url.pathname).toBe(`/m/${b.id}`);
      expect(await verifyJoinToken(LINK_SECRET, url.searchParams.get('k')!)).toMatchObject({ teamId: T, bookingId: b.id, participant: who });
      const page = await h.app.request(`${url.pathname}${url.search}`);
      expect(page.status).toBe(200);
    }
    const guestPage = await (await h.app.request(new URL(dana.joinUrl).pathname + new URL(dana.joinUrl).search)).text();
    expect(guestPage).toContain('Dana Guest');

    // The shared .ics, and a member's own (with their join link inside).
    const shared = await h.app.request(new URL(b.calendarUrl).pathname + new URL(b.calendarUrl).search);
    expect(shared.status).toBe(200);
    expect(shared.headers.get('content-type')).toContain('text/calendar');
    expect(await shared.text()).toContain(`UID:${b.id}@meetings-for-slack`);
    const own = await (await h.app.request(new URL(ben.calendarUrl).pathname + new URL(ben.calendarUrl).search)).text();
    expect(own.replace(/\r\n /g, '')).toContain(`/m/${b.id}?k=`);
  });

  it('keeps the ticket and metadata through a move, and shows no join links once cancelled', async () => {
    const created = (await book({ start: '2027-03-01T16:00:00Z', externalReference: { id: 'HD-2' }, metadata: { n: 1 } })).body.booking;
    const moved = await call(h.app, 'POST', `/api/meetings/bookings/${created.id}/reschedule`, { key, body: { start: '2027-03-02T10:00:00Z' } });
    expect(moved.status).toBe(200);
    expect(moved.body.booking).toMatchObject({ meetingId: created.id, externalReference: { id: 'HD-2', url: null }, metadata: { n: 1 } });
    expect(moved.body.previous.participants.every((p: any) => p.joinUrl === null)).toBe(true);
    expect(moved.body.booking.participants.every((p: any) => typeof p.joinUrl === 'string')).toBe(true);
  });

  it('lists by ticket, attendee email (guest or member, any case) and meeting type, sorted as asked, page by page', async () => {
    const made: Record<string, string> = {};
    for (const [name, body] of Object.entries({
      a: { start: '2027-03-03T09:00:00Z', externalReference: { id: 'HD-77' } },
      b: { start: '2027-03-03T10:00:00Z', externalReference: { id: 'HD-77' }, guests: [{ name: 'Sam', email: 'Sam@Example.org' }] },
      c: { start: '2027-03-03T11:00:00Z', meetingTypeId: types[60], externalReference: { id: 'HD-78' } },
      d: { start: '2027-03-03T15:00:00Z', hostIds: ['U0BEN'], externalReference: { id: 'HD-77' } },
    })) {
      const result = await book(body);
      expect(result.status, JSON.stringify(result.body)).toBe(201);
      made[name] = result.body.booking.id;
    }
    const ids = async (query: string) => (await call(h.app, 'GET', `/api/meetings/bookings?${query}`, { key })).body.bookings.map((x: any) => x.id);
    expect(await ids('externalRefId=HD-77')).toEqual([made.a, made.b, made.d]);
    expect(await ids('externalRefId=HD-77&sort=-start')).toEqual([made.d, made.b, made.a]);
    expect(await ids('externalRefId=HD-78')).toEqual([made.c]);
    expect(await ids('externalRefId=HD-79')).toEqual([]);
    expect(await ids('attendeeEmail=sam%40example.ORG')).toEqual([made.b]);
    expect(await ids(`attendeeEmail=BEN%40example.com&from=2027-03-03T00:00:00Z`)).toEqual([made.d]);
    expect(await ids(`meetingTypeId=${types[60]}&from=2027-03-03T00:00:00Z`)).toEqual([made.c]);
    expect(await ids(`meetingTypeId=${types[60]}&externalRefId=HD-77`)).toEqual([]);

    // Every sort pages through the same set without repeats or gaps.
    const from = 'from=2027-03-03T00:00:00Z&to=2027-03-04T00:00:00Z';
    for (const [sort, expected] of [
      ['start', [made.a, made.b, made.c, made.d]],
      ['-start', [made.d, made.c, made.b, made.a]],
      ['created', [made.a, made.b, made.c, made.d]],
      ['-created', [made.d, made.c, made.b, made.a]],
    ] as const) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: any = await call(h.app, 'GET', `/api/meetings/bookings?${from}&sort=${sort}&limit=3${cursor ? `&cursor=${cursor}` : ''}`, { key });
        expect(page.status, JSON.stringify(page.body)).toBe(200);
        seen.push(...page.body.bookings.map((x: any) => x.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen, sort).toEqual(expected);
    }
    // A cursor belongs to its sort.
    const first = await call(h.app, 'GET', `/api/meetings/bookings?${from}&sort=-start&limit=1`, { key });
    const mixed = await call(h.app, 'GET', `/api/meetings/bookings?${from}&sort=start&limit=1&cursor=${first.body.nextCursor}`, { key });
    expect(mixed.status).toBe(400);
    expect(expectErrorShape(mixed)).toMatchObject({ code: 'invalid_input', field: 'cursor' });
  });

  it('answers 201 with Location for a new meeting type and a new webhook endpoint', async () => {
    const type = await call(h.app, 'POST', '/api/meetings/meeting-types', { key, body: { name: 'Support call', durationMinutes: 20, slotIntervalMinutes: 20 } });
    expect(type.status).toBe(201);
    expect(type.headers.get('Location')).toBe(`/api/meetings/meeting-types/${type.body.id}`);
    const endpoint = await call(h.app, 'POST', '/api/meetings/webhooks/endpoints', { key, body: { url: 'https://help.example.com/hooks' } });
    expect(endpoint.status).toBe(201);
    expect(endpoint.headers.get('Location')).toBe(`/api/meetings/webhooks/endpoints/${endpoint.body.endpoint.id}`);
  });
});
