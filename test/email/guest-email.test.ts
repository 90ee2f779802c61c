import { beforeAll, describe, expect, it, vi } from 'vitest';
import { getBooking } from '../../src/bookings/index.js';
import { describeMissing } from '../../src/config.js';
import { call } from '../api/support.js';
import { cancelThroughSlack, rescheduleThroughSlack } from '../slack/support/flows.js';
import { sql } from 'drizzle-orm';
import { TEAM, eventsSettled } from '../slack/support/slack-app.js';
import { databaseKinds } from '../support/databases.js';
import { captureLogs } from '../support/console.js';
import { rawRows } from '../support/sql.js';
import {
  KIM,
  SAM,
  bookThroughApi,
  emailDeliveries,
  expectGuestLinks,
  guestEmailRows,
  guestIdOf,
  inviteOf,
  remindersOf,
  useEmailApp,
  useFakeSlack,
  type EmailTestApp,
} from './support/email-app.js';

const NOW = new Date('2027-03-01T08:00:00Z');
const slack = useFakeSlack();

const about = (title: string) => (e: { parsed: { subject?: string } }) => Boolean(e.parsed.subject?.includes(title));

describe.each(databaseKinds())('email for guests on %s', (kind) => {
  const { smtp, app } = useEmailApp(kind, NOW);
  let t: EmailTestApp;
  beforeAll(() => {
    t = app();
  });

  it('a booking through the API with two guests: each gets their own confirmation, links and invitation', async () => {
    const booking = await bookThroughApi(t, {
      start: '2027-03-02T14:00:00Z',
      title: 'Onboarding <call> & setup',
      notes: 'Bring the contract.\nAnd questions.',
      guests: [SAM, KIM, { name: 'Lee Nomail' }],
    });
    await eventsSettled(t);
    const emails = await smtp.waitFor(about('Onboarding <call>'), 2);
    expect(emails).toHaveLength(2);
    const sam = smtp.to(SAM.email, about('Onboarding <call>'));
    const kim = smtp.to(KIM.email, about('Onboarding <call>'));
    expect(sam).toHaveLength(1);
    expect(kim).toHaveLength(1);
    const samIds = await guestIdOf(t, booking.id, SAM.email);
    const kimIds = await guestIdOf(t, booking.id, KIM.email);
    expect(samIds.meetingId).toBe(booking.id);

    for (const [email, ids] of [
      [sam[0]!, samIds],
      [kim[0]!, kimIds],
    ] as const) {
      // Each email goes to its guest alone, from MAIL_FROM, replies to the organizer.
      expect(email.to).toHaveLength(1);
      expect(email.parsed.from?.value).toEqual([{ name: 'Meetings', address: 'meetings@meet.test' }]);
      expect(email.from).toBe('meetings@meet.test');
      expect(email.parsed.replyTo?.value[0]?.address).toBe('ana@example.com');
      await expectGuestLinks(email, { bookingId: booking.id, meetingId: booking.id, guestId: ids.guestId });
      const invite = inviteOf(email);
      expect(invite).toMatchObject({
        contentTypeMethod: 'REQUEST',
        method: 'REQUEST',
        uid: `${booking.id}@meetings-for-slack`,
        sequence: 0,
        status: 'CONFIRMED',
        summary: 'Onboarding <call> & setup',
        organizer: { cn: 'Ana Alvarez', address: 'ana@example.com' },
      });
      expect(invite.dtstart.toISOString()).toBe('2027-03-02T14:00:00.000Z');
      expect(invite.dtend.toISOString()).toBe('2027-03-02T14:30:00.000Z');
      // The location is this guest's own join link.
      expect(invite.location).toBe(`https://meet.test/m/${booking.id}?k=${new URL(invite.location!).searchParams.get('k')}`);
      expect(email.parsed.text).toContain(invite.location!);
      // People by name; the guest without an email is named in the text but has no ATTENDEE line.
      expect(invite.attendees.map((a) => [a.cn, a.address, a.partstat]).sort()).toEqual([
        ['Ana Alvarez', 'ana@example.com', 'ACCEPTED'],
        ['Ben Brown', 'ben@example.com', 'ACCEPTED'],
        ['Kim Client', 'kim@example.net', 'NEEDS-ACTION'],
        ['Sam Customer', 'sam@example.org', 'NEEDS-ACTION'],
      ]);
      const who = /^Who: (.*)$/m.exec(email.parsed.text ?? '')![1]!.split(', ');
      expect(who.slice(0, 2)).toEqual(['Ana Alvarez (organizer)', 'Ben Brown']);
      expect(who.slice(2).map((name) => name.replace(' (you)', '')).sort()).toEqual(['Kim Client', 'Lee Nomail', 'Sam Customer']);
      expect(email.parsed.text).toContain('Notes:\nBring the contract.\nAnd questions.');
      expect(String(email.parsed.html)).toContain('Onboarding &lt;call&gt; &amp; setup');
      expect(String(email.parsed.html)).not.toContain('<call>');
    }

    // Sam's zone is known: his times are his own. Kim's is not: UTC, said plainly.
    expect(sam[0]!.parsed.subject).toBe('Confirmed: Onboarding <call> & setup, Tue 2 Mar, 09:00 New York time');
    expect(sam[0]!.parsed.text).toContain('When: Tuesday, 2 March 2027, 09:00–09:30 (New York time, UTC-05:00)');
    expect(sam[0]!.parsed.text).toContain('Hello Sam Customer,');
    expect(sam[0]!.parsed.text).toMatch(/^Who: .*Sam Customer \(you\)/m);
    expect(kim[0]!.parsed.text).toMatch(/^Who: .*Kim Client \(you\)/m);
    expect(kim[0]!.parsed.text).not.toContain('Sam Customer (you)');
    expect(kim[0]!.parsed.subject).toBe('Confirmed: Onboarding <call> & setup, Tue 2 Mar, 14:00 UTC');
    expect(kim[0]!.parsed.text).toContain('When: Tuesday, 2 March 2027, 14:00–14:30 UTC (UTC+00:00)');
    expect(kim[0]!.parsed.text).toContain('Times are in UTC (Coordinated Universal Time, offset +00:00), because we do not know your time zone.');

    expect((await guestEmailRows(t, booking.id)).map((r) => [r.kind, r.status, r.recipient]).sort()).toEqual([
      ['confirmation', 'sent', KIM.email],
      ['confirmation', 'sent', SAM.email],
    ]);
    // The API shows the zone it was given.
    const shown = await call(t.app, 'GET', `/api/meetings/bookings/${booking.id}`, { key: t.key });
    const zones = Object.fromEntries(shown.body.booking.participants.filter((p: any) => p.role === 'guest').map((p: any) => [p.guestName, p.guestTimeZone]));
    expect(zones).toEqual({ 'Sam Customer': 'America/New_York', 'Kim Client': null, 'Lee Nomail': null });
  });

  it('moved through the API: an update with the same UID, a higher SEQUENCE, the new time and the old', async () => {
    const booking = await bookThroughApi(t, { start: '2027-03-03T14:00:00Z', title: 'Contract review', guests: [SAM, KIM] });
    await eventsSettled(t);
    await smtp.waitFor(about('Contract review'), 2);
    const moved = await call(t.app, 'POST', `/api/meetings/bookings/${booking.id}/reschedule`, { key: t.key, body: { start: '2027-03-04T15:00:00Z', actorId: 'U0BEN' } });
    expect(moved.status).toBe(200);
    const newId = moved.body.booking.id as string;
    await eventsSettled(t);
    const updates = await smtp.waitFor((e) => Boolean(e.parsed.subject?.startsWith('Moved: Contract review')), 2);
    expect(updates).toHaveLength(2);
    const sam = smtp.to(SAM.email, (e) => Boolean(e.parsed.subject?.startsWith('Moved: Contract review')))[0]!;
    expect(sam.parsed.subject).toBe('Moved: Contract review, now Thu 4 Mar, 10:00 New York time');
    expect(sam.parsed.text).toContain('Ben Brown moved Contract review to a new time.');
    expect(sam.parsed.text).toContain('Now: Thursday, 4 March 2027, 10:00–10:30 (New York time, UTC-05:00)');
    expect(sam.parsed.text).toContain('Was: Wednesday, 3 March 2027, 09:00–09:30 (New York time, UTC-05:00)');
    // The same guest, and links that name them for the new booking.
    const samIds = await guestIdOf(t, newId, SAM.email);
    expect(samIds).toEqual(await guestIdOf(t, booking.id, SAM.email));
    await expectGuestLinks(sam, { bookingId: newId, meetingId: booking.id, guestId: samIds.guestId });
    for (const email of updates) {
      const invite = inviteOf(email);
      expect(invite).toMatchObject({ method: 'REQUEST', contentTypeMethod: 'REQUEST', uid: `${booking.id}@meetings-for-slack`, sequence: 1, status: 'CONFIRMED' });
      expect(invite.dtstart.toISOString()).toBe('2027-03-04T15:00:00.000Z');
    }
    // The reminders follow the meeting: the old time's are dropped, the new time's wait.
    const reminders = await remindersOf(t, booking.id);
    expect(reminders.filter((r) => r.booking_id === booking.id).map((r) => r.status)).toEqual(['dropped', 'dropped']);
    const pending = reminders.filter((r) => r.booking_id === newId);
    expect(pending.map((r) => r.status)).toEqual(['pending', 'pending']);
    expect(pending.every((r) => new Date(r.send_at).toISOString() === '2027-03-04T14:00:00.000Z')).toBe(true);
  });

  it('moved in Slack, then cancelled in Slack: an update, then METHOD:CANCEL with the reason', async () => {
    const booking = await bookThroughApi(t, { start: '2027-03-08T14:00:00Z', title: 'Kick-off', guests: [SAM] });
    await eventsSettled(t);
    const [confirmation] = await smtp.waitFor(about('Kick-off'));
    expect(inviteOf(confirmation!).sequence).toBe(0);
    // The meeting was booked outside Slack, so its message is in Ana's direct messages.
    const channel = (await getBooking(t.handle.db, TEAM, booking.id)).slackChannelId ?? 'U0ANA';

    await rescheduleThroughSlack(t, slack, { user: 'U0BEN', bookingId: booking.id, day: '2027-03-09', start: '2027-03-09T16:00:00.000Z', channel });
    const moved = await getBooking(t.handle.db, TEAM, (await getBooking(t.handle.db, TEAM, booking.id)).rescheduledToId!);
    const [update] = await smtp.waitFor((e) => Boolean(e.parsed.subject?.startsWith('Moved: Kick-off')));
    expect(update!.to).toEqual([SAM.email]);
    expect(update!.parsed.text).toContain('Ben Brown moved Kick-off to a new time.');
    expect(update!.parsed.text).toContain('Now: Tuesday, 9 March 2027, 11:00–11:30 (New York time, UTC-05:00)');
    expect(update!.parsed.text).toContain('Was: Monday, 8 March 2027, 09:00–09:30 (New York time, UTC-05:00)');
    const updated = inviteOf(update!);
    expect(updated).toMatchObject({ method: 'REQUEST', uid: `${booking.id}@meetings-for-slack`, sequence: 1 });
    expect(updated.dtstart.toISOString()).toBe('2027-03-09T16:00:00.000Z');
    const { guestId } = await guestIdOf(t, moved.id, SAM.email);
    await expectGuestLinks(update!, { bookingId: moved.id, meetingId: booking.id, guestId });

    await cancelThroughSlack(t, slack, { user: 'U0ANA', bookingId: moved.id, reason: 'The client postponed the project', channel });
    const [cancellation] = await smtp.waitFor((e) => Boolean(e.parsed.subject?.startsWith('Cancelled: Kick-off')));
    expect(cancellation!.to).toEqual([SAM.email]);
    expect(cancellation!.parsed.subject).toBe('Cancelled: Kick-off, Tue 9 Mar, 11:00 New York time');
    expect(cancellation!.parsed.text).toContain('Ana Alvarez cancelled Kick-off.');
    expect(cancellation!.parsed.text).toContain('Reason:\nThe client postponed the project');
    expect(cancellation!.parsed.text).not.toContain('/m/');
    const cancelled = inviteOf(cancellation!);
    expect(cancelled).toMatchObject({ contentTypeMethod: 'CANCEL', method: 'CANCEL', uid: `${booking.id}@meetings-for-slack`, sequence: 2, status: 'CANCELLED' });
    expect(cancelled.dtstart.toISOString()).toBe('2027-03-09T16:00:00.000Z');
    expect(cancelled.attendees.map((a) => a.address)).toContain(SAM.email);
    // Nothing else went to Sam, and no reminder is left.
    expect(smtp.to(SAM.email, (e) => Boolean(e.parsed.subject?.includes('Kick-off')))).toHaveLength(3);
    expect((await remindersOf(t, booking.id)).map((r) => r.status)).toEqual(['dropped', 'dropped']);
    expect((await emailDeliveries(t, booking.id)).map((d) => [d.kind, d.status, d.attempts])).toEqual([
      ['booking.created', 'delivered', 1],
      ['booking.rescheduled', 'delivered', 1],
      ['booking.cancelled', 'delivered', 1],
    ]);
  });

  it('a recipient the mail server refuses for good is recorded, not retried; the others get theirs', async () => {
    const logged = captureLogs(/No such mailbox/);
    smtp.refuse('nobody@example.net', 'No such mailbox');
    const booking = await bookThroughApi(t, { start: '2027-03-10T14:00:00Z', title: 'Refused', guests: [SAM, { name: 'Nobody', email: 'nobody@example.net' }] });
    await eventsSettled(t);
    await smtp.waitFor(about('Refused'));
    expect(smtp.emails.filter(about('Refused')).map((e) => e.to)).toEqual([[SAM.email]]);
    const rows = await guestEmailRows(t, booking.id);
    expect(rows.map((r) => [r.recipient, r.status])).toEqual(expect.arrayContaining([[SAM.email, 'sent'], ['nobody@example.net', 'rejected']]));
    expect(rows.find((r) => r.status === 'rejected')!.error).toContain('550 No such mailbox');
    expect(await emailDeliveries(t, booking.id)).toEqual([{ kind: 'booking.created', status: 'delivered', attempts: 1, last_error: null }]);
    expect(logged.join('\n')).toMatch(/nobody@example\.net: 550 No such mailbox/);
  });

  it('a recipient put off (4xx) is tried again, and only they get it again: once per event and guest', async () => {
    const logged = captureLogs(/451/);
    smtp.defer(KIM.email, 1);
    const booking = await bookThroughApi(t, { start: '2027-03-11T14:00:00Z', title: 'Deferred', guests: [SAM, KIM] });
    await vi.waitFor(async () => expect((await emailDeliveries(t, booking.id))[0]).toMatchObject({ attempts: 1, last_error: expect.stringContaining('451') }), { timeout: 15_000 });
    // The retry comes after the backoff and reaches Kim; Sam, already sent to, gets nothing more.
    await smtp.waitFor((e) => about('Deferred')(e) && e.to.includes(KIM.email));
    await eventsSettled(t);
    await vi.waitFor(async () => expect((await emailDeliveries(t, booking.id))[0]).toMatchObject({ status: 'delivered', attempts: 2 }), { timeout: 15_000 });
    expect(smtp.to(SAM.email, about('Deferred'))).toHaveLength(1);
    expect(smtp.to(KIM.email, about('Deferred'))).toHaveLength(1);
    expect(logged.join('\n')).toMatch(/email failed on event \d+ \(booking\.created\), attempt 1; retrying/);
  });

  it('the mail server down: the email is retried and delivered once it is back', async () => {
    const logged = captureLogs(/ECONNREFUSED/);
    await smtp.stop();
    const booking = await bookThroughApi(t, { start: '2027-03-12T14:00:00Z', title: 'While down', guests: [SAM] });
    await vi.waitFor(async () => expect((await emailDeliveries(t, booking.id))[0]).toMatchObject({ status: 'pending', last_error: expect.stringContaining('ECONNREFUSED') }), {
      timeout: 15_000,
    });
    expect(await guestEmailRows(t, booking.id)).toEqual([]);
    await smtp.start();
    const [email] = await smtp.waitFor(about('While down'), 1, 30_000);
    expect(email!.to).toEqual([SAM.email]);
    await vi.waitFor(async () => expect((await emailDeliveries(t, booking.id))[0]).toMatchObject({ status: 'delivered' }), { timeout: 15_000 });
    expect((await emailDeliveries(t, booking.id))[0]!.attempts).toBeGreaterThanOrEqual(2);
    expect(smtp.to(SAM.email, about('While down'))).toHaveLength(1);
    expect(logged.join('\n')).toMatch(/email failed on event \d+ \(booking\.created\)/);
  });
});

describe.each(databaseKinds())('without email configured, on %s', (kind) => {
  // A mail server is there, but MAIL_FROM is not set: email stays off.
  const { smtp, app } = useEmailApp(kind, NOW, { from: undefined });
  let t: EmailTestApp;
  beforeAll(() => {
    t = app();
  });

  it('attempts nothing, and says so once at start-up', async () => {
    expect(describeMissing(t.config).filter((line) => line.startsWith('Email:'))).toEqual([
      'Email: not configured, set MAIL_FROM; guests see their links only on the confirmation page',
    ]);
    expect(t.events.handlerNames).toEqual(['slack', 'webhooks']);
    const booking = await bookThroughApi(t, { start: '2027-03-02T14:00:00Z', title: 'Quiet', guests: [SAM, KIM] });
    await eventsSettled(t);
    // Slack heard of it; email did not.
    const handlers = await rawRows<{ handler: string }>(t.handle.db, sql`select distinct handler from event_deliveries where meeting_id = ${booking.id}`);
    expect(handlers.map((h) => h.handler)).toEqual(['slack', 'webhooks']);
    expect(await remindersOf(t, booking.id)).toEqual([]);
    expect(await guestEmailRows(t, booking.id)).toEqual([]);
    t.clock.now = new Date('2027-03-02T13:30:00Z');
    expect(await t.events.runJobsOnce()).toBe(0);
    expect(smtp.emails).toEqual([]);
  });
});
