import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { findSlots } from '../../src/bookings/index.js';
import { connectAccount } from '../../src/calendars/connect.js';
import { CalendarError } from '../../src/calendars/types.js';
import { calendarAccounts } from '../../src/db/schema.js';
import { withTeam } from '../../src/db/tenant.js';
import { databaseKinds } from '../support/databases.js';
import { rawRows } from '../support/sql.js';
import { sql } from 'drizzle-orm';
import { startCalendarTest, TEAM, type CalendarTest } from './support/calendar-app.js';
import { FeedServer, PACIFIC_VTIMEZONE, vcalendar, vevent } from './support/feed-server.js';

const now = new Date('2027-03-01T06:00:00Z');
const iso = (s: string) => new Date(s).toISOString();

/** A feed the way Google and Outlook publish one: recurring events, moved and cancelled occurrences, several zones. */
const FEED = vcalendar(
  PACIFIC_VTIMEZONE,
  // Weekly on Mondays 10:00 Berlin (no VTIMEZONE: an IANA TZID), the 2nd skipped, the 3rd moved to 14:00.
  vevent({ UID: 'standup', 'DTSTART;TZID=Europe/Berlin': '20270301T100000', 'DTEND;TZID=Europe/Berlin': '20270301T110000', RRULE: 'FREQ=WEEKLY;COUNT=4', 'EXDATE;TZID=Europe/Berlin': '20270308T100000' }),
  vevent({ UID: 'standup', 'RECURRENCE-ID;TZID=Europe/Berlin': '20270315T100000', 'DTSTART;TZID=Europe/Berlin': '20270315T140000', 'DTEND;TZID=Europe/Berlin': '20270315T150000' }),
  // Daily at 09:00 in Outlook's Windows zone name, defined by the VTIMEZONE above; one occurrence cancelled.
  vevent({ UID: 'pacific', 'DTSTART;TZID=Pacific Standard Time': '20270302T090000', 'DTEND;TZID=Pacific Standard Time': '20270302T093000', RRULE: 'FREQ=DAILY;COUNT=3' }),
  vevent({ UID: 'pacific', 'RECURRENCE-ID;TZID=Pacific Standard Time': '20270303T090000', 'DTSTART;TZID=Pacific Standard Time': '20270303T090000', 'DTEND;TZID=Pacific Standard Time': '20270303T093000', STATUS: 'CANCELLED' }),
  // UTC, all-day, floating, free, declined, and one of our own written meetings.
  vevent({ UID: 'utc', DTSTART: '20270302T120000Z', DTEND: '20270302T130000Z' }),
  vevent({ UID: 'holiday', 'DTSTART;VALUE=DATE': '20270305', 'DTEND;VALUE=DATE': '20270306' }),
  vevent({ UID: 'floating', DTSTART: '20270304T150000', DTEND: '20270304T153000' }),
  vevent({ UID: 'free', DTSTART: '20270302T140000Z', DTEND: '20270302T150000Z', TRANSP: 'TRANSPARENT' }),
  vevent({ UID: 'declined', DTSTART: '20270302T160000Z', DTEND: '20270302T170000Z', ATTENDEE: ';PARTSTAT=DECLINED;CN=Ana:mailto:u0ana@example.com' }),
  vevent({ UID: 'accepted', DTSTART: '20270304T080000Z', DTEND: '20270304T083000Z', ATTENDEE: ';PARTSTAT=ACCEPTED;CN=Ana:mailto:u0ana@example.com' }),
  vevent({ UID: '0b6a3c7e-0000-4000-8000-000000000001@meetings-for-slack', DTSTART: '20270302T100000Z', DTEND: '20270302T103000Z' }),
);

describe.each(databaseKinds())('iCal feeds on %s', (kind) => {
  let t: CalendarTest;
  let feeds: FeedServer;
  let feedUrl: string;

  beforeAll(async () => {
    feeds = await new FeedServer().start();
    feedUrl = feeds.serve('/secret/basic.ics', FEED);
    t = await startCalendarTest(kind, now, { U0ANA: 'Europe/London' });
  });
  afterAll(async () => {
    await t?.handle.close();
    await feeds?.stop();
  });

  it('connects a feed, keeps its address encrypted, and reads recurrences, exceptions and zones into busy time', async () => {
    const account = await connectAccount(t.service, TEAM, 'U0ANA', { provider: 'ical', url: feedUrl.replace('http://', 'http://') });
    expect(account).toMatchObject({ provider: 'ical', label: 'Work', status: 'ok' });
    expect(account.calendars).toEqual([expect.objectContaining({ name: 'Work', countsAsBusy: true, canWrite: false })]);
    const [stored] = await rawRows<{ secret: string }>(t.handle.db, sql`select secret from calendar_accounts`);
    expect(stored!.secret).toMatch(/^v1\./);
    expect(stored!.secret).not.toContain('secret/basic.ics');

    const { busy, unread } = await t.service.busyFor(TEAM, ['U0ANA'], new Date('2027-03-01T00:00:00Z'), new Date('2027-03-29T00:00:00Z'));
    expect(unread).toEqual([]);
    const got = busy.get('U0ANA')!.map((b) => [b.start.toISOString(), b.end.toISOString()]);
    expect(got).toEqual(
      expect.arrayContaining([
        [iso('2027-03-01T09:00:00Z'), iso('2027-03-01T10:00:00Z')], // 10:00 CET
        [iso('2027-03-15T13:00:00Z'), iso('2027-03-15T14:00:00Z')], // the moved occurrence
        [iso('2027-03-22T09:00:00Z'), iso('2027-03-22T10:00:00Z')], // after Berlin's change? still CET on 22 March
        [iso('2027-03-02T17:00:00Z'), iso('2027-03-02T17:30:00Z')], // 09:00 PST
        [iso('2027-03-04T17:00:00Z'), iso('2027-03-04T17:30:00Z')],
        [iso('2027-03-02T12:00:00Z'), iso('2027-03-02T13:00:00Z')],
        [iso('2027-03-05T00:00:00Z'), iso('2027-03-06T00:00:00Z')], // all-day, London
        [iso('2027-03-04T15:00:00Z'), iso('2027-03-04T15:30:00Z')], // floating: the calendar's zone
        [iso('2027-03-04T08:00:00Z'), iso('2027-03-04T08:30:00Z')],
      ]),
    );
    expect(got).toHaveLength(9);
    expect(got.some(([s]) => s === iso('2027-03-08T09:00:00Z'))).toBe(false); // EXDATE
    expect(got.some(([s]) => s === iso('2027-03-03T17:00:00Z'))).toBe(false); // cancelled occurrence
    expect(got.some(([s]) => s === iso('2027-03-02T14:00:00Z') || s === iso('2027-03-02T16:00:00Z'))).toBe(false); // free, declined
    expect(got.some(([s]) => s === iso('2027-03-02T10:00:00Z'))).toBe(false); // our own meeting
    expect(busy.get('U0ANA')!.every((b) => b.external)).toBe(true);
  });

  it('joins the feed into free slots, with the meeting type\'s buffers around its events', async () => {
    const day = { from: new Date('2027-03-02T00:00:00Z'), to: new Date('2027-03-03T00:00:00Z') };
    const external = (await t.service.busyFor(TEAM, ['U0ANA'], day.from, day.to)).busy;
    const withoutCalendar = await withTeam(t.handle.db, TEAM, (tx) => findSlots(tx, { meetingTypeId: t.team.types.m30.id, hostIds: ['U0ANA'], ...day, now }));
    const withCalendar = await withTeam(t.handle.db, TEAM, (tx) => findSlots(tx, { meetingTypeId: t.team.types.m30.id, hostIds: ['U0ANA'], ...day, now, external }));
    const starts = (slots: { start: Date }[]) => slots.map((s) => s.start.toISOString());
    expect(starts(withoutCalendar.slots)).toContain(iso('2027-03-02T12:00:00Z'));
    expect(starts(withCalendar.slots)).not.toContain(iso('2027-03-02T12:00:00Z'));
    expect(starts(withCalendar.slots)).not.toContain(iso('2027-03-02T12:30:00Z'));
    expect(starts(withCalendar.slots)).toContain(iso('2027-03-02T13:00:00Z'));
    expect(starts(withCalendar.slots)).toContain(iso('2027-03-02T14:00:00Z')); // the free event does not block
  });

  it('lets the person choose whether all-day events block', async () => {
    const [calendar] = (await t.service.listAccounts(TEAM, 'U0ANA'))[0]!.calendars;
    await t.service.updateCalendar(TEAM, 'U0ANA', calendar!.id, { allDayBusy: false });
    const { busy } = await t.service.busyFor(TEAM, ['U0ANA'], new Date('2027-03-05T00:00:00Z'), new Date('2027-03-06T00:00:00Z'));
    expect(busy.get('U0ANA')!.some((b) => b.start.toISOString() === iso('2027-03-05T00:00:00Z'))).toBe(false);
    await t.service.updateCalendar(TEAM, 'U0ANA', calendar!.id, { allDayBusy: true });
  });

  it('reads from the cache while it is fresh, and again once it is not', async () => {
    const before = feeds.requests.length;
    await t.service.busyFor(TEAM, ['U0ANA'], now, new Date('2027-03-08T00:00:00Z'));
    expect(feeds.requests.length).toBe(before);
    t.clock.now = new Date(now.getTime() + 6 * 60_000);
    await t.service.busyFor(TEAM, ['U0ANA'], now, new Date('2027-03-08T00:00:00Z'), { waitMs: 5_000 });
    expect(feeds.requests.length).toBe(before + 1);
  });

  it('says which feed could not be read, keeps what it read last, and refuses a bad address when connecting', async () => {
    feeds.serve('/secret/basic.ics', { status: 500, body: 'down' });
    t.clock.now = new Date(now.getTime() + 20 * 60_000);
    const { busy, unread } = await t.service.busyFor(TEAM, ['U0ANA'], new Date('2027-03-02T00:00:00Z'), new Date('2027-03-03T00:00:00Z'), { waitMs: 5_000 });
    expect(unread).toEqual([expect.objectContaining({ personId: 'U0ANA', calendarName: 'Work', pending: false, reason: expect.stringContaining('failed (500)') })]);
    expect(busy.get('U0ANA')!.some((b) => b.start.toISOString() === iso('2027-03-02T12:00:00Z'))).toBe(true);
    const [account] = await withTeam(t.handle.db, TEAM, (tx) => tx.select().from(calendarAccounts).where(eq(calendarAccounts.slackUserId, 'U0ANA')));
    expect(account).toMatchObject({ status: 'error' });

    feeds.serve('/not-a-calendar', { body: '<html>hello</html>' });
    await expect(connectAccount(t.service, TEAM, 'U0ANA', { provider: 'ical', url: `${feeds.url}/not-a-calendar` })).rejects.toThrow(CalendarError);
    await expect(connectAccount(t.service, TEAM, 'U0ANA', { provider: 'ical', url: `${feeds.url}/missing` })).rejects.toThrow(/gone \(404\)/);
    expect(await t.service.listAccounts(TEAM, 'U0ANA')).toHaveLength(1);
    feeds.serve('/secret/basic.ics', FEED);
  });
});
