import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/api/keys.js';
import { limitViolations } from '../../src/slack/blocks/limits.js';
import { call } from '../api/support.js';
import { WebhookReceiver } from '../webhooks/support/receiver.js';
import { databaseKinds } from '../support/databases.js';
import { FakeSlack } from './support/fake-slack.js';
import { TEAM, eventsSettled, startSlackTestApp, type SlackTestApp } from './support/slack-app.js';

const NOW = new Date('2027-03-01T08:00:00Z');
const TICKET = { id: 'HD-4711', url: 'https://help.example.com/tickets/4711?view=full&tab=1' };
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

const detailsOf = (body: Record<string, any>) => body.blocks?.find((b: any) => b.block_id === 'details')?.text.text as string | undefined;

/** A ticket system books a meeting about a ticket: Slack links it, the API finds it, a move keeps it, webhooks carry it. */
describe.each(databaseKinds())('a meeting about a ticket, end to end, on %s', (kind) => {
  let t: SlackTestApp;
  let key: string;
  const receiver = new WebhookReceiver();
  beforeAll(async () => {
    t = await startSlackTestApp(kind, NOW, { webhooks: { retryScheduleMs: [20], jitter: 0 } });
    key = (await createApiKey(t.handle.db, { teamId: TEAM, name: 'helpdesk' })).key;
    await receiver.start();
  });
  afterAll(async () => {
    await receiver.close();
    await t?.handle.close();
  });

  it('links the ticket in Slack, lists the booking by it, keeps it through a move, and sends it in every webhook', async () => {
    const hook = await call(t.app, 'POST', '/api/meetings/webhooks/endpoints', { key, body: { url: receiver.url, eventTypes: ['booking.created', 'booking.rescheduled'] } });
    receiver.secret = hook.body.secret;
    const types = await call(t.app, 'GET', '/api/meetings/meeting-types', { key });
    const typeId = types.body.meetingTypes.find((m: any) => m.durationMinutes === 30).id;
    for (const id of ['U0ANA', 'U0BEN']) await call(t.app, 'PUT', `/api/meetings/availability/people/${id}`, { key, body: { name: id, timeZone: 'Europe/London' } });

    const created = await call(t.app, 'POST', '/api/meetings/bookings', {
      key,
      body: {
        meetingTypeId: typeId,
        organizerId: 'U0ANA',
        hostIds: ['U0BEN'],
        start: '2027-03-10T10:00:00Z',
        guests: [{ name: 'Sam Customer', email: 'sam@example.org' }],
        externalReference: TICKET,
        metadata: { queue: 'billing', priority: 2 },
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const booking = created.body.booking;

    // Slack: the meeting message links the ticket (the URL's & escaped as Slack wants it).
    const posted = await slack.waitFor('chat.postMessage', (b) => b.blocks?.some((x: any) => x.block_id === 'meeting_actions'));
    expect(detailsOf(posted.body)).toContain(':ticket: <https://help.example.com/tickets/4711?view=full&amp;tab=1|Ticket HD-4711>');
    expect(limitViolations(posted.body, 'message')).toEqual([]);

    // The API: listed by the ticket.
    const listed = await call(t.app, 'GET', `/api/meetings/bookings?externalRefId=${TICKET.id}`, { key });
    expect(listed.body.bookings.map((b: any) => b.id)).toEqual([booking.id]);

    // Moved: the message still links it, and the new booking carries it.
    await eventsSettled(t);
    await slack.settle();
    slack.clearCalls();
    const moved = await call(t.app, 'POST', `/api/meetings/bookings/${booking.id}/reschedule`, { key, body: { start: '2027-03-11T14:00:00Z' } });
    expect(moved.status).toBe(200);
    expect(moved.body.booking).toMatchObject({ externalReference: TICKET, metadata: { queue: 'billing', priority: 2 } });
    const updated = await slack.waitFor('chat.update', (b) => String(detailsOf(b) ?? '').includes('Ticket HD-4711'));
    expect(detailsOf(updated.body)).toContain('<https://help.example.com/tickets/4711?view=full&amp;tab=1|Ticket HD-4711>');
    const afterMove = await call(t.app, 'GET', `/api/meetings/bookings?externalRefId=${TICKET.id}&status=confirmed`, { key });
    expect(afterMove.body.bookings.map((b: any) => b.id)).toEqual([moved.body.booking.id]);

    // Webhooks: both changes, verified, each with the ticket and the metadata.
    await expect.poll(() => receiver.received.length, { timeout: 10_000 }).toBe(2);
    expect(receiver.received.map((r) => [r.payload.type, r.verified, r.payload.data.booking.externalReference, r.payload.data.booking.metadata])).toEqual([
      ['booking.created', true, TICKET, { queue: 'billing', priority: 2 }],
      ['booking.rescheduled', true, TICKET, { queue: 'billing', priority: 2 }],
    ]);
    expect(receiver.received[1]!.payload.data.change).toMatchObject({ previousBookingId: booking.id, previousStartsAt: '2027-03-10T10:00:00.000Z' });
  });
});
