import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { cancelBooking, createBooking, rescheduleBooking, type Booking } from '../../src/bookings/index.js';
import type { DatabaseHandle } from '../../src/db/client.js';
import { guestJoinUrl, joinUrl } from '../../src/video/links.js';
import { applyRoomCallback } from '../../src/video/room-store.js';
import { databaseKinds, openTestDatabase } from '../support/databases.js';
import { captureLogs } from '../support/console.js';
import { seedTeam, type SeededTeam } from '../support/fixtures.js';
import { useFakeTwilio, testConfig } from './support.js';
import { forgedToken } from '../support/tokens.js';

const T = 'T0STATUS';
const bookedAt = new Date('2027-02-26T12:00:00Z');
const config = testConfig();
const twilioMock = useFakeTwilio();

interface Status {
  meeting: { status: string; title: string; startsAt: string; endsAt: string; opensAt: string; closesAt: string; window: string; cancelledAt: string | null; cancelReason: string | null };
  call: { status: string; startedAt: string | null; participants: { identity: string; name: string }[] | null; participantsFrom: string | null };
  serverNow: string;
}

describe.each(databaseKinds())('POST /api/meetings/rooms/:booking/status on %s', (kind) => {
  let handle: DatabaseHandle;
  let team: SeededTeam;
  let clock: Date;
  let app: ReturnType<typeof createApp>;
  let slot = 0;

  beforeAll(async () => {
    handle = await openTestDatabase(kind);
    team = await seedTeam(handle.db, T, { U0ANA: 'Europe/London', U0BEN: 'Europe/London' });
    app = createApp({ db: handle.db, dbKind: kind, config, now: () => clock });
  });
  afterAll(() => handle?.close());
  beforeEach(() => {
    twilioMock.requests.length = 0;
  });

  async function book(): Promise<Booking> {
    const start = new Date(Date.UTC(2027, 2, 1 + Math.floor(slot / 6), 9 + (slot++ % 6), 0));
    const { booking } = await createBooking(
      handle.db,
      T,
      { meetingTypeId: team.types.m30.id, organizerId: 'U0ANA', hostIds: ['U0BEN'], guests: [{ name: 'Dana' }], start: start.toISOString(), source: 'api', title: 'Weekly sync' },
      { now: bookedAt },
    );
    clock = new Date(start.getTime() - 5 * 60_000);
    return booking;
  }

  const k = async (bookingId: string, participant = 'U0ANA') => new URL(await joinUrl(config, { teamId: T, bookingId, participant })).searchParams.get('k')!;
  const post = (bookingId: string, path: 'status' | 'token', body: unknown) =>
    app.request(`/api/meetings/rooms/${bookingId}/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  async function status(bookingId: string, body: Record<string, unknown>): Promise<Status> {
    const response = await post(bookingId, 'status', body);
    expect(response.status).toBe(200);
    return (await response.json()) as Status;
  }

  it('says who is in the call, from Twilio, with their names', async () => {
    const booking = await book();
    const before = await status(booking.id, { k: await k(booking.id, 'U0BEN') });
    expect(before).toEqual({
      meeting: {
        status: 'confirmed',
        title: 'Weekly sync',
        startsAt: booking.startsAt.toISOString(),
        endsAt: booking.endsAt.toISOString(),
        opensAt: new Date(booking.startsAt.getTime() - 10 * 60_000).toISOString(),
        closesAt: new Date(booking.endsAt.getTime() + 30 * 60_000).toISOString(),
        window: 'open',
        cancelledAt: null,
        cancelReason: null,
      },
      call: { status: 'not_started', startedAt: null, participants: [], participantsFrom: null },
      serverNow: clock.toISOString(),
    });
    expect(twilioMock.requests).toEqual([]);

    const joined = await post(booking.id, 'token', { k: await k(booking.id), device: 'laptop01' });
    const { roomName } = (await joined.json()) as { roomName: string };
    const sid = twilioMock.rooms.get(roomName)!.sid;
    twilioMock.participants.set(sid, [
      { identity: 'slack:U0ANA:laptop01', start_time: clock.toISOString() },
      { identity: 'slack:U0ANA:phone002' },
      { identity: 'guest:1a2b3c4d:Dana%20Guest' },
      { identity: 'slack:U0BEN', status: 'disconnected' },
    ]);
    twilioMock.requests.length = 0;
    const during = await status(booking.id, { k: await k(booking.id, 'U0BEN') });
    expect(during.call).toEqual({
      status: 'in-progress',
      startedAt: null,
      participants: [
        { identity: 'slack:U0ANA:laptop01', name: 'Person U0ANA' },
        { identity: 'slack:U0ANA:phone002', name: 'Person U0ANA' },
        { identity: 'guest:1a2b3c4d:Dana%20Guest', name: 'Dana Guest' },
      ],
      participantsFrom: 'twilio',
    });
    expect(twilioMock.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v1/Rooms/${sid}/Participants?Status=connected&PageSize=50`]);

    // Asked without participants (the page in the call), Twilio is not asked.
    twilioMock.requests.length = 0;
    expect((await status(booking.id, { k: await k(booking.id), participants: false })).call.participants).toBeNull();
    expect(twilioMock.requests).toEqual([]);
  });

  it("falls back on the recorded status callbacks when Twilio's participants API fails", async () => {
    const booking = await book();
    const { roomName } = (await (await post(booking.id, 'token', { k: await k(booking.id) })).json()) as { roomName: string };
    const sid = twilioMock.rooms.get(roomName)!.sid;
    const callback = (n: number, event: string, identity: string) =>
      applyRoomCallback(handle.db, { teamId: T, uniqueName: roomName, params: { RoomSid: sid, RoomName: roomName, StatusCallbackEvent: event, ParticipantIdentity: identity, SequenceNumber: String(n), Timestamp: new Date(clock.getTime() + n * 1000).toISOString() } }, clock);
    await callback(1, 'participant-connected', 'slack:U0ANA:aaaa1111');
    await callback(2, 'participant-connected', 'slack:U0BEN');
    await callback(3, 'participant-connected', 'guest:9f9f9f9f:Dana');
    await callback(4, 'participant-disconnected', 'slack:U0BEN');
    twilioMock.state.participantsFailWith = 500;
    const logged = captureLogs(/Twilio participants unavailable/);
    const answer = await status(booking.id, { k: await k(booking.id, 'U0BEN') });
    expect(answer.call).toMatchObject({
      status: 'in-progress',
      participants: [
        { identity: 'slack:U0ANA:aaaa1111', name: 'Person U0ANA' },
        { identity: 'guest:9f9f9f9f:Dana', name: 'Dana' },
      ],
      participantsFrom: 'recorded',
    });
    expect(answer.call.startedAt).toBe(new Date(clock.getTime() + 1000).toISOString());
    expect(logged.join('\n')).toMatch(/using recorded events: Twilio answered 500/);
  });

  it('says a meeting was cancelled, and where a moved one went, to links that still hold', async () => {
    const booking = await book();
    const link = await k(booking.id, 'U0BEN');
    const { booking: moved } = await rescheduleBooking(handle.db, T, { bookingId: booking.id, start: '2027-04-05T09:00:00Z', actorId: 'U0ANA' }, { now: bookedAt });
    const afterMove = await status(booking.id, { k: link });
    expect(afterMove.meeting).toMatchObject({ status: 'confirmed', startsAt: moved.startsAt.toISOString(), window: 'too_early' });

    clock = new Date(clock.getTime() + 60_000);
    await cancelBooking(handle.db, T, { bookingId: moved.id, actorId: 'U0ANA', reason: 'Project paused' }, { now: clock });
    const afterCancel = await status(booking.id, { k: link });
    expect(afterCancel.meeting).toMatchObject({ status: 'cancelled', cancelReason: 'Project paused', cancelledAt: clock.toISOString() });
    expect(afterCancel.call).toEqual({ status: 'not_started', startedAt: null, participants: null, participantsFrom: null });
    const guestK = new URL(await guestJoinUrl(config, { teamId: T, bookingId: moved.id })).searchParams.get('k')!;
    expect((await status(moved.id, { k: guestK })).meeting.status).toBe('cancelled');
    // Joining it is still refused.
    expect((await post(booking.id, 'token', { k: link })).status).toBe(410);
  });

  it('refuses a bad link as the token route does', async () => {
    const booking = await book();
    const good = await k(booking.id);
    const forged = await post(booking.id, 'status', { k: forgedToken(good) });
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe('link_invalid');
    expect((await post(booking.id, 'status', {})).status).toBe(400);
    expect((await post(booking.id, 'status', { k: await k(booking.id, 'U0CAL') })).status).toBe(403);
  });
});
