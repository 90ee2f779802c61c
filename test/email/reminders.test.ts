import { beforeAll, describe, expect, it, vi } from 'vitest';
import { startEvents, type EventDispatcher } from '../../src/events/index.js';
import { call } from '../api/support.js';
import { eventsSettled } from '../slack/support/slack-app.js';
import { connectAgain, databaseKinds } from '../support/databases.js';
import {
  SAM,
  bookThroughApi,
  expectGuestLinks,
  guestEmailRows,
  guestIdOf,
  remindersOf,
  useEmailApp,
  useFakeSlack,
  type EmailTestApp,
} from './support/email-app.js';

const NOW = new Date('2027-03-01T08:00:00Z');
const slack = useFakeSlack();

const reminderAbout = (title: string) => (e: { parsed: { subject?: string } }) => Boolean(e.parsed.subject?.startsWith(`Reminder: ${title} `));

describe.each(databaseKinds())('guests’ reminder emails on %s', (kind) => {
  const { smtp, app } = useEmailApp(kind, NOW);
  let t: EmailTestApp;
  beforeAll(() => {
    t = app();
  });

  /** Another app process on the same database: its own connections, dispatcher and reminder loop. */
  async function anotherProcess(): Promise<{ events: EventDispatcher; close(): Promise<void> }> {
    const other = await connectAgain(t.handle);
    const events = await startEvents({ db: other.db, dbKind: other.kind, config: t.config, now: () => t.clock.now }, other, { pollMs: 100, jobPollMs: 100 });
    return {
      events,
      close: async () => {
        await events.stop();
        await other.close();
      },
    };
  }

  it('goes out once an hour before the start, with two processes racing for it', async () => {
    const booking = await bookThroughApi(t, { start: '2027-03-02T14:00:00Z', title: 'Demo', guests: [SAM] });
    await eventsSettled(t);
    const [reminder] = await remindersOf(t, booking.id);
    expect(reminder).toMatchObject({ status: 'pending', attempts: 0 });
    expect(new Date(reminder!.send_at).toISOString()).toBe('2027-03-02T13:00:00.000Z');

    const second = await anotherProcess();
    try {
      t.clock.now = new Date('2027-03-02T13:01:00Z');
      // Both processes' loops, woken, and four more rounds at once: one of them gets it.
      t.events.kickJobs();
      second.events.kickJobs();
      await Promise.all([t.events.runJobsOnce(), second.events.runJobsOnce(), t.events.runJobsOnce(), second.events.runJobsOnce()]);
      const [email] = await smtp.waitFor(reminderAbout('Demo'));
      await vi.waitFor(async () => expect((await remindersOf(t, booking.id))[0]).toMatchObject({ status: 'sent', attempts: 1 }));
      await Promise.all([t.events.runJobsOnce(), second.events.runJobsOnce()]);
      expect(smtp.emails.filter(reminderAbout('Demo'))).toHaveLength(1);
      expect((await guestEmailRows(t, booking.id)).filter((r) => r.kind === 'reminder')).toHaveLength(1);

      expect(email!.to).toEqual([SAM.email]);
      expect(email!.parsed.subject).toBe('Reminder: Demo starts in 59 minutes (Tue 2 Mar, 09:00 New York time)');
      expect(email!.parsed.text).toContain('When: Tuesday, 2 March 2027, 09:00–09:30 (New York time, UTC-05:00)');
      const { guestId } = await guestIdOf(t, booking.id, SAM.email);
      await expectGuestLinks(email!, { bookingId: booking.id, meetingId: booking.id, guestId });
      expect(email!.parsed.attachments.filter((a) => a.contentType === 'text/calendar')).toEqual([]);
    } finally {
      await second.close();
    }
  });

  it('moves with the meeting: none at the old time, one at the new', async () => {
    const booking = await bookThroughApi(t, { start: '2027-03-03T14:00:00Z', title: 'Planning', guests: [SAM] });
    await eventsSettled(t);
    const moved = await call(t.app, 'POST', `/api/meetings/bookings/${booking.id}/reschedule`, { key: t.key, body: { start: '2027-03-04T15:00:00Z' } });
    expect(moved.status).toBe(200);
    await eventsSettled(t);

    t.clock.now = new Date('2027-03-03T13:10:00Z');
    expect(await t.events.runJobsOnce()).toBe(0);
    expect(smtp.emails.filter(reminderAbout('Planning'))).toEqual([]);

    t.clock.now = new Date('2027-03-04T14:00:00Z');
    t.events.kickJobs();
    const [email] = await smtp.waitFor(reminderAbout('Planning'));
    expect(email!.parsed.subject).toBe('Reminder: Planning starts in 1 hour (Thu 4 Mar, 10:00 New York time)');
    const { guestId } = await guestIdOf(t, moved.body.booking.id, SAM.email);
    await expectGuestLinks(email!, { bookingId: moved.body.booking.id, meetingId: booking.id, guestId });
    await vi.waitFor(async () => expect((await remindersOf(t, booking.id)).map((r) => [r.booking_id, r.status])).toEqual([
      [booking.id, 'dropped'],
      [moved.body.booking.id, 'sent'],
    ]));
  });

  it('is not sent after a cancel, even one not yet handled when it comes due', async () => {
    const handled = await bookThroughApi(t, { start: '2027-03-05T14:00:00Z', title: 'Cancelled early', guests: [SAM] });
    const unhandled = await bookThroughApi(t, { start: '2027-03-05T15:00:00Z', title: 'Cancelled late', guests: [SAM] });
    await eventsSettled(t);
    expect(await call(t.app, 'POST', `/api/meetings/bookings/${handled.id}/cancel`, { key: t.key, body: { reason: 'No longer needed' } })).toMatchObject({ status: 200 });
    await eventsSettled(t);
    expect((await remindersOf(t, handled.id)).map((r) => r.status)).toEqual(['dropped']);

    // With no process delivering events, the other is cancelled; its reminder row still waits.
    await t.events.stop();
    expect(await call(t.app, 'POST', `/api/meetings/bookings/${unhandled.id}/cancel`, { key: t.key, body: {} })).toMatchObject({ status: 200 });
    expect((await remindersOf(t, unhandled.id)).map((r) => r.status)).toEqual(['pending']);
    t.clock.now = new Date('2027-03-05T14:30:00Z');
    const restarted = await anotherProcess();
    try {
      await eventsSettled(t);
      await restarted.events.runJobsOnce();
      await vi.waitFor(async () => expect((await remindersOf(t, unhandled.id)).map((r) => r.status)).toEqual(['dropped']));
      expect(smtp.emails.filter((e) => reminderAbout('Cancelled early')(e) || reminderAbout('Cancelled late')(e))).toEqual([]);
    } finally {
      await restarted.close();
    }
  });

  it('due while no process ran: sent at the next start if the meeting has not begun, dropped if it has', async () => {
    const started = await bookThroughApi(t, { start: '2027-03-08T14:00:00Z', title: 'Begun', guests: [SAM] });
    const upcoming = await bookThroughApi(t, { start: '2027-03-08T16:00:00Z', title: 'Upcoming', guests: [SAM] });
    const restarted = await anotherProcess();
    try {
      await eventsSettled(t);
      await Promise.all([restarted.events.stop(), t.events.stop()]);
      // Down from before 13:00 until 15:30: one meeting has begun, the other starts in half an hour.
      t.clock.now = new Date('2027-03-08T15:30:00Z');
      const again = await anotherProcess();
      try {
        const [email] = await smtp.waitFor(reminderAbout('Upcoming'));
        expect(email!.parsed.subject).toBe('Reminder: Upcoming starts in 30 minutes (Mon 8 Mar, 11:00 New York time)');
        await vi.waitFor(async () => expect((await remindersOf(t, started.id)).map((r) => r.status)).toEqual(['failed']));
        await vi.waitFor(async () => expect((await remindersOf(t, upcoming.id)).map((r) => r.status)).toEqual(['sent']));
        expect(smtp.emails.filter(reminderAbout('Begun'))).toEqual([]);
      } finally {
        await again.close();
      }
    } finally {
      await restarted.close();
    }
  });
});
