import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { http, HttpResponse } from 'msw';
import twilio from 'twilio';
import { createApp } from '../../src/app.js';
import { cancelBooking, createBooking, createMeetingType, rescheduleBooking, type Booking } from '../../src/bookings/index.js';
import type { DatabaseHandle } from '../../src/db/client.js';
import { bookingEvents, meetingRooms } from '../../src/db/schema.js';
import { withTeam } from '../../src/db/tenant.js';
import { guestJoinUrl, joinUrl, personalGuestJoinUrl, signJoinToken } from '../../src/video/links.js';
import { databaseKinds, openTestDatabase } from '../support/databases.js';
import { captureLogs } from '../support/console.js';
import { seedTeam, type SeededTeam } from '../support/fixtures.js';
import { TWILIO, useFakeTwilio, testConfig } from './support.js';
import { forgedToken } from '../support/tokens.js';

const T = 'T0ROOMS';
const bookedAt = new Date('2027-02-26T12:00:00Z');
const config = testConfig();
const twilioMock = useFakeTwilio();

describe.each(databaseKinds())('POST /api/meetings/rooms/:booking/token on %s', (kind) => {
  let handle: DatabaseHandle;
  let team: SeededTeam;
  let clock: Date;
  let app: ReturnType<typeof createApp>;
  let slot = 0;

  beforeAll(async () => {
    handle = await openTestDatabase(kind);
    team = await seedTeam(handle.db, T, { U0ANA: 'Europe/London', U0BEN: 'America/New_York', U0CAL: 'Asia/Kolkata' });
    app = createApp({ db: handle.db, dbKind: kind, config, now: () => clock });
  });
  afterAll(() => handle?.close());
  beforeEach(() => {
    twilioMock.requests.length = 0;
  });

  /** A fresh 30-minute booking each time (half-hours from 15:00 on weekdays from 1 March 2027), so tests do not share rooms. */
  async function book(options: { meetingTypeId?: string } = {}): Promise<Booking> {
    const day = Math.floor(slot / 4);
    const start = new Date(Date.UTC(2027, 2, 1 + day + 2 * Math.floor(day / 5), 15, (slot++ % 4) * 30));
    const { booking } = await createBooking(
      handle.db,
      T,
      { meetingTypeId: options.meetingTypeId ?? team.types.m30.id, organizerId: 'U0ANA', hostIds: ['U0BEN'], guests: [{ name: 'Dana Guest' }], start: start.toISOString(), source: 'api', title: 'Quarterly review' },
      { now: bookedAt },
    );
    clock = new Date(booking.startsAt.getTime() - 5 * 60_000);
    return booking;
  }

  const linkToken = async (bookingId: string, participant = 'U0ANA', teamId = T) =>
    new URL(await joinUrl(config, { teamId, bookingId, participant })).searchParams.get('k')!;

  const requestToken = (bookingId: string, body: unknown, target = app) =>
    target.request(`/api/meetings/rooms/${bookingId}/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  const roomsOf = (bookingId: string) => withTeam(handle.db, T, (tx) => tx.select().from(meetingRooms).where(eq(meetingRooms.bookingId, bookingId)));

  async function expectError(response: Response, status: number, code: string) {
    const body = (await response.json()) as { error: { code: string; message: string; requestId: string } };
    expect({ status: response.status, code: body.error.code }).toEqual({ status, code });
    expect(body.error.message.length).toBeGreaterThan(10);
    expect(body.error.requestId).toBeTruthy();
    return body as Record<string, unknown> & typeof body;
  }

  it('creates the Twilio room on first join and returns a token for that room only', async () => {
    const booking = await book();
    const response = await requestToken(booking.id, { k: await linkToken(booking.id) });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { token: string; identity: string; displayName: string; roomName: string; expiresAt: string; names: Record<string, string> };
    const uniqueName = `mfs_${T}_${booking.id}`;
    expect(body).toMatchObject({ identity: 'slack:U0ANA', displayName: 'Person U0ANA', roomName: uniqueName });
    expect(body.names).toEqual({ 'slack:U0ANA': 'Person U0ANA', 'slack:U0BEN': 'Person U0BEN' });

    expect(twilioMock.requests).toHaveLength(1);
    const [create] = twilioMock.requests;
    expect(create!.authorization).toBe(`Basic ${Buffer.from(`${TWILIO.apiKey}:${TWILIO.apiSecret}`).toString('base64')}`);
    expect(create!.form).toEqual({
      UniqueName: uniqueName,
      Type: 'group',
      StatusCallback: 'https://meet.example.com/api/meetings/rooms/events',
      StatusCallbackMethod: 'POST',
    });

    const rooms = await roomsOf(booking.id);
    expect(rooms).toHaveLength(1);
    expect(rooms[0]).toMatchObject({ uniqueName, providerRoomId: twilioMock.rooms.get(uniqueName)!.sid, status: 'pending', teamId: T });

    // The grant, verified with the API key secret.
    const { payload, protectedHeader } = await jwtVerify(body.token, new TextEncoder().encode(TWILIO.apiSecret), { currentDate: clock });
    expect(protectedHeader).toEqual({ alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1' });
    expect(payload).toMatchObject({ iss: TWILIO.apiKey, sub: TWILIO.accountSid, grants: { identity: 'slack:U0ANA', video: { room: uniqueName } } });
    expect(payload.exp! - payload.iat!).toBe(3600);
    expect(payload.exp! * 1000).toBe(clock.getTime() - (clock.getTime() % 1000) + 3600_000);
    expect(new Date(body.expiresAt).getTime()).toBe(payload.exp! * 1000);
    await expect(jwtVerify(body.token, new TextEncoder().encode('wrong-secret'))).rejects.toThrow();

    // The same shape the twilio package's AccessToken makes (the oracle).
    const oracle = new twilio.jwt.AccessToken(TWILIO.accountSid, TWILIO.apiKey, TWILIO.apiSecret, { identity: 'slack:U0ANA', ttl: 3600 });
    oracle.addGrant(new twilio.jwt.AccessToken.VideoGrant({ room: uniqueName }));
    const expected = oracle.toJwt();
    expect(decodeProtectedHeader(body.token)).toEqual(decodeProtectedHeader(expected));
    const ours = decodeJwt(body.token);
    const theirs = decodeJwt(expected);
    expect(Object.keys(ours).sort()).toEqual(Object.keys(theirs).sort());
    expect(ours.grants).toEqual(theirs.grants);
    expect(String(ours.jti)).toMatch(new RegExp(`^${TWILIO.apiKey}-\\d+$`));
  });

  it('uses the room already there when another participant joins (Twilio answers 53113)', async () => {
    const booking = await book();
    const first = await requestToken(booking.id, { k: await linkToken(booking.id, 'U0ANA') });
    expect(first.status).toBe(200);
    const second = await requestToken(booking.id, { k: await linkToken(booking.id, 'U0BEN') });
    expect(second.status).toBe(200);
    const body = (await second.json()) as { identity: string; roomName: string; token: string };
    expect(body.identity).toBe('slack:U0BEN');
    expect(twilioMock.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/Rooms', 'POST /v1/Rooms', `GET /v1/Rooms/${body.roomName}`]);
    const rooms = await roomsOf(booking.id);
    expect(rooms).toHaveLength(1);
    expect(rooms[0]!.providerRoomId).toBe(twilioMock.rooms.get(body.roomName)!.sid);
    expect(decodeJwt(body.token).grants).toEqual({ identity: 'slack:U0BEN', video: { room: body.roomName } });
  });

  it('gives concurrent first joins one room', async () => {
    const booking = await book();
    const tokens = await Promise.all(['U0ANA', 'U0BEN', 'U0ANA', 'U0BEN', 'U0ANA'].map((p) => linkToken(booking.id, p)));
    const responses = await Promise.all(tokens.map((k) => requestToken(booking.id, { k })));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const names = new Set(await Promise.all(responses.map(async (r) => ((await r.json()) as { roomName: string }).roomName)));
    expect(names.size).toBe(1);
    expect(twilioMock.requests.filter((r) => r.method === 'POST')).toHaveLength(5);
    expect([...twilioMock.rooms.keys()].filter((n) => n.endsWith(booking.id))).toHaveLength(1);
    expect(await roomsOf(booking.id)).toHaveLength(1);
  });

  it('answers 503 when Twilio fails, and leaves nothing behind', async () => {
    const logs = captureLogs(/video service unavailable/);
    const booking = await book();
    twilioMock.state.failWith = 500;
    const response = await requestToken(booking.id, { k: await linkToken(booking.id) });
    const body = await expectError(response, 503, 'video_unavailable');
    // The log names the request, as the answer does, so an operator can find one from the other.
    expect(logs).toEqual([`[request ${body.error.requestId}] video service unavailable: Twilio answered 500: Internal Server Error (20500)`]);
    expect(body.error.message).toMatch(/try again/i);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await roomsOf(booking.id)).toEqual([]);

    twilioMock.state.failWith = 0;
    expect((await requestToken(booking.id, { k: await linkToken(booking.id) })).status).toBe(200);
    expect(await roomsOf(booking.id)).toHaveLength(1);
  });

  it('answers 503 when Twilio cannot be reached', async () => {
    const logs = captureLogs(/video service unavailable/);
    const booking = await book();
    twilioMock.server.use(http.post(`${TWILIO.apiUrl}/v1/Rooms`, () => HttpResponse.error()));
    await expectError(await requestToken(booking.id, { k: await linkToken(booking.id) }), 503, 'video_unavailable');
    expect(logs).toEqual([expect.stringMatching(/video service unavailable: Twilio could not be reached/)]);
    expect(await roomsOf(booking.id)).toEqual([]);
  });

  it('answers 503 with a plain message when Twilio is not configured, without calling it', async () => {
    const booking = await book();
    const unconfigured = createApp({ db: handle.db, dbKind: kind, config: testConfig({ twilio: null }), now: () => clock });
    const body = await expectError(await requestToken(booking.id, { k: await linkToken(booking.id) }, unconfigured), 503, 'video_unconfigured');
    expect(body.error.message).toMatch(/video service is not available/i);
    expect(twilioMock.requests).toEqual([]);
    expect(await roomsOf(booking.id)).toEqual([]);
  });

  it('is too early before the window opens and says when it opens', async () => {
    const booking = await book();
    clock = new Date(booking.startsAt.getTime() - 10 * 60_000 - 1000);
    const body = await expectError(await requestToken(booking.id, { k: await linkToken(booking.id) }), 409, 'meeting_not_open');
    expect(body.opensAt).toBe(new Date(booking.startsAt.getTime() - 10 * 60_000).toISOString());
    clock = new Date(booking.startsAt.getTime() - 10 * 60_000);
    expect((await requestToken(booking.id, { k: await linkToken(booking.id) })).status).toBe(200);
  });

  it('takes the join window from the meeting type', async () => {
    const type = await withTeam(handle.db, T, (tx) =>
      createMeetingType(tx, T, { name: 'Early doors', durationMinutes: 30, slotIntervalMinutes: 30, joinOpensMinutesBefore: 45, joinClosesMinutesAfter: 0 }),
    );
    const booking = await book({ meetingTypeId: type.id });
    clock = new Date(booking.startsAt.getTime() - 44 * 60_000);
    expect((await requestToken(booking.id, { k: await linkToken(booking.id) })).status).toBe(200);
    const fresh = await book({ meetingTypeId: type.id });
    clock = new Date(fresh.endsAt.getTime() + 60_000);
    await expectError(await requestToken(fresh.id, { k: await linkToken(fresh.id) }), 410, 'meeting_over');
  });

  it('closes 30 minutes after the end, unless the call is still going', async () => {
    const booking = await book();
    clock = new Date(booking.endsAt.getTime() + 30 * 60_000 + 1000);
    await expectError(await requestToken(booking.id, { k: await linkToken(booking.id) }), 410, 'meeting_over');
    expect(await roomsOf(booking.id)).toEqual([]);

    clock = new Date(booking.endsAt.getTime() + 20 * 60_000);
    expect((await requestToken(booking.id, { k: await linkToken(booking.id) })).status).toBe(200);
    await withTeam(handle.db, T, (tx) => tx.update(meetingRooms).set({ status: 'in-progress' }).where(eq(meetingRooms.bookingId, booking.id)));
    clock = new Date(booking.endsAt.getTime() + 90 * 60_000);
    expect((await requestToken(booking.id, { k: await linkToken(booking.id, 'U0BEN') })).status).toBe(200);
  });

  it('past the window always asks Twilio, records a room it reports over, and never creates a room late', async () => {
    const listening = app;
    const booking = await book();
    /** The meeting.ended events in the outbox, as Slack will hear them. */
    const told = async () =>
      (await withTeam(handle.db, T, (tx) => tx.select().from(bookingEvents).where(eq(bookingEvents.meetingId, booking.meetingId))))
        .filter((e) => e.kind.startsWith('meeting.'))
        .map((e) => ({ kind: e.kind, bookingId: e.bookingId, payload: e.payload }));
    const first = await requestToken(booking.id, { k: await linkToken(booking.id) }, listening);
    const { roomName } = (await first.json()) as { roomName: string };
    const startedAt = new Date(booking.startsAt.getTime() - 4 * 60_000);
    // Our record says the call is going (the room-ended callback will be lost).
    await withTeam(handle.db, T, (tx) => tx.update(meetingRooms).set({ status: 'in-progress', startedAt }).where(eq(meetingRooms.bookingId, booking.id)));
    const twilioRoom = twilioMock.rooms.get(roomName)!;
    twilioRoom.status = 'completed';
    twilioRoom.end_time = new Date(booking.endsAt.getTime() + 5 * 60_000).toISOString();
    twilioRoom.duration = 39 * 60;

    clock = new Date(booking.endsAt.getTime() + 3 * 3600_000);
    twilioMock.requests.length = 0;
    await expectError(await requestToken(booking.id, { k: await linkToken(booking.id, 'U0BEN') }, listening), 410, 'meeting_over');
    expect(twilioMock.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v1/Rooms/${roomName}`, `GET /v1/Rooms/${twilioRoom.sid}`]);
    expect((await roomsOf(booking.id))[0]).toMatchObject({ status: 'completed', durationSeconds: 39 * 60, endedAt: new Date(twilioRoom.end_time) });
    expect(await told()).toEqual([
      {
        kind: 'meeting.ended',
        bookingId: booking.id,
        payload: { roomSid: twilioRoom.sid, startedAt: startedAt.toISOString(), endedAt: new Date(twilioRoom.end_time).toISOString(), durationSeconds: 39 * 60 },
      },
    ]);

    // Known over now: no more questions to Twilio, and never a POST that would make a new room.
    twilioMock.requests.length = 0;
    await expectError(await requestToken(booking.id, { k: await linkToken(booking.id) }, listening), 410, 'meeting_over');
    expect((await listening.request(`/m/${booking.id}?k=${await linkToken(booking.id)}`)).status).toBe(410);
    expect(twilioMock.requests).toEqual([]);
    expect(await told()).toHaveLength(1);
  });

  it('joins the call still going after the window without creating a room, and refuses when Twilio cannot say', async () => {
    const booking = await book();
    const { roomName } = (await (await requestToken(booking.id, { k: await linkToken(booking.id) })).json()) as { roomName: string };
    clock = new Date(booking.endsAt.getTime() + 2 * 3600_000);
    twilioMock.requests.length = 0;
    const late = await requestToken(booking.id, { k: await linkToken(booking.id, 'U0BEN') });
    expect(late.status).toBe(200);
    expect(((await late.json()) as { roomName: string }).roomName).toBe(roomName);
    expect(twilioMock.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v1/Rooms/${roomName}`]);

    twilioMock.state.failWith = 500;
    await expectError(await requestToken(booking.id, { k: await linkToken(booking.id, 'U0BEN') }), 410, 'meeting_over');
    expect((await roomsOf(booking.id))[0]!.status).toBe('pending');
  });

  it('gives each device of one member its own identity, with the same name', async () => {
    const booking = await book();
    const k = await linkToken(booking.id, 'U0BEN');
    const phone = (await (await requestToken(booking.id, { k, device: 'phone1234' })).json()) as { identity: string; displayName: string; token: string; roomName: string };
    const laptop = (await (await requestToken(booking.id, { k, device: 'Laptop99' })).json()) as { identity: string; displayName: string; token: string; roomName: string };
    expect([phone.identity, laptop.identity]).toEqual(['slack:U0BEN:phone1234', 'slack:U0BEN:Laptop99']);
    expect(phone.displayName).toBe(laptop.displayName);
    expect(phone.roomName).toBe(laptop.roomName);
    expect(decodeJwt(laptop.token).grants).toEqual({ identity: 'slack:U0BEN:Laptop99', video: { room: laptop.roomName } });
    await expectError(await requestToken(booking.id, { k, device: 'no:colons' }), 400, 'invalid_input');
    await expectError(await requestToken(booking.id, { k, device: 'x'.repeat(17) }), 400, 'invalid_input');
  });

  it('keeps the people of a meeting moved during its call together in that one room', async () => {
    const booking = await book();
    const first = (await (await requestToken(booking.id, { k: await linkToken(booking.id, 'U0ANA') })).json()) as { roomName: string };
    await withTeam(handle.db, T, (tx) => tx.update(meetingRooms).set({ status: 'in-progress', startedAt: clock }).where(eq(meetingRooms.bookingId, booking.id)));
    // Moved to April while Ana is in the call.
    const { booking: moved } = await rescheduleBooking(handle.db, T, { bookingId: booking.id, start: '2027-04-05T15:00:00Z', actorId: 'U0ANA' }, { now: bookedAt });
    clock = new Date(booking.startsAt.getTime() + 5 * 60_000);
    twilioMock.requests.length = 0;
    // Ben's link (of the first booking) and a guest's link of the moved booking both reach Ana's room, and no new one is made.
    const ben = await requestToken(booking.id, { k: await linkToken(booking.id, 'U0BEN') });
    expect(ben.status).toBe(200);
    expect(((await ben.json()) as { roomName: string }).roomName).toBe(first.roomName);
    const guestK = new URL(await guestJoinUrl(config, { teamId: T, bookingId: moved.id })).searchParams.get('k')!;
    const guest = await requestToken(moved.id, { k: guestK, name: 'Dana' });
    expect(((await guest.json()) as { roomName: string }).roomName).toBe(first.roomName);
    expect(twilioMock.requests.filter((r) => r.method === 'POST')).toEqual([]);

    // Once that call is over, the moved meeting's link waits for its new time, then opens the same room name again.
    twilioMock.rooms.get(first.roomName)!.status = 'completed';
    await expectError(await requestToken(moved.id, { k: guestK, name: 'Dana' }), 409, 'meeting_not_open');
    clock = new Date(moved.startsAt.getTime() - 60_000);
    const later = await requestToken(moved.id, { k: guestK, name: 'Dana' });
    expect(((await later.json()) as { roomName: string }).roomName).toBe(first.roomName);
    expect(await roomsOf(moved.id)).toEqual([]);
    expect(await roomsOf(booking.id)).toMatchObject([{ status: 'pending', providerRoomId: twilioMock.rooms.get(first.roomName)!.sid }]);
  });

  it('asks Twilio whether the call is still going when no status callback ever reached us', async () => {
    const booking = await book();
    clock = new Date(booking.startsAt.getTime() - 60_000);
    const first = await requestToken(booking.id, { k: await linkToken(booking.id) });
    expect(first.status).toBe(200);
    const { roomName } = (await first.json()) as { roomName: string };
    expect((await roomsOf(booking.id))[0]).toMatchObject({ status: 'pending' });

    clock = new Date(booking.endsAt.getTime() + 45 * 60_000);
    twilioMock.requests.length = 0;
    expect((await requestToken(booking.id, { k: await linkToken(booking.id, 'U0BEN') })).status).toBe(200);
    expect(twilioMock.requests.map((r) => `${r.method} ${r.path}`)).toContain(`GET /v1/Rooms/${roomName}`);
    const page = await app.request(`/m/${booking.id}?k=${await linkToken(booking.id, 'U0BEN')}`);
    expect(page.status).toBe(200);

    twilioMock.rooms.get(roomName)!.status = 'completed';
    await expectError(await requestToken(booking.id, { k: await linkToken(booking.id, 'U0BEN') }), 410, 'meeting_over');
    twilioMock.rooms.delete(roomName);
    await expectError(await requestToken(booking.id, { k: await linkToken(booking.id, 'U0BEN') }), 410, 'meeting_over');
    expect((await app.request(`/m/${booking.id}?k=${await linkToken(booking.id, 'U0BEN')}`)).status).toBe(410);
  });

  it('refuses cancelled, unknown, other-booking, forged, malformed, expired and non-participant links, each plainly', async () => {
    const booking = await book();
    const other = await book();
    clock = new Date(booking.startsAt.getTime() - 60_000);
    const cancelled = await book();
    await cancelBooking(handle.db, T, { bookingId: cancelled.id, actorId: 'U0ANA' });
    const unknownId = '00000000-0000-4000-8000-000000000000';
    const good = await linkToken(booking.id);

    await expectError(await requestToken(cancelled.id, { k: await linkToken(cancelled.id) }), 410, 'booking_cancelled');
    await expectError(await requestToken(unknownId, { k: await linkToken(unknownId) }), 404, 'not_found');
    await expectError(await requestToken(other.id, { k: good }), 403, 'link_wrong_booking');
    await expectError(await requestToken(booking.id, { k: await linkToken(booking.id, 'U0CAL') }), 403, 'not_participant');
    await expectError(await requestToken(booking.id, { k: forgedToken(good) }), 401, 'link_invalid');
    await expectError(await requestToken(booking.id, { k: await signJoinToken('someone-elses-secret-0123456789', { teamId: T, bookingId: booking.id, participant: 'U0ANA' }) }), 401, 'link_invalid');
    await expectError(await requestToken(booking.id, { k: 'not-a-token' }), 400, 'link_malformed');
    const expired = await signJoinToken(config.linkSecret, { teamId: T, bookingId: booking.id, participant: 'U0ANA' }, new Date(clock.getTime() - 1000));
    await expectError(await requestToken(booking.id, { k: expired }), 410, 'link_expired');
    // Another team's link for this booking id cannot see it (row level security).
    await expectError(await requestToken(booking.id, { k: await linkToken(booking.id, 'U0ANA', 'T0OTHERTEAM') }), 404, 'not_found');
    await expectError(await requestToken(booking.id, {}), 400, 'invalid_input');
    await expectError(await requestToken(booking.id, { k: good, name: 'x'.repeat(81) }), 400, 'invalid_input');

    expect(twilioMock.requests).toEqual([]);
    for (const id of [booking.id, other.id, cancelled.id]) expect(await roomsOf(id)).toEqual([]);
  });

  it('lets a guest join under the name they type', async () => {
    const booking = await book();
    const k = new URL(await guestJoinUrl(config, { teamId: T, bookingId: booking.id })).searchParams.get('k')!;
    await expectError(await requestToken(booking.id, { k }), 400, 'name_required');
    await expectError(await requestToken(booking.id, { k, name: '   ' }), 400, 'invalid_input');
    const response = await requestToken(booking.id, { k, name: '  Dana Müller ' });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { identity: string; displayName: string; token: string };
    expect(body.displayName).toBe('Dana Müller');
    expect(body.identity).toMatch(/^guest:[0-9a-f]{8}:Dana%20M%C3%BCller$/);
    expect(decodeJwt(body.token).grants).toMatchObject({ identity: body.identity });

    const long = await requestToken(booking.id, { k, name: 'é'.repeat(80) });
    const longBody = (await long.json()) as { identity: string; displayName: string };
    expect(longBody.identity.length).toBeLessThanOrEqual(121);
    expect(longBody.displayName).toBe('é'.repeat(80));
  });

  it("joins a guest with their own link under the name they booked with, through the meeting's moves", async () => {
    const booking = await book();
    const dana = booking.participants.find((p) => p.role === 'guest')!;
    expect(dana.guestId).toMatch(/^[0-9a-f-]{36}$/);
    const k = new URL(await personalGuestJoinUrl(config, { teamId: T, bookingId: booking.id }, dana.guestId!)).searchParams.get('k')!;
    const first = await requestToken(booking.id, { k });
    expect(first.status).toBe(200);
    const body = (await first.json()) as { identity: string; displayName: string };
    expect(body.displayName).toBe('Dana Guest');
    expect(body.identity).toMatch(/^guest:[0-9a-f]{8}:Dana%20Guest$/);
    // The page shows who is joining instead of asking for a name.
    const page = await app.request(`/m/${booking.id}?k=${k}`);
    expect(await page.text()).toContain('Joining as <strong>Dana Guest</strong>');

    const newStart = new Date(booking.startsAt.getTime() + 7 * 24 * 3600_000);
    const { booking: moved } = await rescheduleBooking(handle.db, T, { bookingId: booking.id, start: newStart.toISOString(), actorId: 'U0ANA' }, { now: bookedAt });
    expect(moved.participants.find((p) => p.role === 'guest')!.guestId).toBe(dana.guestId);
    clock = new Date(newStart.getTime() - 60_000);
    expect((await requestToken(booking.id, { k })).status).toBe(200);

    // A guest id that is not in the meeting is refused.
    const stranger = new URL(await personalGuestJoinUrl(config, { teamId: T, bookingId: booking.id }, '00000000-0000-4000-8000-000000000000')).searchParams.get('k')!;
    await expectError(await requestToken(booking.id, { k: stranger, name: 'Mallory' }), 403, 'not_participant');
  });

  it('keeps the links of a rescheduled meeting, for its new time and room', async () => {
    const booking = await book();
    const k = await linkToken(booking.id, 'U0BEN');
    const newStart = new Date('2027-04-06T15:00:00Z');
    const { booking: moved } = await rescheduleBooking(handle.db, T, { bookingId: booking.id, start: newStart.toISOString(), actorId: 'U0ANA' }, { now: bookedAt });
    clock = new Date(booking.startsAt.getTime() - 5 * 60_000);
    const early = await expectError(await requestToken(booking.id, { k }), 409, 'meeting_not_open');
    expect(early.opensAt).toBe(new Date(newStart.getTime() - 10 * 60_000).toISOString());

    clock = new Date(newStart.getTime() - 60_000);
    const response = await requestToken(booking.id, { k });
    expect(response.status).toBe(200);
    // The room belongs to the meeting: named after its first booking, whichever booking holds it now.
    expect(((await response.json()) as { roomName: string }).roomName).toBe(`mfs_${T}_${booking.id}`);
    expect(await roomsOf(booking.id)).toHaveLength(1);
    expect(await roomsOf(moved.id)).toEqual([]);
    // The new booking's own path with the old link is another booking as far as the link goes.
    await expectError(await requestToken(moved.id, { k }), 403, 'link_wrong_booking');
  });
});
