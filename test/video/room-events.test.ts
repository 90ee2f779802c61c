import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import twilio from 'twilio';
import { createApp } from '../../src/app.js';
import { createBooking, type Booking } from '../../src/bookings/index.js';
import type { DatabaseHandle } from '../../src/db/client.js';
import { bookingEvents, meetingRoomEvents, meetingRooms } from '../../src/db/schema.js';
import { withTeam } from '../../src/db/tenant.js';
import { joinUrl } from '../../src/video/links.js';
import { isValidTwilioSignature, twilioSignature } from '../../src/video/twilio-signature.js';
import { databaseKinds, openTestDatabase } from '../support/databases.js';
import { seedTeam, type SeededTeam } from '../support/fixtures.js';
import { TWILIO, useFakeTwilio, testConfig } from './support.js';

const T = 'T0EVENTS';
const config = testConfig();
const callbackUrl = 'https://meet.example.com/api/meetings/rooms/events';
const twilioMock = useFakeTwilio();

describe("Twilio's signature algorithm", () => {
  const cases: Record<string, string | string[]>[] = [
    {},
    { RoomName: 'mfs_T0_x', StatusCallbackEvent: 'room-created', SequenceNumber: '0' },
    { b: '2', a: '1', A: '0', Z: 'ünïcødé ✓', empty: '' },
    { multi: ['b', 'a', 'b'], single: 'x' },
  ];
  it.each(cases.map((params, i) => [i, params] as const))('matches the twilio package for case %i', async (_i, params) => {
    for (const url of [callbackUrl, 'https://meet.example.com:8443/api/meetings/rooms/events?x=1&y=%20']) {
      const ours = await twilioSignature(TWILIO.authToken, url, params);
      expect(ours).toBe(twilio.getExpectedTwilioSignature(TWILIO.authToken, url, params));
      expect(twilio.validateRequest(TWILIO.authToken, ours, url, params)).toBe(true);
      expect(await isValidTwilioSignature(TWILIO.authToken, ours, [url], params)).toBe(true);
    }
  });

  it('rejects an altered parameter, URL, token or signature', async () => {
    const params = { RoomName: 'mfs_T0_x', RoomDuration: '60' };
    const signature = twilio.getExpectedTwilioSignature(TWILIO.authToken, callbackUrl, params);
    expect(await isValidTwilioSignature(TWILIO.authToken, signature, [callbackUrl], params)).toBe(true);
    expect(await isValidTwilioSignature(TWILIO.authToken, signature, [callbackUrl], { ...params, RoomDuration: '61' })).toBe(false);
    expect(await isValidTwilioSignature(TWILIO.authToken, signature, [callbackUrl], { ...params, Extra: '' })).toBe(false);
    expect(await isValidTwilioSignature(TWILIO.authToken, signature, [`${callbackUrl}?x=1`], params)).toBe(false);
    expect(await isValidTwilioSignature('another-auth-token', signature, [callbackUrl], params)).toBe(false);
    expect(await isValidTwilioSignature(TWILIO.authToken, signature.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')), [callbackUrl], params)).toBe(false);
    expect(await isValidTwilioSignature(TWILIO.authToken, undefined, [callbackUrl], params)).toBe(false);
    expect(await isValidTwilioSignature(TWILIO.authToken, '', [callbackUrl], params)).toBe(false);
  });
});

describe.each(databaseKinds())('POST /api/meetings/rooms/events on %s', (kind) => {
  let handle: DatabaseHandle;
  let team: SeededTeam;
  let clock: Date;
  let app: ReturnType<typeof createApp>;
  let slot = 0;

  beforeAll(async () => {
    handle = await openTestDatabase(kind);
    team = await seedTeam(handle.db, T, { U0ANA: 'Europe/London', U0BEN: 'Europe/Paris' });
    app = createApp({ db: handle.db, dbKind: kind, config, now: () => clock });
  });
  afterAll(() => handle?.close());

  /** A booking whose room was opened by a first join, as the page does it. */
  async function openedRoom(): Promise<{ booking: Booking; roomName: string; roomSid: string }> {
    const start = new Date(Date.UTC(2027, 2, 1, 10 + slot++, 0));
    const { booking } = await createBooking(
      handle.db,
      T,
      { meetingTypeId: team.types.m30.id, organizerId: 'U0ANA', hostIds: ['U0BEN'], start: start.toISOString(), source: 'api' },
      { now: new Date('2027-02-26T12:00:00Z') },
    );
    clock = new Date(start.getTime() - 60_000);
    const k = new URL(await joinUrl(config, { teamId: T, bookingId: booking.id, participant: 'U0ANA' })).searchParams.get('k');
    const response = await app.request(`/api/meetings/rooms/${booking.id}/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ k }) });
    expect(response.status).toBe(200);
    const { roomName } = (await response.json()) as { roomName: string };
    return { booking, roomName, roomSid: twilioMock.rooms.get(roomName)!.sid };
  }

  function callback(params: Record<string, string>, options: { signature?: string | null; authToken?: string; url?: string } = {}) {
    const signature =
      options.signature === undefined ? twilio.getExpectedTwilioSignature(options.authToken ?? TWILIO.authToken, options.url ?? callbackUrl, params) : options.signature;
    return app.request(options.url ?? callbackUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature !== null ? { 'x-twilio-signature': signature } : {}) },
      body: new URLSearchParams(params).toString(),
    });
  }

  const roomOf = async (bookingId: string) => (await withTeam(handle.db, T, (tx) => tx.select().from(meetingRooms).where(eq(meetingRooms.bookingId, bookingId))))[0]!;
  /** The meeting.started / meeting.ended events in the outbox for a booking. */
  const told = async (bookingId: string) =>
    (await withTeam(handle.db, T, (tx) => tx.select().from(bookingEvents).where(eq(bookingEvents.bookingId, bookingId)).orderBy(bookingEvents.id)))
      .filter((e) => e.kind.startsWith('meeting.'))
      .map((e) => ({ kind: e.kind, payload: e.payload }));
  const eventsOf = (roomId: string) => withTeam(handle.db, T, (tx) => tx.select().from(meetingRoomEvents).where(eq(meetingRoomEvents.roomId, roomId)));

  const base = (roomName: string, roomSid: string) => ({ AccountSid: TWILIO.accountSid, RoomName: roomName, RoomSid: roomSid, RoomType: 'group' });

  it('records the room starting, people joining and leaving, and the room ending with its duration', async () => {
    const { booking, roomName, roomSid } = await openedRoom();
    const room = base(roomName, roomSid);
    const send = async (params: Record<string, string>) => {
      const response = await callback({ ...room, ...params });
      expect(response.status).toBe(200);
      return (await response.json()) as { outcome: string };
    };

    expect(await send({ StatusCallbackEvent: 'room-created', RoomStatus: 'in-progress', SequenceNumber: '0', Timestamp: '2027-03-01T09:59:10.000Z' })).toEqual({ received: true, outcome: 'recorded' });
    expect(await roomOf(booking.id)).toMatchObject({ status: 'in-progress', startedAt: new Date('2027-03-01T09:59:10.000Z'), participantCount: 0 });
    expect(await told(booking.id)).toEqual([
      { kind: 'meeting.started', payload: { roomSid, startedAt: '2027-03-01T09:59:10.000Z', endedAt: null, durationSeconds: null } },
    ]);

    await send({ StatusCallbackEvent: 'participant-connected', ParticipantIdentity: 'slack:U0ANA', ParticipantSid: 'PA1', SequenceNumber: '1', Timestamp: '2027-03-01T09:59:12.000Z' });
    await send({ StatusCallbackEvent: 'participant-connected', ParticipantIdentity: 'slack:U0BEN', ParticipantSid: 'PA2', SequenceNumber: '2', Timestamp: '2027-03-01T10:01:00.000Z' });
    expect((await roomOf(booking.id)).participantCount).toBe(2);
    await send({ StatusCallbackEvent: 'participant-disconnected', ParticipantIdentity: 'slack:U0BEN', ParticipantSid: 'PA2', SequenceNumber: '3', Timestamp: '2027-03-01T10:20:00.000Z' });
    expect((await roomOf(booking.id)).participantCount).toBe(1);
    await send({ StatusCallbackEvent: 'participant-disconnected', ParticipantIdentity: 'slack:U0ANA', ParticipantSid: 'PA1', SequenceNumber: '4', Timestamp: '2027-03-01T10:31:00.000Z' });
    await send({ StatusCallbackEvent: 'room-ended', RoomStatus: 'completed', RoomDuration: '1920', SequenceNumber: '5', Timestamp: '2027-03-01T10:31:10.000Z' });

    expect(await roomOf(booking.id)).toMatchObject({
      status: 'completed',
      participantCount: 0,
      startedAt: new Date('2027-03-01T09:59:10.000Z'),
      endedAt: new Date('2027-03-01T10:31:10.000Z'),
      durationSeconds: 1920,
    });
    const outbox = await told(booking.id);
    expect(outbox).toHaveLength(2);
    expect(outbox[1]).toEqual({
      kind: 'meeting.ended',
      payload: { roomSid, startedAt: '2027-03-01T09:59:10.000Z', endedAt: '2027-03-01T10:31:10.000Z', durationSeconds: 1920 },
    });
    const events = await eventsOf((await roomOf(booking.id)).id);
    expect(events.map((e) => [e.event, e.participantIdentity]).sort()).toEqual(
      [
        ['participant-connected', 'slack:U0ANA'],
        ['participant-connected', 'slack:U0BEN'],
        ['participant-disconnected', 'slack:U0ANA'],
        ['participant-disconnected', 'slack:U0BEN'],
        ['room-created', null],
        ['room-ended', null],
      ].sort(),
    );
    expect(events.find((e) => e.event === 'room-ended')!.payload).toMatchObject({ RoomDuration: '1920' });
  });

  it('takes a replayed callback without changing anything', async () => {
    const { booking, roomName, roomSid } = await openedRoom();
    const joined = { ...base(roomName, roomSid), StatusCallbackEvent: 'participant-connected', ParticipantIdentity: 'slack:U0ANA', SequenceNumber: '1', Timestamp: '2027-03-01T10:00:00Z' };
    expect(await (await callback(joined)).json()).toEqual({ received: true, outcome: 'recorded' });
    const before = await roomOf(booking.id);
    const toldBefore = await told(booking.id);
    for (let i = 0; i < 3; i++) {
      const replay = await callback(joined);
      expect(replay.status).toBe(200);
      expect(await replay.json()).toEqual({ received: true, outcome: 'replay' });
    }
    const after = await roomOf(booking.id);
    expect(after).toEqual(before);
    expect(after.participantCount).toBe(1);
    expect(await told(booking.id)).toEqual(toldBefore);
    expect(await eventsOf(after.id)).toHaveLength(1);

    // Without a sequence number the whole payload identifies the callback.
    const ended = { ...base(roomName, roomSid), StatusCallbackEvent: 'room-ended', RoomDuration: '65', Timestamp: '2027-03-01T10:01:05Z' };
    expect(await (await callback(ended)).json()).toMatchObject({ outcome: 'recorded' });
    expect(await (await callback(ended)).json()).toMatchObject({ outcome: 'replay' });
    expect(await roomOf(booking.id)).toMatchObject({ status: 'completed', durationSeconds: 65 });
  });

  it('rejects unsigned, altered and wrongly signed callbacks, recording nothing', async () => {
    const { booking, roomName, roomSid } = await openedRoom();
    const ended = { ...base(roomName, roomSid), StatusCallbackEvent: 'room-ended', RoomDuration: '1920', SequenceNumber: '9' };
    const signature = twilio.getExpectedTwilioSignature(TWILIO.authToken, callbackUrl, ended);

    const attempts = [
      await callback(ended, { signature: null }),
      await callback(ended, { signature: '' }),
      await callback({ ...ended, RoomDuration: '9999' }, { signature }),
      await callback(ended, { authToken: 'not-the-auth-token' }),
      await callback(ended, { signature, url: `${callbackUrl}?evil=1` }),
    ];
    for (const response of attempts) {
      expect(response.status).toBe(403);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('signature_invalid');
    }
    const room = await roomOf(booking.id);
    expect(room).toMatchObject({ status: 'pending', durationSeconds: null, endedAt: null });
    expect(await eventsOf(room.id)).toEqual([]);
  });

  it('answers 404 for a signed callback about a room it never opened', async () => {
    const unknown = { AccountSid: TWILIO.accountSid, RoomName: `mfs_${T}_00000000-0000-4000-8000-000000000000`, RoomSid: 'RMx', StatusCallbackEvent: 'room-created' };
    const response = await callback(unknown);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unknown_room');
    const foreign = await callback({ ...unknown, RoomName: 'someone-elses-room' });
    expect(foreign.status).toBe(404);
  });

  it('answers 503 when Twilio is not configured', async () => {
    const unconfigured = createApp({ db: handle.db, dbKind: kind, config: testConfig({ twilio: null }), now: () => clock });
    const response = await unconfigured.request(callbackUrl, { method: 'POST', body: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(response.status).toBe(503);
  });
});
