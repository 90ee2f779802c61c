import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { createApiKey } from '../../src/api/keys.js';
import { cancelBooking, createBooking, rescheduleBooking } from '../../src/bookings/index.js';
import type { DatabaseHandle } from '../../src/db/client.js';
import { EventDispatcher, type DeliveredEvent, type EventHandler } from '../../src/events/index.js';
import { listEvents } from '../../src/events/store.js';
import { call } from '../api/support.js';
import { connectAgain, databaseKinds, openTestDatabase } from '../support/databases.js';
import { seedTeam, type SeededTeam } from '../support/fixtures.js';
import { loadConfig } from '../../src/config.js';

const TEAM = 'T0EVENTS';
const NOW = new Date('2027-03-01T08:00:00Z');
const quiet = { warn: () => {}, error: () => {} };

/** A consumer that writes down what it was handed; `fail` decides per event whether this attempt throws. */
function recorder(name: string, fail: (event: DeliveredEvent) => boolean = () => false, extra: Partial<EventHandler> = {}) {
  const seen: DeliveredEvent[] = [];
  const handler: EventHandler = {
    name,
    kinds: ['booking.created', 'booking.rescheduled', 'booking.cancelled', 'meeting.started', 'meeting.ended'],
    backoffMs: () => 10,
    ...extra,
    async handle(event) {
      seen.push(event);
      if (fail(event)) throw new Error(`refused ${event.kind} #${event.id} (attempt ${event.attempt})`);
    },
  };
  return { handler, seen };
}

describe.each(databaseKinds())('booking events on %s', (kind) => {
  let handle: DatabaseHandle;
  let team: SeededTeam;
  let hour = 0;
  beforeAll(async () => {
    handle = await openTestDatabase(kind);
    team = await seedTeam(handle.db, TEAM, { U0ANA: 'Europe/London', U0BEN: 'Europe/London', U0CAT: 'Europe/London' });
  });
  afterAll(() => handle?.close());

  /** A fresh booking on its own hour, so tests never collide. */
  async function book(organizerId = 'U0ANA') {
    const start = new Date(Date.UTC(2027, 2, 2 + Math.floor(hour / 7), 9 + (hour++ % 7), 0));
    return (await createBooking(handle.db, TEAM, { meetingTypeId: team.types.m30.id, organizerId, start: start.toISOString(), source: 'api' }, { now: NOW })).booking;
  }

  /** Delivers whatever is due to these handlers, then stops. */
  async function deliver(...handlers: EventHandler[]) {
    const dispatcher = new EventDispatcher(handle.db, handlers, { log: quiet });
    await dispatcher.drain();
  }

  it('writes an event with every change, in the same transaction, and none for a change refused', async () => {
    const booking = await book();
    const moved = await rescheduleBooking(handle.db, TEAM, { bookingId: booking.id, start: '2027-03-22T14:00:00Z', actorId: 'U0ANA' }, { now: NOW });
    await cancelBooking(handle.db, TEAM, { bookingId: moved.booking.id, actorId: 'U0ANA', reason: 'Done' }, { now: NOW });
    await expect(
      createBooking(handle.db, TEAM, { meetingTypeId: team.types.m30.id, organizerId: 'U0BEN', start: '2027-03-22T14:00:00Z', source: 'api' }, { now: NOW }).then(() =>
        createBooking(handle.db, TEAM, { meetingTypeId: team.types.m30.id, organizerId: 'U0BEN', start: '2027-03-22T14:00:00Z', source: 'api' }, { now: NOW }),
      ),
    ).rejects.toMatchObject({ code: 'slot_taken' });

    const { events } = await listEvents(handle.db, TEAM, { meetingId: booking.meetingId, limit: 10 });
    expect(events.map((e) => [e.kind, e.bookingId]).reverse()).toEqual([
      ['booking.created', booking.id],
      ['booking.rescheduled', moved.booking.id],
      ['booking.cancelled', moved.booking.id],
    ]);
    expect(moved.booking.meetingId).toBe(booking.id);
    expect(events[1]!.payload).toMatchObject({ previousBookingId: booking.id, previousStartsAt: booking.startsAt.toISOString(), actorId: 'U0ANA' });
    expect(events[0]!.payload).toMatchObject({ actorId: 'U0ANA', reason: 'Done' });
    const benEvents = (await listEvents(handle.db, TEAM, { limit: 100 })).events.filter((e) => e.kind === 'booking.created' && e.payload.actorId === 'U0BEN');
    expect(benEvents).toHaveLength(1);
  });

  it('hands each event to each handler once, in order per meeting', async () => {
    const a = recorder('a');
    const b = recorder('b');
    await deliver(a.handler, b.handler); // whatever earlier tests left
    a.seen.length = 0;
    b.seen.length = 0;
    const first = await book();
    const second = await book('U0BEN');
    const moved = await rescheduleBooking(handle.db, TEAM, { bookingId: first.id, start: '2027-03-23T14:00:00Z', actorId: 'U0ANA' }, { now: NOW });
    await cancelBooking(handle.db, TEAM, { bookingId: moved.booking.id, actorId: 'U0ANA' }, { now: NOW });
    await deliver(a.handler, b.handler);
    await deliver(a.handler, b.handler);
    for (const { seen } of [a, b]) {
      expect(seen.filter((e) => e.meetingId === first.id).map((e) => e.kind)).toEqual(['booking.created', 'booking.rescheduled', 'booking.cancelled']);
      expect(seen.filter((e) => e.meetingId === second.id).map((e) => e.kind)).toEqual(['booking.created']);
      expect(new Set(seen.map((e) => e.id)).size).toBe(seen.length);
    }
  });

  it('retries a failing handler with backoff, holds the meeting’s later events meanwhile, and records the last error', async () => {
    await deliver(recorder('flaky').handler);
    const booking = await book();
    let refusals = 2;
    const flaky = recorder('flaky', (e) => e.meetingId === booking.id && e.kind === 'booking.created' && refusals-- > 0);
    await cancelBooking(handle.db, TEAM, { bookingId: booking.id, actorId: 'U0ANA' }, { now: NOW });
    const dispatcher = new EventDispatcher(handle.db, [flaky.handler], { log: quiet });
    await dispatcher.runOnce();
    // The created event failed once: it waits for its retry, and the cancel of the same meeting waits behind it.
    expect(flaky.seen.filter((e) => e.meetingId === booking.id).map((e) => e.kind)).toEqual(['booking.created']);
    const pending = (await listEvents(handle.db, TEAM, { meetingId: booking.id, limit: 5 })).events.find((e) => e.kind === 'booking.created')!;
    expect(pending.deliveries).toEqual([
      expect.objectContaining({ handler: 'flaky', status: 'pending', attempts: 1, lastError: expect.stringContaining('refused booking.created') }),
    ]);
    await dispatcher.drain();
    const mine = flaky.seen.filter((e) => e.meetingId === booking.id);
    expect(mine.map((e) => [e.kind, e.attempt])).toEqual([
      ['booking.created', 1],
      ['booking.created', 2],
      ['booking.created', 3],
      ['booking.cancelled', 1],
    ]);
    const settled = (await listEvents(handle.db, TEAM, { meetingId: booking.id, limit: 5 })).events;
    expect(settled.flatMap((e) => e.deliveries.map((d) => [d.status, d.lastError]))).toEqual([
      ['delivered', null],
      ['delivered', null],
    ]);
  });

  it('gives up after the last attempt, lists the failure through the API, and delivers it again on request', async () => {
    await deliver(recorder('stubborn').handler);
    const booking = await book();
    let broken = true;
    const stubborn = recorder('stubborn', (e) => broken && e.meetingId === booking.id, { maxAttempts: 2 });
    await deliver(stubborn.handler);
    expect(stubborn.seen.filter((e) => e.meetingId === booking.id).map((e) => [e.attempt, e.lastAttempt])).toEqual([
      [1, false],
      [2, true],
    ]);

    const config = await loadConfig({ LINK_SECRET: 'test-link-secret-test-link-secret-0123', DATA_DIR: '/tmp/meetings-events-tests' });
    const app = createApp({ db: handle.db, dbKind: handle.kind, config, now: () => NOW });
    const { key } = await createApiKey(handle.db, { teamId: TEAM, name: 'events' });
    const failed = await call(app, 'GET', '/api/meetings/events?status=failed', { key });
    expect(failed.status).toBe(200);
    const listed = failed.body.events.find((e: any) => e.bookingId === booking.id);
    expect(listed).toMatchObject({ kind: 'booking.created', meetingId: booking.id });
    expect(listed.deliveries).toEqual([
      { handler: 'stubborn', status: 'failed', attempts: 2, lastError: expect.stringContaining('refused'), nextAttemptAt: null, deliveredAt: null },
    ]);

    broken = false;
    const again = await call(app, 'POST', `/api/meetings/events/${listed.id}/redeliver`, { key });
    expect(again).toMatchObject({ status: 202, body: { redelivering: 1 } });
    await deliver(stubborn.handler);
    const after = await call(app, 'GET', `/api/meetings/events?bookingId=${booking.id}`, { key });
    expect(after.body.events[0].deliveries[0]).toMatchObject({ status: 'delivered', attempts: 1 });
    expect((await call(app, 'POST', '/api/meetings/events/999999999/redeliver', { key })).status).toBe(404);
    // Another team sees none of it.
    const { key: otherKey } = await createApiKey(handle.db, { teamId: 'T0OTHER', name: 'other' });
    expect((await call(app, 'GET', '/api/meetings/events', { key: otherKey })).body.events).toEqual([]);
    expect((await call(app, 'POST', `/api/meetings/events/${listed.id}/redeliver`, { key: otherKey })).status).toBe(404);
  });

  it('skips a side effect already made when an event is delivered again', async () => {
    const made: string[] = [];
    let crash = true;
    const handler: EventHandler = {
      name: 'effects',
      kinds: ['booking.created'],
      backoffMs: () => 10,
      async handle(event, effects) {
        await effects.once('post', async () => {
          made.push(`post ${event.id}`);
        });
        if (crash) {
          crash = false;
          throw new Error('crashed after posting');
        }
        await effects.once('remind', async () => {
          made.push(`remind ${event.id}`);
        });
      },
    };
    await deliver({ ...handler, handle: async () => {} });
    const booking = await book();
    await deliver(handler);
    const id = (await listEvents(handle.db, TEAM, { meetingId: booking.id, limit: 1 })).events[0]!.id;
    expect(made).toEqual([`post ${id}`, `remind ${id}`]);
  });

  it('delivers every event exactly once with two dispatchers working at the same time', async () => {
    const quietDeliver = recorder('pair');
    await deliver(quietDeliver.handler);
    const calls = new Map<number, number>();
    const pair: EventHandler = {
      name: 'pair',
      kinds: ['booking.created'],
      async handle(event) {
        calls.set(event.id, (calls.get(event.id) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 5));
      },
    };
    const bookings: { id: string }[] = [];
    for (let i = 0; i < 12; i++) bookings.push(await book(['U0ANA', 'U0BEN', 'U0CAT'][i % 3]));
    const other = await connectAgain(handle);
    try {
      const one = new EventDispatcher(handle.db, [pair], { log: quiet, batchSize: 3 });
      const two = new EventDispatcher(other.db, [pair], { log: quiet, batchSize: 3 });
      await Promise.all([one.drain(), two.drain(), one.drain(), two.drain()]);
    } finally {
      await other.close();
    }
    const ids = (await listEvents(handle.db, TEAM, { limit: 100 })).events.filter((e) => bookings.some((b) => b.id === e.bookingId)).map((e) => e.id);
    expect(ids).toHaveLength(12);
    expect(ids.map((id) => calls.get(id))).toEqual(ids.map(() => 1));
  });

  it('wakes a dispatcher listening on another connection as soon as a booking commits, without waiting for its poll', async () => {
    const listener = await connectAgain(handle);
    const woken = recorder('woken');
    // Events before this test are not this dispatcher's concern.
    await deliver(woken.handler);
    woken.seen.length = 0;
    const dispatcher = new EventDispatcher(listener.db, [woken.handler], { log: quiet, pollMs: 600_000, listen: listener.listen });
    try {
      await dispatcher.start();
      // The first round ran at start; from now on only a notification makes it look again.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const booking = await book('U0BEN');
      const deadline = Date.now() + 20_000;
      while (!woken.seen.some((e) => e.bookingId === booking.id) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(woken.seen.filter((e) => e.bookingId === booking.id).map((e) => e.kind)).toEqual(['booking.created']);
    } finally {
      await dispatcher.stop();
      await listener.close();
    }
  });
});
