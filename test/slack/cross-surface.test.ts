import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createApiKey } from '../../src/api/keys.js';
import { getBooking } from '../../src/bookings/index.js';
import { reminders } from '../../src/db/schema.js';
import { withTeam } from '../../src/db/tenant.js';
import { call } from '../api/support.js';
import { databaseKinds } from '../support/databases.js';
import { FakeSlack } from './support/fake-slack.js';
import { bookThroughSlack } from './support/flows.js';
import { TEAM, startSlackTestApp, type SlackTestApp } from './support/slack-app.js';

const NOW = new Date('2027-03-01T08:00:00Z');
const slack = new FakeSlack({
  U0ANA: { tz: 'Europe/London', name: 'Ana Alvarez' },
  U0BEN: { tz: 'Europe/London', name: 'Ben Brown' },
});
beforeAll(() => slack.listen());
afterEach(async () => {
  await slack.settle();
  slack.reset();
});
afterAll(() => slack.close());

const seconds = (iso: string) => new Date(iso).getTime() / 1000;

describe.each(databaseKinds())('changes made outside Slack reach Slack, on %s', (kind) => {
  let t: SlackTestApp;
  let key: string;
  beforeAll(async () => {
    t = await startSlackTestApp(kind, NOW);
    key = (await createApiKey(t.handle.db, { teamId: TEAM, name: 'helpdesk' })).key;
  });
  afterAll(() => t?.handle.close());

  const remindersOf = (bookingId: string) => withTeam(t.handle.db, TEAM, (tx) => tx.select().from(reminders).where(eq(reminders.bookingId, bookingId)));

  it('a meeting booked with /meet, moved through the API, then cancelled through the API', async () => {
    const { booking, message } = await bookThroughSlack(t, slack, { user: 'U0ANA', text: '<@U0BEN|ben>', day: '2027-03-08', start: '2027-03-08T14:00:00.000Z', title: 'Roadmap' });
    const posted = await getBooking(t.handle.db, TEAM, booking.id);
    const messageTs = posted.slackMessageTs!;
    expect(messageTs).toBeTruthy();
    expect(message.channel).toBe('C0GENERAL');
    const oldReminders = await remindersOf(booking.id);
    expect(oldReminders.map((r) => r.slackUserId).sort()).toEqual(['U0ANA', 'U0BEN']);
    expect(oldReminders.every((r) => r.scheduledMessageId)).toBe(true);

    slack.clearCalls();
    const moved = await call(t.app, 'POST', `/api/meetings/bookings/${booking.id}/reschedule`, { key, body: { start: '2027-03-09T15:00:00Z' } });
    expect(moved.status).toBe(200);
    const newId = moved.body.booking.id as string;

    // The message where /meet was typed shows the new time, in place.
    const update = await slack.waitFor('chat.update', (b) => JSON.stringify(b.blocks ?? '').includes(`<!date^${seconds('2027-03-09T15:00:00Z')}^`));
    expect(update.body).toMatchObject({ channel: 'C0GENERAL', ts: messageTs });
    expect(JSON.stringify(update.body.blocks)).toContain('Moved by the API');
    // The reminders for the old time are deleted from Slack, and new ones scheduled for the new time.
    const deleted = await slack.waitForCount('chat.deleteScheduledMessage', 2);
    expect(deleted.map((c) => c.body.scheduled_message_id).sort()).toEqual(oldReminders.map((r) => r.scheduledMessageId).sort());
    const scheduled = await slack.waitForCount('chat.scheduleMessage', 2);
    expect(scheduled.map((c) => [c.body.channel, Number(c.body.post_at)]).sort()).toEqual([
      ['U0ANA', seconds('2027-03-09T14:50:00Z')],
      ['U0BEN', seconds('2027-03-09T14:50:00Z')],
    ]);
    // Both people are told by direct message, each with their own link to the moved meeting.
    const dms = await slack.waitForCount('chat.postMessage', 2, (b) => /^U0/.test(b.channel) && JSON.stringify(b).includes('Moved by the API'));
    expect(dms.map((c) => c.body.channel).sort()).toEqual(['U0ANA', 'U0BEN']);
    for (const dm of dms) expect(JSON.stringify(dm.body.blocks)).toContain(`/m/${newId}?k=`);
    await slack.settle();
    expect(await remindersOf(booking.id)).toEqual([]);
    const newReminders = await remindersOf(newId);
    expect(newReminders).toHaveLength(2);
    expect(slack.callsOf('chat.scheduleMessage')).toHaveLength(2);

    slack.clearCalls();
    const cancelled = await call(t.app, 'POST', `/api/meetings/bookings/${newId}/cancel`, { key, body: { reason: 'Customer solved it' } });
    expect(cancelled.status).toBe(200);
    const cancelUpdate = await slack.waitFor('chat.update', (b) => JSON.stringify(b.blocks ?? '').includes('Cancelled'));
    expect(cancelUpdate.body).toMatchObject({ channel: 'C0GENERAL', ts: messageTs });
    expect(JSON.stringify(cancelUpdate.body.blocks)).toContain('by the API: Customer solved it');
    const cancelDeletes = await slack.waitForCount('chat.deleteScheduledMessage', 2);
    expect(cancelDeletes.map((c) => c.body.scheduled_message_id).sort()).toEqual(newReminders.map((r) => r.scheduledMessageId).sort());
    const told = await slack.waitForCount('chat.postMessage', 2, (b) => /^U0/.test(b.channel));
    expect(told.map((c) => c.body.channel).sort()).toEqual(['U0ANA', 'U0BEN']);
    await slack.settle();
    expect(await remindersOf(newId)).toEqual([]);
    // Nothing is left to retry.
    const events = await call(t.app, 'GET', `/api/meetings/events?meetingId=${booking.id}`, { key });
    expect(events.body.events.map((e: any) => [e.kind, e.deliveries.map((d: any) => `${d.handler}: ${d.status}`).sort()])).toEqual([
      ['booking.cancelled', ['slack: delivered', 'webhooks: delivered']],
      ['booking.rescheduled', ['slack: delivered', 'webhooks: delivered']],
      ['booking.created', ['slack: delivered', 'webhooks: delivered']],
    ]);
  });

  it('a meeting booked through the API is posted to its organizer, with links and reminders for everyone', async () => {
    const types = await call(t.app, 'GET', '/api/meetings/meeting-types', { key });
    const typeId = types.body.meetingTypes.find((m: any) => m.durationMinutes === 30).id;
    await call(t.app, 'PUT', '/api/meetings/availability/people/U0ANA', { key, body: { name: 'Ana Alvarez', timeZone: 'Europe/London' } });
    await call(t.app, 'PUT', '/api/meetings/availability/people/U0BEN', { key, body: { name: 'Ben Brown', timeZone: 'Europe/London' } });
    slack.clearCalls();
    const created = await call(t.app, 'POST', '/api/meetings/bookings', {
      key,
      body: { meetingTypeId: typeId, organizerId: 'U0ANA', hostIds: ['U0BEN'], start: '2027-03-10T10:00:00Z', guests: [{ name: 'Sam Customer', email: 'sam@example.org' }] },
    });
    expect(created.status).toBe(201);
    const id = created.body.booking.id;
    const meetingMessage = await slack.waitFor('chat.postMessage', (b) => b.blocks?.some((x: any) => x.block_id === 'meeting_actions'));
    expect(meetingMessage.body.channel).toBe('U0ANA');
    await slack.waitForCount('chat.scheduleMessage', 2);
    await slack.settle();
    const links = slack.callsOf('chat.postMessage').filter((c) => JSON.stringify(c.body).includes('Booked:'));
    expect(links.map((c) => c.body.channel).sort()).toEqual(['U0ANA', 'U0BEN']);
    expect((await getBooking(t.handle.db, TEAM, id)).slackChannelId).toBe('D0ANA');
  });
});
