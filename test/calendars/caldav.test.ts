import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelBooking, createBooking, rescheduleBooking, SlotTakenError } from '../../src/bookings/index.js';
import { connectAccount } from '../../src/calendars/connect.js';
import { CalendarError } from '../../src/calendars/types.js';
import { startEvents, type EventDispatcher } from '../../src/events/index.js';
import { databaseKinds } from '../support/databases.js';
import { startCalendarTest, TEAM, type CalendarTest } from './support/calendar-app.js';
import { vcalendar, vevent } from './support/feed-server.js';
import { startRadicale, type RadicaleServer } from './support/radicale.js';

const now = new Date('2027-03-01T06:00:00Z');

describe.each(databaseKinds())('CalDAV against a real Radicale, on %s', (kind) => {
  let t: CalendarTest;
  let radicale: RadicaleServer;
  let work: string;
  let events: EventDispatcher;

  beforeAll(async () => {
    radicale = await startRadicale({ ana: 'ana-app-password', ben: 'ben-app-password' });
    work = await radicale.makeCalendar('ana', 'work', 'Work');
    await radicale.makeCalendar('ana', 'family', 'Family');
    t = await startCalendarTest(kind, now, { U0ANA: 'Europe/London', U0BEN: 'Europe/London' });
    events = await startEvents({ db: t.handle.db, dbKind: t.handle.kind, config: t.config, now: () => t.clock.now }, t.handle, { pollMs: 50, log: { warn: () => {}, error: () => {} } });
  });
  afterAll(async () => {
    await events?.stop();
    await t?.handle.close();
    await radicale?.stop();
  });

  it('refuses a wrong app password, and finds every calendar with the right one (tsdav discovery)', async () => {
    await expect(connectAccount(t.service, TEAM, 'U0ANA', { provider: 'caldav', serverUrl: `${radicale.url}/`, username: 'ana', password: 'wrong' })).rejects.toMatchObject({
      kind: 'auth',
    } satisfies Partial<CalendarError>);
    const account = await connectAccount(t.service, TEAM, 'U0ANA', { provider: 'caldav', serverUrl: `${radicale.url}/`, username: 'ana', password: 'ana-app-password' });
    expect(account.status).toBe('ok');
    expect(account.calendars.map((c) => [c.name, c.countsAsBusy, c.canWrite]).sort()).toEqual([
      ['Family', true, true],
      ['Work', true, true],
    ]);
  });

  it('reads events another client stored, with a time-range query, and books around them', async () => {
    await radicale.put('ana', `${work}dentist.ics`, vcalendar(vevent({ UID: 'dentist', DTSTART: '20270302T100000Z', DTEND: '20270302T110000Z', SUMMARY: 'Dentist' })));
    await radicale.put(
      'ana',
      `${work}gym.ics`,
      vcalendar(vevent({ UID: 'gym', 'DTSTART;TZID=Europe/London': '20270301T130000', 'DTEND;TZID=Europe/London': '20270301T140000', RRULE: 'FREQ=DAILY;COUNT=5' })),
    );
    const { busy, unread } = await t.service.busyFor(TEAM, ['U0ANA'], new Date('2027-03-01T00:00:00Z'), new Date('2027-03-08T00:00:00Z'), { maxAgeMs: 0, waitMs: 10_000 });
    expect(unread).toEqual([]);
    const starts = busy.get('U0ANA')!.map((b) => b.start.toISOString());
    expect(starts).toContain('2027-03-02T10:00:00.000Z');
    expect(starts.filter((s) => s.endsWith('T13:00:00.000Z'))).toHaveLength(5);

    const attempt = createBooking(t.handle.db, TEAM, { meetingTypeId: t.team.types.m30.id, organizerId: 'U0BEN', hostIds: ['U0ANA'], start: '2027-03-02T10:30:00Z', source: 'api' }, { now, calendars: t.service });
    await expect(attempt).rejects.toThrow(SlotTakenError);
    await expect(attempt).rejects.toThrow(/U0ANA is busy in their own calendar/);
  });

  it('re-checks at booking time: an event added after the slots were shown is refused', async () => {
    const start = '2027-03-03T15:00:00Z';
    await t.service.busyFor(TEAM, ['U0ANA'], new Date('2027-03-03T00:00:00Z'), new Date('2027-03-04T00:00:00Z'), { maxAgeMs: 0, waitMs: 10_000 });
    await radicale.put('ana', `${work}late.ics`, vcalendar(vevent({ UID: 'late', DTSTART: '20270303T150000Z', DTEND: '20270303T153000Z' })));
    // Shown from a cache a minute old; the booking reads again because its cache is older than 30 s.
    t.clock.now = new Date(now.getTime() + 60_000);
    const shown = await t.service.busyFor(TEAM, ['U0ANA'], new Date('2027-03-03T00:00:00Z'), new Date('2027-03-04T00:00:00Z'));
    expect(shown.busy.get('U0ANA')!.some((b) => b.start.toISOString() === start)).toBe(false);
    await expect(
      createBooking(t.handle.db, TEAM, { meetingTypeId: t.team.types.m30.id, organizerId: 'U0BEN', hostIds: ['U0ANA'], start, source: 'api' }, { now: t.clock.now, calendars: t.service }),
    ).rejects.toThrow(/busy in their own calendar/);
  });

  it('writes the meeting into the chosen calendar, moves it in place and removes it on cancel', async () => {
    const accounts = await t.service.listAccounts(TEAM, 'U0ANA');
    const workCalendar = accounts[0]!.calendars.find((c) => c.name === 'Work')!;
    const after = await t.service.updateCalendar(TEAM, 'U0ANA', workCalendar.id, { writeBookings: true });
    expect(after![0]!.calendars.filter((c) => c.writeBookings).map((c) => c.name)).toEqual(['Work']);

    const { booking } = await createBooking(
      t.handle.db,
      TEAM,
      { meetingTypeId: t.team.types.m60.id, organizerId: 'U0BEN', hostIds: ['U0ANA'], start: '2027-03-04T10:00:00Z', title: 'Plan Q2', source: 'api' },
      { now: t.clock.now, calendars: t.service },
    );
    await events.drain();
    const href = `${work}${booking.meetingId}.ics`;
    const written = await radicale.get('ana', href);
    expect(written.status).toBe(200);
    expect(written.text).toContain(`UID:${booking.meetingId}@meetings-for-slack`);
    expect(written.text).toContain('SUMMARY:Plan Q2');
    expect(written.text).toContain('DTSTART:20270304T100000Z');
    expect(written.text).toMatch(/LOCATION:https:\/\/meet\.test\/m\/[0-9a-f-]+\?k=/);

    // Our own meeting, read back from the calendar, does not block it: it moves by less than its length.
    t.clock.now = new Date(t.clock.now.getTime() + 60_000);
    const moved = await rescheduleBooking(t.handle.db, TEAM, { bookingId: booking.id, start: '2027-03-04T10:30:00Z', actorId: 'U0BEN' }, { now: t.clock.now, calendars: t.service });
    await events.drain();
    const after2 = await radicale.get('ana', href);
    expect(after2.text).toContain('DTSTART:20270304T103000Z');
    expect(after2.text).toContain('SEQUENCE:1');
    expect(after2.text).toContain(`UID:${booking.meetingId}@meetings-for-slack`);

    await cancelBooking(t.handle.db, TEAM, { bookingId: moved.booking.id, actorId: 'U0BEN' }, { now: t.clock.now });
    await events.drain();
    expect((await radicale.get('ana', href)).status).toBe(404);
  });

  it('moves the meeting to the newly chosen calendar when the person changes where meetings go', async () => {
    const accounts = await t.service.listAccounts(TEAM, 'U0ANA');
    const family = accounts[0]!.calendars.find((c) => c.name === 'Family')!;
    const { booking } = await createBooking(
      t.handle.db,
      TEAM,
      { meetingTypeId: t.team.types.m30.id, organizerId: 'U0BEN', hostIds: ['U0ANA'], start: '2027-03-05T09:00:00Z', title: 'Retro', source: 'api' },
      { now: t.clock.now, calendars: t.service },
    );
    await events.drain();
    expect((await radicale.get('ana', `${work}${booking.meetingId}.ics`)).status).toBe(200);

    await t.service.updateCalendar(TEAM, 'U0ANA', family.id, { writeBookings: true });
    const moved = await rescheduleBooking(t.handle.db, TEAM, { bookingId: booking.id, start: '2027-03-05T11:00:00Z', actorId: 'U0BEN' }, { now: t.clock.now, calendars: t.service });
    await events.drain();
    expect((await radicale.get('ana', `${work}${booking.meetingId}.ics`)).status).toBe(404);
    const inFamily = await radicale.get('ana', `${radicale.url}/ana/family/${booking.meetingId}.ics`);
    expect(inFamily.status).toBe(200);
    expect(inFamily.text).toContain('DTSTART:20270305T110000Z');
    await cancelBooking(t.handle.db, TEAM, { bookingId: moved.booking.id, actorId: 'U0BEN' }, { now: t.clock.now });
    await events.drain();
    expect((await radicale.get('ana', `${radicale.url}/ana/family/${booking.meetingId}.ics`)).status).toBe(404);
  });
});
