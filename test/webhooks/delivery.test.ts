import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { createApp } from '../../src/app.js';
import { createApiKey } from '../../src/api/keys.js';
import { createBooking } from '../../src/bookings/index.js';
import { loadConfig } from '../../src/config.js';
import type { DatabaseHandle } from '../../src/db/client.js';
import { EventDispatcher } from '../../src/events/index.js';
import { webhookEventHandler } from '../../src/events/handlers/webhooks.js';
import { endpointDisabledNotifier } from '../../src/slack/webhook-notices.js';
import { verifyJoinToken } from '../../src/video/links.js';
import { WebhookSender } from '../../src/webhooks/sender.js';
import { call } from '../api/support.js';
import { FakeSlack, SLACK_API } from '../slack/support/fake-slack.js';
import { connectAgain, databaseKinds, openTestDatabase } from '../support/databases.js';
import { seedTeam, type SeededTeam } from '../support/fixtures.js';
import { WebhookReceiver } from './support/receiver.js';

const TEAM = 'T0HOOKS';
const NOW = new Date('2027-03-01T08:00:00Z');
const LINK_SECRET = 'webhook-tests-link-secret-0123456789abcd';
const quiet = { warn: () => {}, error: () => {} };
/** The retry schedule, fast: 20, 40, then 80 ms (4 attempts a round). */
const SCHEDULE = [20, 40, 80];

const slack = new FakeSlack({ U0ANA: { tz: 'Europe/London', name: 'Ana Alvarez' } });
beforeAll(() => slack.listen());
afterAll(() => slack.close());

describe.each(databaseKinds())('webhooks on %s', (kind) => {
  let handle: DatabaseHandle;
  let team: SeededTeam;
  let app: ReturnType<typeof createApp>;
  let key: string;
  let dispatcher: EventDispatcher;
  let sender: WebhookSender;
  const receiver = new WebhookReceiver();
  const failing = new WebhookReceiver();
  let endpointId: string;
  let hour = 0;

  beforeAll(async () => {
    handle = await openTestDatabase(kind);
    team = await seedTeam(handle.db, TEAM, { U0ANA: 'Europe/London', U0BEN: 'Europe/London' });
    const config = await loadConfig({ LINK_SECRET, PUBLIC_URL: 'https://meet.test', DATA_DIR: '/tmp/meetings-webhook-tests', SLACK_BOT_TOKEN: 'xoxb-test', SLACK_API_URL: SLACK_API });
    const deps = { db: handle.db, dbKind: handle.kind, config, now: () => NOW };
    app = createApp(deps);
    key = (await createApiKey(handle.db, { teamId: TEAM, name: 'helpdesk' })).key;
    dispatcher = new EventDispatcher(handle.db, [webhookEventHandler(deps)], { log: quiet });
    sender = new WebhookSender(handle.db, { retryScheduleMs: SCHEDULE, jitter: 0, log: quiet, onDisabled: endpointDisabledNotifier(deps) });
    await receiver.start();
    await failing.start();
  });
  afterAll(async () => {
    await receiver.close();
    await failing.close();
    await handle?.close();
  });

  /** Booking events become deliveries, and every due delivery (retries included) is sent. */
  async function deliverAll() {
    await dispatcher.drain();
    await sender.drain(15_000);
  }

  async function book(extra: Record<string, unknown> = {}) {
    const n = hour++;
    const start = new Date(Date.UTC(2027, 2, 2 + Math.floor(n / 7), 9 + (n % 7), 0)).toISOString();
    const result = await call(app, 'POST', '/api/meetings/bookings', { key, body: { meetingTypeId: team.types.m30.id, organizerId: 'U0ANA', start, ...extra } });
    expect(result.status, JSON.stringify(result.body)).toBe(201);
    return result.body.booking;
  }

  it('registers an endpoint with a whsec_ secret shown once, and signs each event so the specification\'s library verifies it', async () => {
    const created = await call(app, 'POST', '/api/meetings/webhooks/endpoints', { key, body: { url: receiver.url, description: 'Helpdesk' } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    endpointId = created.body.endpoint.id;
    expect(created.headers.get('Location')).toBe(`/api/meetings/webhooks/endpoints/${endpointId}`);
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created.body.endpoint).toMatchObject({
      url: receiver.url,
      status: 'enabled',
      eventTypes: ['booking.created', 'booking.rescheduled', 'booking.cancelled', 'meeting.started', 'meeting.ended'],
      createdBy: { kind: 'api_key' },
    });
    receiver.secret = created.body.secret;
    // Never shown again.
    const listed = await call(app, 'GET', '/api/meetings/webhooks/endpoints', { key });
    expect(listed.body.endpoints.map((e: any) => e.id)).toEqual([endpointId]);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
    expect(JSON.stringify((await call(app, 'GET', `/api/meetings/webhooks/endpoints/${endpointId}`, { key })).body)).not.toContain('whsec_');

    const booking = await book({
      guests: [{ name: 'Sam Customer', email: 'sam@example.org' }],
      externalReference: { id: 'HD-4711', url: 'https://help.example.com/tickets/4711' },
      metadata: { priority: 'high', tags: ['vip'] },
    });
    await deliverAll();
    const [message, ...more] = receiver.of('booking.created');
    expect(more).toEqual([]);
    expect(message!.verified, message!.verifyError ?? '').toBe(true);
    expect(() => new Webhook(`whsec_${btoa('another secret of thirty-two bytes!')}`).verify(message!.body, message!.headers as never)).toThrow();
    expect(message!.id).toMatch(/^msg_\d+$/);
    expect(message!.headers['content-type']).toBe('application/json');
    expect(message!.payload).toMatchObject({ type: 'booking.created', data: { meetingId: booking.id, change: { source: 'api', actorId: 'U0ANA' } } });

    // The booking as the API presents it: reference, metadata, each participant's own join link, the .ics link.
    const shown = (await call(app, 'GET', `/api/meetings/bookings/${booking.id}`, { key })).body.booking;
    const withoutJoinUrls = (b: any) => ({ ...b, participants: b.participants.map(({ joinUrl, ...p }: any) => p) });
    expect(withoutJoinUrls(message!.payload.data.booking)).toEqual(withoutJoinUrls(shown));
    expect(message!.payload.data.booking.externalReference).toEqual({ id: 'HD-4711', url: 'https://help.example.com/tickets/4711' });
    expect(message!.payload.data.booking.metadata).toEqual({ priority: 'high', tags: ['vip'] });
    const [ana, sam] = message!.payload.data.booking.participants;
    expect((await verifyJoinToken(LINK_SECRET, new URL(ana.joinUrl).searchParams.get('k')!)).participant).toBe('U0ANA');
    expect((await verifyJoinToken(LINK_SECRET, new URL(sam.joinUrl).searchParams.get('k')!)).participant).toBe(`guest:${sam.guestId}`);
  });

  it('retries a refusing endpoint with growing delays, keeps the webhook-id, logs every attempt, and redelivers by hand', async () => {
    const booking = await book();
    await deliverAll();
    receiver.answerWith(500, 502);
    const cancelled = await call(app, 'POST', `/api/meetings/bookings/${booking.id}/cancel`, { key, body: { reason: 'Customer asked' } });
    expect(cancelled.status).toBe(200);
    await deliverAll();
    const attempts = receiver.of('booking.cancelled');
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts.map((a) => a.id)).size).toBe(1);
    expect(attempts.every((a) => a.verified)).toBe(true);
    expect(attempts[0]!.payload.data.change).toEqual({ actorId: expect.stringMatching(/^api-key:/), reason: 'Customer asked' });
    // Backoff: each retry waited at least its step of the schedule.
    expect(attempts[1]!.at.getTime() - attempts[0]!.at.getTime()).toBeGreaterThanOrEqual(SCHEDULE[0]! - 2);
    expect(attempts[2]!.at.getTime() - attempts[1]!.at.getTime()).toBeGreaterThanOrEqual(SCHEDULE[1]! - 2);

    const log = await call(app, 'GET', `/api/meetings/webhooks/deliveries?endpointId=${endpointId}&status=delivered`, { key });
    expect(log.status).toBe(200);
    const listed = log.body.deliveries.find((d: any) => d.eventType === 'booking.cancelled' && d.messageId === attempts[0]!.id);
    expect(listed).toMatchObject({ status: 'delivered', attempts: 3, lastStatusCode: 200, lastError: null, nextAttemptAt: null });
    const detail = await call(app, 'GET', `/api/meetings/webhooks/deliveries/${listed.id}`, { key });
    expect(detail.body.attemptLog.map((a: any) => [a.trigger, a.statusCode, a.succeeded, a.responseSnippet])).toEqual([
      ['scheduled', 200, true, 'ok'],
      ['scheduled', 502, false, 'refused with 502'],
      ['scheduled', 500, false, 'refused with 500'],
    ]);
    expect(detail.body.attemptLog[1].error).toBe('HTTP 502');
    expect(detail.body.payload).toEqual(attempts[0]!.payload);

    const again = await call(app, 'POST', `/api/meetings/webhooks/deliveries/${listed.id}/redeliver`, { key });
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ id: listed.id, status: 'pending', attempts: 0 });
    await deliverAll();
    const resent = receiver.received.filter((r) => r.id === attempts[0]!.id);
    expect(resent).toHaveLength(4);
    expect(resent[3]!.verified).toBe(true);
    const after = await call(app, 'GET', `/api/meetings/webhooks/deliveries/${listed.id}`, { key });
    expect(after.body).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(after.body.attemptLog[0]).toMatchObject({ trigger: 'manual', statusCode: 200, succeeded: true });
  });

  it('disables an endpoint that keeps failing, tells its owner in Slack, and sends what it missed once it is enabled again', async () => {
    const created = await call(app, 'POST', '/api/meetings/webhooks/endpoints', {
      key,
      body: { url: failing.url, eventTypes: ['booking.created', 'booking.rescheduled'], notifySlackUserId: 'U0ANA' },
    });
    expect(created.status).toBe(201);
    const failingId = created.body.endpoint.id;
    failing.secret = created.body.secret;
    failing.alwaysAnswer(503);
    slack.clearCalls();

    const booking = await book();
    await deliverAll();
    expect(failing.of('booking.created').filter((r) => r.payload.data.booking.id === booking.id)).toHaveLength(SCHEDULE.length + 1);
    const endpoint = (await call(app, 'GET', `/api/meetings/webhooks/endpoints/${failingId}`, { key })).body;
    expect(endpoint).toMatchObject({ status: 'disabled', disabledReason: expect.stringContaining('HTTP 503'), failingSince: expect.any(String) });
    const dm = await slack.waitFor('chat.postMessage', (b) => b.channel === 'U0ANA' && String(b.text).includes(failing.url));
    expect(dm.body.text).toContain('was disabled');
    expect(slack.callsOf('chat.postMessage').filter((c) => String(c.body.text).includes(failing.url))).toHaveLength(1);
    // The endpoint that works is unaffected.
    expect((await call(app, 'GET', `/api/meetings/webhooks/endpoints/${endpointId}`, { key })).body.status).toBe('enabled');

    // While disabled it gets nothing, and its failures cannot be redelivered.
    const before = failing.received.length;
    const moved = await call(app, 'POST', `/api/meetings/bookings/${booking.id}/reschedule`, { key, body: { start: '2027-03-22T10:00:00Z' } });
    expect(moved.status).toBe(200);
    await deliverAll();
    expect(failing.received.length).toBe(before);
    const failed = (await call(app, 'GET', `/api/meetings/webhooks/deliveries?endpointId=${failingId}&status=failed`, { key })).body.deliveries;
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ lastStatusCode: 503, lastError: 'HTTP 503', attempts: SCHEDULE.length + 1 });
    const refused = await call(app, 'POST', `/api/meetings/webhooks/deliveries/${failed[0].id}/redeliver`, { key });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('endpoint_disabled');

    // Back on: a recovery sends the failed delivery again (the move happened while it was off, so it was never made).
    failing.alwaysAnswer(204);
    const enabled = await call(app, 'PATCH', `/api/meetings/webhooks/endpoints/${failingId}`, { key, body: { enabled: true } });
    expect(enabled.body).toMatchObject({ status: 'enabled', disabledReason: null, failingSince: null });
    const recovered = await call(app, 'POST', `/api/meetings/webhooks/endpoints/${failingId}/recover`, { key, body: { since: '2000-01-01T00:00:00Z' } });
    expect(recovered).toMatchObject({ status: 202, body: { redelivering: 1 } });
    await deliverAll();
    const last = failing.received[failing.received.length - 1]!;
    expect(last).toMatchObject({ id: failed[0].messageId, verified: true });
    expect((await call(app, 'GET', `/api/meetings/webhooks/deliveries/${failed[0].id}`, { key })).body).toMatchObject({ status: 'delivered', lastStatusCode: 204 });
  });

  it('sends a test message at once and says what the endpoint answered, or why it could not be reached', async () => {
    const tested = await call(app, 'POST', `/api/meetings/webhooks/endpoints/${endpointId}/test`, { key });
    expect(tested.status).toBe(200);
    expect(tested.body.attempt).toMatchObject({ trigger: 'test', succeeded: true, statusCode: 200, responseSnippet: 'ok' });
    const [ping] = receiver.of('webhook.test');
    expect(ping).toMatchObject({ verified: true, id: tested.body.delivery.messageId });
    expect(ping!.payload.data.change.endpointId).toBe(endpointId);

    const unreachable = await call(app, 'POST', '/api/meetings/webhooks/endpoints', { key, body: { url: 'http://127.0.0.1:9/nothing-listens-here', eventTypes: ['meeting.ended'] } });
    const result = await call(app, 'POST', `/api/meetings/webhooks/endpoints/${unreachable.body.endpoint.id}/test`, { key });
    expect(result.body.attempt).toMatchObject({ succeeded: false, statusCode: null, error: expect.stringContaining('Could not reach the endpoint') });
    expect(result.body.delivery).toMatchObject({ status: 'failed', attempts: 1 });
    // A test says nothing about whether the endpoint should be disabled.
    expect((await call(app, 'GET', `/api/meetings/webhooks/endpoints/${unreachable.body.endpoint.id}`, { key })).body.status).toBe('enabled');
    expect((await call(app, 'DELETE', `/api/meetings/webhooks/endpoints/${unreachable.body.endpoint.id}`, { key })).status).toBe(204);
    expect((await call(app, 'GET', `/api/meetings/webhooks/endpoints/${unreachable.body.endpoint.id}`, { key })).status).toBe(404);
  });

  it('never sends one delivery twice, with two senders on two connections working the same queue', async () => {
    const other = 'T0HOOKS2';
    const otherTeam = await seedTeam(handle.db, other, { U0CAT: 'Europe/London' });
    const otherKey = (await createApiKey(handle.db, { teamId: other, name: 'race' })).key;
    const race = await new WebhookReceiver().start();
    try {
      const created = await call(app, 'POST', '/api/meetings/webhooks/endpoints', { key: otherKey, body: { url: race.url, eventTypes: ['booking.created'] } });
      race.secret = created.body.secret;
      const bookings = 24;
      for (let i = 0; i < bookings; i++) {
        const start = new Date(Date.UTC(2027, 2, 2 + Math.floor(i / 8), 9 + (i % 8), 0));
        await createBooking(handle.db, other, { meetingTypeId: otherTeam.types.m30.id, organizerId: 'U0CAT', start: start.toISOString(), source: 'api' }, { now: NOW });
      }
      await dispatcher.drain();
      const second = await connectAgain(handle);
      try {
        const a = new WebhookSender(handle.db, { retryScheduleMs: SCHEDULE, batchSize: 3, log: quiet });
        const b = new WebhookSender(second.db, { retryScheduleMs: SCHEDULE, batchSize: 3, log: quiet });
        const rounds = [0, 0];
        await Promise.all([a, b].map(async (s, i) => {
          for (let n; (n = await s.runOnce()) > 0; ) rounds[i]! += n;
        }));
        expect(rounds[0]! + rounds[1]!).toBe(bookings);
      } finally {
        await second.close();
      }
      expect(race.received).toHaveLength(bookings);
      expect(new Set(race.received.map((r) => r.id)).size).toBe(bookings);
      expect(race.received.every((r) => r.verified)).toBe(true);
      const log = await call(app, 'GET', '/api/meetings/webhooks/deliveries?status=delivered&limit=100', { key: otherKey });
      expect(log.body.deliveries).toHaveLength(bookings);
      // Row level security: the other team's log has none of these.
      const mine = await call(app, 'GET', '/api/meetings/webhooks/deliveries?limit=100', { key });
      expect(mine.body.deliveries.some((d: any) => race.received.some((r) => r.id === d.messageId && d.eventType === 'booking.created' && d.endpointId === created.body.endpoint.id))).toBe(false);
    } finally {
      await race.close();
    }
  });
});
