import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createApp } from '../../src/app.js';
import { createApiKey } from '../../src/api/keys.js';
import { createBooking, createBookingLink, updateMeetingType } from '../../src/bookings/index.js';
import { booking as publicBooking } from '../public/support.js';
import { connectAccount } from '../../src/calendars/connect.js';
import { CalendarRefresher } from '../../src/calendars/refresher.js';
import { computeHostSlots, defaultSchedule } from '../../src/core/availability/index.js';
import { withTeam } from '../../src/db/tenant.js';
import { databaseKinds } from '../support/databases.js';
import { seedTeam } from '../support/fixtures.js';
import { rawRows } from '../support/sql.js';
import { startCalendarTest, TEAM, type CalendarTest } from './support/calendar-app.js';
import { FeedServer, vcalendar, vevent } from './support/feed-server.js';

const now = new Date('2027-03-01T06:00:00Z');

describe('external busy time in the availability engine', () => {
  const schedule = defaultSchedule('U1', 'Europe/London');
  const query = { durationMinutes: 30, slotIntervalMinutes: 30, bufferBeforeMinutes: 0, bufferAfterMinutes: 0, minimumNoticeMinutes: 0, bookingHorizonDays: 30, now, from: new Date('2027-03-01T00:00:00Z'), to: new Date('2027-03-02T00:00:00Z') };
  const event = { start: new Date('2027-03-01T12:00:00Z'), end: new Date('2027-03-01T13:00:00Z'), external: true };

  it('is not counted by a daily limit, but blocks its time', () => {
    const slots = computeHostSlots({ schedule, busy: [event] }, { ...query, dailyLimit: 1 });
    expect(slots.length).toBe(14);
    expect(slots.some((s) => s.start.getTime() === event.start.getTime())).toBe(false);
    const booked = computeHostSlots({ schedule, busy: [{ ...event, external: false }] }, { ...query, dailyLimit: 1 });
    expect(booked).toEqual([]);
  });

  it('gets the meeting type\'s buffers around it', () => {
    const slots = computeHostSlots({ schedule, busy: [event] }, { ...query, dailyLimit: null, bufferBeforeMinutes: 15, bufferAfterMinutes: 15 });
    const starts = slots.map((s) => s.start.toISOString());
    expect(starts).not.toContain('2027-03-01T11:30:00.000Z');
    expect(starts).not.toContain('2027-03-01T13:00:00.000Z');
    expect(starts).toContain('2027-03-01T13:30:00.000Z');
  });
});

describe.each(databaseKinds())('busy time through the API and the background refresher, on %s', (kind) => {
  let t: CalendarTest;
  let feeds: FeedServer;
  let app: ReturnType<typeof createApp>;
  let key: string;

  beforeAll(async () => {
    feeds = await new FeedServer().start();
    t = await startCalendarTest(kind, now, { U0ANA: 'Europe/London', U0BEN: 'Europe/London' });
    await seedTeam(t.handle.db, 'T0OTHER', { U0ZED: 'Europe/Paris' });
    app = createApp({ db: t.handle.db, dbKind: t.handle.kind, config: t.config, now: () => t.clock.now });
    key = (await createApiKey(t.handle.db, { teamId: TEAM, name: 'tests' })).key;
  });
  afterAll(async () => {
    await t?.handle.close();
    await feeds?.stop();
  });

  const api = async (method: string, path: string, body?: unknown, apiKey = key) => {
    const response = await app.request(`/api/meetings${path}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: response.status === 204 ? null : await response.json() };
  };

  it('connects a feed through the API, and availability leaves its busy time out', async () => {
    const url = feeds.serve('/ana.ics', vcalendar(vevent({ UID: 'a', DTSTART: '20270301T100000Z', DTEND: '20270301T110000Z' })));
    const bad = await api('POST', '/people/U0ANA/calendar-accounts', { provider: 'ical', url: `${feeds.url}/nothing.ics` });
    expect(bad.status).toBe(422);
    expect(bad.body.error).toMatchObject({ code: 'calendar_refused' });
    const unknownPerson = await api('POST', '/people/U0NOBODY/calendar-accounts', { provider: 'ical', url });
    expect(unknownPerson.status).toBe(404);
    const created = await api('POST', '/people/U0ANA/calendar-accounts', { provider: 'ical', url, name: 'Work feed' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ provider: 'ical', label: 'Work feed', status: 'ok', calendars: [{ name: 'Work feed', countsAsBusy: true, addBookings: false, canWrite: false }] });
    const readOnly = await api('PATCH', `/people/U0ANA/calendars/${created.body.calendars[0].id}`, { addBookings: true });
    expect(readOnly.status).toBe(422);

    const slots = await api('GET', `/availability?meetingTypeId=${t.team.types.m30.id}&hostIds=U0ANA&from=2027-03-01T09:00:00Z&to=2027-03-01T12:00:00Z`);
    expect(slots.status).toBe(200);
    expect(slots.body.slots.map((s: any) => s.startUtc)).toEqual(['2027-03-01T09:00:00.000Z', '2027-03-01T09:30:00.000Z', '2027-03-01T11:00:00.000Z', '2027-03-01T11:30:00.000Z']);
    expect(slots.body.unreadCalendars).toEqual([]);

    // Another team's key sees nothing of Ana's calendars.
    const otherKey = (await createApiKey(t.handle.db, { teamId: 'T0OTHER', name: 'other' })).key;
    expect((await api('GET', '/people/U0ANA/calendar-accounts', undefined, otherKey)).status).toBe(404);
  });

  it('the public booking page leaves the calendar busy time out, and refuses it at booking time', async () => {
    await withTeam(t.handle.db, TEAM, (tx) => createBookingLink(tx, TEAM, { meetingTypeId: t.team.types.m30.id, mode: 'one', hostIds: ['U0ANA'], slug: 'ana' }, 'U0ANA'));
    const slots = await app.request(`/book/${TEAM}/ana/slots?from=2027-03-01T09:00:00Z&to=2027-03-01T12:00:00Z`);
    expect(slots.status).toBe(200);
    expect(((await slots.json()) as { slots: string[] }).slots).toEqual([
      '2027-03-01T09:00:00.000Z',
      '2027-03-01T09:30:00.000Z',
      '2027-03-01T11:00:00.000Z',
      '2027-03-01T11:30:00.000Z',
    ]);
    const taken = await app.request(`/book/${TEAM}/ana`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(publicBooking('2027-03-01T10:00:00Z')) });
    expect(taken.status).toBe(409);
    expect((await app.request(`/book/${TEAM}/ana`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(publicBooking('2027-03-01T11:00:00Z')) })).status).toBe(201);
  });

  it('availability names a calendar it could not read', async () => {
    feeds.serve('/ana.ics', { status: 500, body: 'oops' });
    t.clock.now = new Date(now.getTime() + 10 * 60_000);
    const slots = await api('GET', `/availability?meetingTypeId=${t.team.types.m30.id}&hostIds=U0ANA&from=2027-03-01T09:00:00Z&to=2027-03-01T12:00:00Z`);
    expect(slots.body.unreadCalendars).toEqual([expect.objectContaining({ personId: 'U0ANA', calendar: 'Work feed', provider: 'ical', reason: expect.stringContaining('500') })]);
    // The busy time last read still counts.
    expect(slots.body.slots.map((s: any) => s.startUtc)).not.toContain('2027-03-01T10:00:00.000Z');
  });

  it('a daily limit counts bookings, not calendar events', async () => {
    await withTeam(t.handle.db, TEAM, (tx) => updateMeetingType(tx, t.team.types.m30.id, { dailyLimit: 1 }));
    feeds.serve('/ana.ics', vcalendar(vevent({ UID: 'a', DTSTART: '20270302T100000Z', DTEND: '20270302T110000Z' })));
    t.clock.now = new Date(now.getTime() + 20 * 60_000);
    const read = await t.service.busyFor(TEAM, ['U0ANA'], new Date('2027-03-02T00:00:00Z'), new Date('2027-03-03T00:00:00Z'), { waitMs: 5_000 });
    expect(read.busy.get('U0ANA')!.map((b) => b.start.toISOString())).toEqual(['2027-03-02T10:00:00.000Z']);
    const { booking } = await createBooking(t.handle.db, TEAM, { meetingTypeId: t.team.types.m30.id, organizerId: 'U0BEN', hostIds: ['U0ANA'], start: '2027-03-02T14:00:00Z', source: 'api' }, { now: t.clock.now, calendars: t.service });
    expect(booking.status).toBe('confirmed');
    await withTeam(t.handle.db, TEAM, (tx) => updateMeetingType(tx, t.team.types.m30.id, { dailyLimit: null }));
  });

  it('the background refresher reads, across teams, the accounts in use before they go stale, and leaves the others', async () => {
    const url = feeds.serve('/zed.ics', vcalendar(vevent({ UID: 'z', DTSTART: '20270301T100000Z', DTEND: '20270301T110000Z' })));
    const zed = await connectAccount(t.service, 'T0OTHER', 'U0ZED', { provider: 'ical', url });
    expect(zed.status).toBe('ok');
    feeds.serve('/ana.ics', vcalendar(vevent({ UID: 'a', DTSTART: '20270301T100000Z', DTEND: '20270301T110000Z' })));
    // Ana's busy time was just wanted (and read); Zed's account was just connected (and read).
    await t.service.busyFor(TEAM, ['U0ANA'], now, new Date('2027-03-02T00:00:00Z'), { waitMs: 5_000, maxAgeMs: 0 });
    const refresher = new CalendarRefresher(t.service);
    expect(await refresher.runOnce()).toBe(0);
    t.clock.now = new Date(t.clock.now.getTime() + 4.5 * 60_000);
    let before = feeds.requests.length;
    expect(await refresher.runOnce()).toBe(2);
    expect(feeds.requests.slice(before).sort()).toEqual(['/ana.ics', '/zed.ics']);
    const rows = await rawRows<{ refreshing_until: unknown; read_at: string | Date }>(t.handle.db, sql`select a.refreshing_until, c.read_at from calendar_accounts a join calendars c on c.account_id = a.id`);
    expect(rows.map((r) => [r.refreshing_until, new Date(r.read_at).getTime()])).toEqual([
      [null, t.clock.now.getTime()],
      [null, t.clock.now.getTime()],
    ]);
    // Nobody asks for them for half an hour: they are left alone.
    t.clock.now = new Date(t.clock.now.getTime() + 40 * 60_000);
    before = feeds.requests.length;
    expect(await refresher.runOnce()).toBe(0);
    expect(feeds.requests.length).toBe(before);
  });
});
