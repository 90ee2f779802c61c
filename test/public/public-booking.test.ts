import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createBooking, getBooking, getCurrentBooking, listBookings, rescheduleBooking } from '../../src/bookings/index.js';
import { bookingEvents } from '../../src/db/schema.js';
import { withTeam } from '../../src/db/tenant.js';
import { databaseKinds } from '../support/databases.js';
import { T, booking, openPublicHarness, pageData, request, type PublicHarness } from './support.js';

const NOW = new Date('2027-03-01T08:00:00Z'); // a Monday; Ana and Ben work 9 to 5 in London (UTC until 28 March)

describe.each(databaseKinds())('public booking pages on %s', (kind) => {
  let h: PublicHarness;
  let app: ReturnType<PublicHarness['app']>;
  beforeAll(async () => {
    h = await openPublicHarness(kind, NOW);
    app = h.app();
  });
  afterAll(() => h?.close());

  const confirmationOf = async (path: string, body: Record<string, unknown>) => {
    const answer = await request(app, 'POST', path, { json: body });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    return answer.body.confirmationUrl as string;
  };

  it('shows the meeting, its hosts and free times, and nothing of other meetings', async () => {
    await createBooking(h.handle.db, T, { meetingTypeId: h.team.types.m30.id, organizerId: 'U0ANA', hostIds: ['U0CAL'], start: '2027-03-01T10:00:00Z', source: 'api', title: 'Secret roadmap', guests: [{ name: 'Olga Outsider', email: 'olga@example.com' }] }, { now: NOW });
    await h.link({ slug: 'intro', title: 'Intro call', description: 'A first call.', questions: [{ label: 'Company', required: true }] });
    const page = await request(app, 'GET', '/book/T0PUBLIC/intro');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.text).toContain('Intro call');
    expect(page.text).toContain('With Person U0ANA');
    for (const secret of ['Secret roadmap', 'Olga', 'U0CAL', 'Person U0CAL', 'olga@example.com']) expect(page.text).not.toContain(secret);
    const data = pageData(page.text);
    expect(data).toMatchObject({ mode: 'book', title: 'Intro call', durationMinutes: 30, submitUrl: '/book/T0PUBLIC/intro', slotsUrl: '/book/T0PUBLIC/intro/slots', fallbackTimeZone: 'Europe/London' });
    expect(data.form.questions).toEqual([{ id: 'q1', label: 'Company', required: true, multiline: false }]);
    expect(data.initial.slots.slice(0, 3)).toEqual(['2027-03-01T09:00:00.000Z', '2027-03-01T09:30:00.000Z', '2027-03-01T10:30:00.000Z']);

    const slots = await request(app, 'GET', '/book/T0PUBLIC/intro/slots?from=2027-03-02T00:00:00Z&to=2027-03-03T00:00:00Z');
    expect(slots.status).toBe(200);
    expect(Object.keys(slots.body)).toEqual(['slots']);
    expect(slots.body.slots).toHaveLength(16);
    expect(slots.body.slots.every((s: unknown) => typeof s === 'string')).toBe(true);
    const tooLong = await request(app, 'GET', '/book/T0PUBLIC/intro/slots?from=2027-03-02T00:00:00Z&to=2027-06-03T00:00:00Z');
    expect(tooLong.status).toBe(400);
  });

  it('answers an unknown, malformed or turned-off link with a friendly 404 page', async () => {
    const off = await h.link({ slug: 'paused' });
    const turnedOff = await request(app, 'DELETE', `/api/meetings/booking-links/${off.id}`);
    expect(turnedOff.status).toBe(401);
    const api = await app.request(`/api/meetings/booking-links/${off.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${h.key}` } });
    expect(api.status).toBe(200);
    for (const path of ['/book/T0PUBLIC/nope', '/book/not-a-team/intro', '/book/T0PUBLIC/Bad_Slug!', '/book/T0OTHER/intro', '/book/T0PUBLIC/paused']) {
      const page = await request(app, 'GET', path);
      expect(page.status, path).toBe(404);
      expect(page.text).toContain('This booking page is not available');
    }
    expect((await request(app, 'GET', '/book/T0PUBLIC/paused/slots?from=2027-03-02T00:00:00Z&to=2027-03-03T00:00:00Z')).status).toBe(404);
    expect((await request(app, 'POST', '/book/T0PUBLIC/paused', { json: booking('2027-03-02T09:00:00Z') })).status).toBe(404);
  });

  it('books: the confirmation page has the guest\'s own join link, the calendar files and the manage link', async () => {
    const url = await confirmationOf('/book/T0PUBLIC/intro', booking('2027-03-02T09:00:00Z', { timeZone: 'America/New_York', notes: 'About the invoice', answers: { q1: 'Acme' } }));
    expect(url).toMatch(/^\/book\/manage\/[\w-]+\.[\w-]+\?booked=1&tz=America%2FNew_York$/);
    const [made] = (await listBookings(h.handle.db, T, { from: new Date('2027-03-02T09:00:00Z'), to: new Date('2027-03-02T09:01:00Z') })).bookings;
    expect(made).toMatchObject({ source: 'web', title: 'Intro call with Dana Guest', notes: 'About the invoice', organizerId: 'U0ANA', answers: [{ questionId: 'q1', label: 'Company', answer: 'Acme' }] });
    expect(made!.participants.map((p) => [p.role, p.slackUserId ?? p.guestName, p.guestEmail])).toEqual([
      ['organizer', 'U0ANA', null],
      ['guest', 'Dana Guest', 'dana@example.com'],
    ]);
    const events = await withTeam(h.handle.db, T, (tx) => tx.select().from(bookingEvents).where(eq(bookingEvents.bookingId, made!.id)));
    expect(events.map((e) => [e.kind, e.payload])).toEqual([['booking.created', { source: 'web', actorId: 'U0ANA' }]]);

    const page = await request(app, 'GET', url);
    expect(page.status).toBe(200);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.text).toContain('You are booked');
    expect(page.text).toContain('Tuesday, 2 March 2027, 04:00 – 04:30 (America/New York)');
    expect(page.text).toContain('these links are only shown here');
    const join = /href="(https:\/\/meet\.test\/m\/[^"]+)" id="join-link"/.exec(page.text)![1]!.replace(/&amp;/g, '&');
    expect(join).toContain(`/m/${made!.id}?k=`);
    const call = await request(app, 'GET', join.replace('https://meet.test', ''));
    expect(call.status).toBe(200);
    expect(call.text).toContain('Joining as <strong>Dana Guest</strong>');
    const ics = await request(app, 'GET', `${url.split('?')[0]}/meeting.ics`);
    expect(ics.headers.get('content-type')).toContain('text/calendar');
    expect(ics.text).toContain(`UID:${made!.meetingId}@meetings-for-slack`);
    // The file's own join link (signed when the file was made, so its expiry may differ by a second) lets the same guest in.
    const icsJoin = /\nLOCATION:(https:\/\/meet\.test\/m\/\S+)/.exec(ics.text.replace(/\r\n /g, '').replace(/\r\n/g, '\n'))![1]!;
    expect(icsJoin.split('?')[0]).toBe(join.split('?')[0]);
    const callFromFile = await request(app, 'GET', icsJoin.replace('https://meet.test', ''));
    expect(callFromFile.status).toBe(200);
    expect(callFromFile.text).toContain('Joining as <strong>Dana Guest</strong>');
    expect(page.text).toContain('https://calendar.google.com/calendar/render?action=TEMPLATE');
    expect(page.text).toContain('dates=20270302T090000Z%2F20270302T093000Z');
  });

  it('makes one booking of a double submit (the page\'s idempotency key)', async () => {
    const body = booking('2027-03-02T10:00:00Z', { answers: { q1: 'Acme' } });
    const [a, b] = await Promise.all([request(app, 'POST', '/book/T0PUBLIC/intro', { json: body }), request(app, 'POST', '/book/T0PUBLIC/intro', { json: body })]);
    expect([a.status, b.status].sort()).toEqual([200, 201]);
    expect(a.body.confirmationUrl).toBe(b.body.confirmationUrl);
    const made = await listBookings(h.handle.db, T, { from: new Date('2027-03-02T10:00:00Z'), to: new Date('2027-03-02T10:01:00Z') });
    expect(made.bookings).toHaveLength(1);
  });

  it('refuses a wrong email, a missing required answer, text too long or with NUL, and the honeypot, next to each field, storing nothing', async () => {
    const start = '2027-03-02T11:00:00Z';
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ email: 'dana@' }, 'email', /email address such as/],
      [{ answers: {} }, 'answers.q1', /answer this question/],
      [{ name: 'x'.repeat(201), answers: { q1: 'Acme' } }, 'name', /under 201 characters/],
      [{ name: 'Da\u0000na', answers: { q1: 'Acme' } }, 'name', /NUL/],
      [{ notes: 'n'.repeat(3001), answers: { q1: 'Acme' } }, 'notes', /under 3001/],
    ];
    for (const [change, field, message] of cases) {
      const answer = await request(app, 'POST', '/book/T0PUBLIC/intro', { json: booking(start, change) });
      expect(answer.status, field).toBe(400);
      expect(answer.body.fields[field]).toMatch(message);
    }
    const bot = await request(app, 'POST', '/book/T0PUBLIC/intro', { json: booking(start, { answers: { q1: 'Acme' }, website: 'http://spam.example' }) });
    expect(bot.status).toBe(400);
    expect(bot.body.error.code).toBe('rejected');
    const badStart = await request(app, 'POST', '/book/T0PUBLIC/intro', { json: booking('2300-01-01T00:00:00Z', { answers: { q1: 'Acme' } }) });
    expect(badStart.status).toBe(400);
    expect(badStart.body.error.field).toBe('start');
    expect((await listBookings(h.handle.db, T, { from: new Date(start), to: new Date('2027-03-02T11:01:00Z') })).bookings).toEqual([]);
  });

  it('answers a time taken meanwhile with 409, and the fresh times no longer offer it', async () => {
    await createBooking(h.handle.db, T, { meetingTypeId: h.team.types.m30.id, organizerId: 'U0ANA', start: '2027-03-02T13:00:00Z', source: 'slack' }, { now: NOW });
    const answer = await request(app, 'POST', '/book/T0PUBLIC/intro', { json: booking('2027-03-02T13:00:00Z', { answers: { q1: 'Acme' } }) });
    expect(answer.status).toBe(409);
    expect(answer.body.error).toMatchObject({ code: 'slot_taken', message: expect.stringMatching(/just taken/) });
    const slots = await request(app, 'GET', '/book/T0PUBLIC/intro/slots?from=2027-03-02T00:00:00Z&to=2027-03-03T00:00:00Z');
    expect(slots.body.slots).not.toContain('2027-03-02T13:00:00.000Z');
  });

  it('round robin: the free host with the fewest of the link\'s bookings that month takes it, also when visitors race', async () => {
    await h.link({ slug: 'sales', mode: 'any', hostIds: ['U0ANA', 'U0BEN'], askNotes: false });
    const organizerAt = async (start: string) => (await listBookings(h.handle.db, T, { from: new Date(start), to: new Date(new Date(start).getTime() + 60_000) })).bookings.find((b) => b.source === 'web')!.organizerId;
    await confirmationOf('/book/T0PUBLIC/sales', booking('2027-03-03T09:00:00Z'));
    expect(await organizerAt('2027-03-03T09:00:00Z')).toBe('U0ANA'); // a tie goes to the first named
    await confirmationOf('/book/T0PUBLIC/sales', booking('2027-03-03T10:00:00Z'));
    expect(await organizerAt('2027-03-03T10:00:00Z')).toBe('U0BEN');
    // Ana is busy at 11:00 with a meeting of her own: Ben takes it although it is Ana's turn.
    await createBooking(h.handle.db, T, { meetingTypeId: h.team.types.m30.id, organizerId: 'U0ANA', start: '2027-03-03T11:00:00Z', source: 'slack' }, { now: NOW });
    await confirmationOf('/book/T0PUBLIC/sales', booking('2027-03-03T11:00:00Z'));
    expect(await organizerAt('2027-03-03T11:00:00Z')).toBe('U0BEN');

    // Four visitors at once for the same time: both hosts are booked once, the others are told it was taken.
    const answers = await Promise.all([1, 2, 3, 4].map(() => request(app, 'POST', '/book/T0PUBLIC/sales', { json: booking('2027-03-03T14:00:00Z') })));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 201, 409, 409]);
    const at14 = (await listBookings(h.handle.db, T, { from: new Date('2027-03-03T14:00:00Z'), to: new Date('2027-03-03T14:01:00Z') })).bookings;
    expect(at14.map((b) => b.organizerId).sort()).toEqual(['U0ANA', 'U0BEN']);
    // The slot is gone for the link only once nobody is free.
    const slots = await request(app, 'GET', '/book/T0PUBLIC/sales/slots?from=2027-03-03T00:00:00Z&to=2027-03-04T00:00:00Z');
    expect(slots.body.slots).not.toContain('2027-03-03T14:00:00.000Z');
    expect(slots.body.slots).toContain('2027-03-03T11:30:00.000Z');
  });

  it('all of several: offered only when everyone is free, and booked with everyone', async () => {
    await h.link({ slug: 'team-demo', mode: 'all', hostIds: ['U0BEN', 'U0CAL'], askNotes: false });
    const slots = await request(app, 'GET', '/book/T0PUBLIC/team-demo/slots?from=2027-03-04T00:00:00Z&to=2027-03-05T00:00:00Z');
    // Ben works 09:00–17:00 UTC, Cal 09:00–17:00 in Kolkata (03:30–11:30 UTC): together 09:00–11:30.
    expect(slots.body.slots).toEqual(['2027-03-04T09:00:00.000Z', '2027-03-04T09:30:00.000Z', '2027-03-04T10:00:00.000Z', '2027-03-04T10:30:00.000Z', '2027-03-04T11:00:00.000Z']);
    await confirmationOf('/book/T0PUBLIC/team-demo', booking('2027-03-04T10:00:00Z'));
    const [made] = (await listBookings(h.handle.db, T, { personId: 'U0CAL', from: new Date('2027-03-04T10:00:00Z'), to: new Date('2027-03-04T10:01:00Z') })).bookings;
    expect(made!.participants.map((p) => [p.role, p.slackUserId ?? p.guestName])).toEqual([
      ['organizer', 'U0BEN'],
      ['host', 'U0CAL'],
      ['guest', 'Dana Guest'],
    ]);
  });

  it('the manage link follows the meeting, moves it, cancels it with a reason, and then says plainly that it was cancelled', async () => {
    const url = await confirmationOf('/book/T0PUBLIC/intro', booking('2027-03-05T09:00:00Z', { answers: { q1: 'Acme' } }));
    const path = url.split('?')[0]!;
    const [first] = (await listBookings(h.handle.db, T, { from: new Date('2027-03-05T09:00:00Z'), to: new Date('2027-03-05T09:01:00Z') })).bookings;
    // The host moves it in Slack: the link shows the new time and a join link to the moved meeting.
    const moved = await rescheduleBooking(h.handle.db, T, { bookingId: first!.id, start: '2027-03-05T10:00:00Z', actorId: 'U0ANA' }, { now: NOW });
    const page = await request(app, 'GET', `${path}?tz=Europe/London`);
    expect(page.text).toContain('Friday, 5 March 2027, 10:00 – 10:30 (Europe/London)');
    expect(page.text).toContain(`/m/${moved.booking.id}?k=`);

    // The guest moves it: the reschedule page is the calendar again, for the same hosts.
    const reschedulePage = await request(app, 'GET', `${path}/reschedule`);
    expect(reschedulePage.status).toBe(200);
    expect(pageData(reschedulePage.text)).toMatchObject({ mode: 'reschedule', submitUrl: `${path}/reschedule`, currentStart: '2027-03-05T10:00:00.000Z' });
    const move = await request(app, 'POST', `${path}/reschedule`, { json: { start: '2027-03-05T14:00:00Z', timeZone: 'Europe/London', idempotencyKey: crypto.randomUUID() } });
    expect(move.status).toBe(200);
    expect(move.body.confirmationUrl).toBe(`${path}?moved=1&tz=Europe%2FLondon`);
    const afterMove = await getCurrentBooking(h.handle.db, T, first!.meetingId);
    expect(afterMove!.startsAt.toISOString()).toBe('2027-03-05T14:00:00.000Z');
    const dana = afterMove!.participants.find((p) => p.role === 'guest')!;
    expect((await getBooking(h.handle.db, T, moved.booking.id)).cancelledBy).toBe(`guest:${dana.guestId}`);
    expect((await request(app, 'GET', move.body.confirmationUrl)).text).toContain('Your meeting was moved');
    // The same move sent again with a fresh key (a reloaded form): it is already there, nothing moves again.
    const again = await request(app, 'POST', `${path}/reschedule`, { json: { start: '2027-03-05T14:00:00Z', timeZone: 'Europe/London', idempotencyKey: crypto.randomUUID() } });
    expect(again.status).toBe(200);
    expect(again.body.confirmationUrl).toBe(`${path}?moved=1&tz=Europe%2FLondon`);
    expect((await getCurrentBooking(h.handle.db, T, first!.meetingId))!.id).toBe(afterMove!.id);

    const cancel = await request(app, 'POST', `${path}/cancel`, { form: { reason: 'Found the answer in the docs' } });
    expect(cancel.status).toBe(303);
    expect(cancel.headers.get('location')).toBe(path);
    const cancelled = await getCurrentBooking(h.handle.db, T, first!.meetingId);
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelledBy: `guest:${dana.guestId}`, cancelReason: 'Found the answer in the docs' });
    const after = await request(app, 'GET', path);
    expect(after.text).toContain('This meeting was cancelled');
    expect(after.text).toContain('It was cancelled by you: “Found the answer in the docs”');
    expect(after.text).toContain('href="/book/T0PUBLIC/intro"');
    expect(after.text).not.toContain('id="join-link"');
    expect((await request(app, 'GET', `${path}/reschedule`)).status).toBe(303);
    expect((await request(app, 'POST', `${path}/reschedule`, { json: { start: '2027-03-05T15:00:00Z', timeZone: 'UTC', idempotencyKey: crypto.randomUUID() } })).status).toBe(410);

    // A forged or damaged link says so.
    const forged = await request(app, 'GET', `${path.slice(0, -3)}abc`);
    expect(forged.status).toBe(403);
    expect(forged.text).toContain('This link is not valid');
  });

  it('says whether email goes out: without SMTP the links are only shown on the page', async () => {
    const withEmail = h.app({ config: { email: { smtpUrl: 'smtp://localhost:2525', from: 'meet@example.com' } } });
    const url = await confirmationOf('/book/T0PUBLIC/intro', booking('2027-03-08T09:00:00Z', { answers: { q1: 'Acme' } }));
    expect((await request(app, 'GET', url)).text).toContain('these links are only shown here');
    const page = await request(withEmail, 'GET', url);
    expect(page.text).toContain('We sent these links to dana@example.com by email');
    expect(page.text).not.toContain('only shown here');
  });

  it('rate limits per address and per link are kept in the database, so two app processes share them: 429 with Retry-After', async () => {
    const limits = { readsPerAddress: { limit: 3, windowMs: 60_000 }, bookingsPerLink: { limit: 2, windowMs: 60_000 } };
    const [one, two] = [h.app({ limits }), h.app({ limits })];
    await h.link({ slug: 'limited', askNotes: false });
    await h.link({ slug: 'limited-too', askNotes: false });
    expect((await request(one, 'GET', '/book/T0PUBLIC/limited', { ip: '198.51.100.7' })).status).toBe(200);
    expect((await request(two, 'GET', '/book/T0PUBLIC/limited', { ip: '198.51.100.7' })).status).toBe(200);
    expect((await request(one, 'GET', '/book/T0PUBLIC/limited/slots?from=2027-03-09T00:00:00Z&to=2027-03-10T00:00:00Z', { ip: '198.51.100.7' })).status).toBe(200);
    const refused = await request(two, 'GET', '/book/T0PUBLIC/limited', { ip: '198.51.100.7' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(refused.text).toContain('Slow down a little');
    const slots = await request(one, 'GET', '/book/T0PUBLIC/limited/slots?from=2027-03-09T00:00:00Z&to=2027-03-10T00:00:00Z', { ip: '198.51.100.7' });
    expect(slots.status).toBe(429);
    expect(slots.body.error.code).toBe('rate_limited');
    expect((await request(two, 'GET', '/book/T0PUBLIC/limited', { ip: '198.51.100.8' })).status).toBe(200);

    // Bookings of one link, from anywhere.
    const statuses = [];
    for (const [i, app] of [one, two, one].entries()) {
      statuses.push((await request(app, 'POST', '/book/T0PUBLIC/limited', { ip: `192.0.2.${i + 1}`, json: booking(`2027-03-09T1${i}:00:00Z`) })).status);
    }
    expect(statuses).toEqual([201, 201, 429]);
    expect((await request(one, 'POST', '/book/T0PUBLIC/limited-too', { ip: '192.0.2.9', json: booking('2027-03-09T15:00:00Z') })).status).toBe(201);
  });
});
