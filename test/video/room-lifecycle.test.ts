import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { http, HttpResponse } from 'msw';
import { createApp } from '../../src/app.js';
import { cancelBooking, createBooking, loadLineage, rescheduleBooking, type Booking } from '../../src/bookings/index.js';
import type { DatabaseHandle } from '../../src/db/client.js';
import { meetingRoomEvents, meetingRooms } from '../../src/db/schema.js';
import { withTeam } from '../../src/db/tenant.js';
import { joinUrl } from '../../src/video/links.js';
import { endRoomOfCancelledMeeting, keepRoomOfMovedMeeting, type RoomLifecycleDeps } from '../../src/video/room-lifecycle.js';
import { VideoServiceError } from '../../src/video/twilio-rooms.js';
import { EventDispatcher } from '../../src/events/index.js';
import { eventHandlers } from '../../src/events/handlers/index.js';
import { listEvents, redeliverEvent } from '../../src/events/store.js';
import { databaseKinds, openTestDatabase } from '../support/databases.js';
import { seedTeam, type SeededTeam } from '../support/fixtures.js';
import { TWILIO, useFakeTwilio, testConfig } from './support.js';

const T = 'T0LIFE';
const bookedAt = new Date('2027-02-26T12:00:00Z');
const config = testConfig();
const twilioMock = useFakeTwilio();

describe.each(databaseKinds())('rooms that follow the meeting, on %s', (kind) => {
  let handle: DatabaseHandle;
  let team: SeededTeam;
  let clock: Date;
  let app: ReturnType<typeof createApp>;
  let deps: RoomLifecycleDeps;
  let slot = 0;

  beforeAll(async () => {
    handle = await openTestDatabase(kind);
    team = await seedTeam(handle.db, T, { U0ANA: 'Europe/London', U0BEN: 'Europe/London' });
    app = createApp({ db: handle.db, dbKind: kind, config, now: () => clock });
    deps = { db: handle.db, twilio: { ...TWILIO }, now: () => clock };
  });
  afterAll(() => handle?.close());
  beforeEach(() => {
    twilioMock.requests.length = 0;
  });

  /** A 30-minute meeting on a weekday morning in March 2027, the clock 5 minutes before it. */
  async function book(): Promise<Booking> {
    const day = Math.floor(slot / 6);
    const start = new Date(Date.UTC(2027, 2, 1 + day + 2 * Math.floor(day / 5), 9 + (slot++ % 6), 0));
    const { booking } = await createBooking(
      handle.db,
      T,
      { meetingTypeId: team.types.m30.id, organizerId: 'U0ANA', hostIds: ['U0BEN'], start: start.toISOString(), source: 'api', title: 'Planning' },
      { now: bookedAt },
    );
    clock = new Date(start.getTime() - 5 * 60_000);
    return booking;
  }

  /** Joins as the page does: the room is created at Twilio and recorded. */
  async function join(bookingId: string, participant = 'U0ANA'): Promise<string> {
    const k = new URL(await joinUrl(config, { teamId: T, bookingId, participant })).searchParams.get('k')!;
    const response = await app.request(`/api/meetings/rooms/${bookingId}/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ k }) });
    expect(response.status).toBe(200);
    return ((await response.json()) as { roomName: string }).roomName;
  }

  const roomRows = (bookingId: string) => withTeam(handle.db, T, (tx) => tx.select().from(meetingRooms).where(eq(meetingRooms.bookingId, bookingId)));
  const markInProgress = (bookingId: string, startedAt: Date) =>
    withTeam(handle.db, T, (tx) => tx.update(meetingRooms).set({ status: 'in-progress', startedAt, participantCount: 2 }).where(eq(meetingRooms.bookingId, bookingId)));

  it('follows a booking back to its meeting and forward to where it stands now', async () => {
    const booking = await book();
    const { booking: second } = await rescheduleBooking(handle.db, T, { bookingId: booking.id, start: '2027-04-05T09:00:00Z', actorId: 'U0ANA' }, { now: bookedAt });
    const { booking: third } = await rescheduleBooking(handle.db, T, { bookingId: second.id, start: '2027-04-06T09:00:00Z', actorId: 'U0ANA' }, { now: bookedAt });
    const expected = { rootId: booking.id, currentId: third.id, sequence: 2, ids: [booking.id, second.id, third.id] };
    for (const id of [booking.id, second.id, third.id]) expect(await loadLineage(handle.db, T, id)).toEqual(expected);
    const alone = await book();
    expect(await loadLineage(handle.db, T, alone.id)).toEqual({ rootId: alone.id, currentId: alone.id, sequence: 0, ids: [alone.id] });
    expect(await loadLineage(handle.db, T, '00000000-0000-4000-8000-000000000000')).toBeNull();
    expect(await loadLineage(handle.db, T, 'not-a-uuid')).toBeNull();
    // Another team sees nothing of it.
    expect(await loadLineage(handle.db, 'T0OTHER', booking.id)).toBeNull();
  });

  it('ends the running room of a cancelled meeting at Twilio and records it, once', async () => {
    const booking = await book();
    const roomName = await join(booking.id);
    const startedAt = new Date(clock.getTime() + 60_000);
    await markInProgress(booking.id, startedAt);
    const sid = twilioMock.rooms.get(roomName)!.sid;
    clock = new Date(booking.startsAt.getTime() + 10 * 60_000);
    await cancelBooking(handle.db, T, { bookingId: booking.id, actorId: 'U0ANA', reason: 'Customer called it off' }, { now: clock });

    twilioMock.requests.length = 0;
    const result = await endRoomOfCancelledMeeting(deps, { teamId: T, bookingId: booking.id });
    expect(result).toMatchObject({ outcome: 'ended', ended: [roomName] });
    expect(twilioMock.requests).toEqual([
      { method: 'POST', path: `/v1/Rooms/${sid}`, authorization: `Basic ${Buffer.from(`${TWILIO.apiKey}:${TWILIO.apiSecret}`).toString('base64')}`, form: { Status: 'completed' } },
    ]);
    expect(twilioMock.rooms.get(roomName)!.status).toBe('completed');
    const [row] = await roomRows(booking.id);
    expect(row).toMatchObject({ status: 'completed', participantCount: 0, startedAt });
    expect(row!.endedAt).not.toBeNull();
    expect(result.roomEvents).toEqual([{ teamId: T, bookingId: booking.id, status: 'completed', startedAt, endedAt: row!.endedAt, durationSeconds: row!.durationSeconds }]);
    const events = await withTeam(handle.db, T, (tx) => tx.select().from(meetingRoomEvents).where(eq(meetingRoomEvents.roomId, row!.id)));
    expect(events.map((e) => [e.event, e.payload.Reason])).toEqual([['room-completed-by-app', 'meeting-cancelled']]);

    // Delivered again (at least once): nothing more is asked of Twilio and nothing changes.
    twilioMock.requests.length = 0;
    expect(await endRoomOfCancelledMeeting(deps, { teamId: T, bookingId: booking.id })).toEqual({ outcome: 'no_room', ended: [], roomEvents: [] });
    expect(twilioMock.requests).toEqual([]);
  });

  it('finds the room already over at Twilio (53112 or gone) without failing, and records it', async () => {
    const booking = await book();
    const roomName = await join(booking.id);
    await markInProgress(booking.id, clock);
    twilioMock.rooms.get(roomName)!.status = 'completed';
    await cancelBooking(handle.db, T, { bookingId: booking.id, actorId: 'U0ANA' });
    const result = await endRoomOfCancelledMeeting(deps, { teamId: T, bookingId: booking.id });
    expect(result.outcome).toBe('already_over');
    expect((await roomRows(booking.id))[0]!.status).toBe('completed');

    const other = await book();
    const otherName = await join(other.id);
    twilioMock.rooms.delete(otherName);
    await cancelBooking(handle.db, T, { bookingId: other.id, actorId: 'U0ANA' });
    expect((await endRoomOfCancelledMeeting(deps, { teamId: T, bookingId: other.id })).outcome).toBe('already_over');
    expect((await roomRows(other.id))[0]!.status).toBe('completed');
  });

  it('leaves the room and the record as they were when Twilio fails, so a retry can end it', async () => {
    const booking = await book();
    const roomName = await join(booking.id);
    await markInProgress(booking.id, clock);
    await cancelBooking(handle.db, T, { bookingId: booking.id, actorId: 'U0ANA' });
    twilioMock.state.failWith = 503;
    await expect(endRoomOfCancelledMeeting(deps, { teamId: T, bookingId: booking.id })).rejects.toBeInstanceOf(VideoServiceError);
    expect((await roomRows(booking.id))[0]!.status).toBe('in-progress');
    twilioMock.server.use(http.post(`${TWILIO.apiUrl}/v1/Rooms/:room`, () => HttpResponse.error()));
    twilioMock.state.failWith = 0;
    await expect(endRoomOfCancelledMeeting(deps, { teamId: T, bookingId: booking.id })).rejects.toThrow(/could not be reached/);
    twilioMock.server.resetHandlers();
    expect((await endRoomOfCancelledMeeting(deps, { teamId: T, bookingId: booking.id })).outcome).toBe('ended');
    expect(twilioMock.rooms.get(roomName)!.status).toBe('completed');
  });

  it('does not end the call of a meeting that was moved rather than cancelled, nor touch one with no room', async () => {
    const booking = await book();
    const roomName = await join(booking.id);
    await markInProgress(booking.id, clock);
    const { booking: moved } = await rescheduleBooking(handle.db, T, { bookingId: booking.id, start: '2027-04-07T09:00:00Z', actorId: 'U0ANA' }, { now: bookedAt });
    twilioMock.requests.length = 0;
    // The first booking is "cancelled" by the move, but the meeting goes on.
    expect(await endRoomOfCancelledMeeting(deps, { teamId: T, bookingId: booking.id })).toMatchObject({ outcome: 'meeting_goes_on' });
    expect(await endRoomOfCancelledMeeting(deps, { teamId: T, bookingId: moved.id })).toMatchObject({ outcome: 'meeting_goes_on' });
    expect(twilioMock.requests).toEqual([]);
    expect(twilioMock.rooms.get(roomName)!.status).toBe('in-progress');

    // Cancelling the moved meeting ends the call that runs in the first booking's room.
    await cancelBooking(handle.db, T, { bookingId: moved.id, actorId: 'U0ANA' });
    const result = await endRoomOfCancelledMeeting(deps, { teamId: T, bookingId: moved.id });
    expect(result).toMatchObject({ outcome: 'ended', ended: [roomName] });
    expect(result.roomEvents[0]!.bookingId).toBe(moved.id);

    const quiet = await book();
    await cancelBooking(handle.db, T, { bookingId: quiet.id, actorId: 'U0ANA' });
    expect(await endRoomOfCancelledMeeting(deps, { teamId: T, bookingId: quiet.id })).toEqual({ outcome: 'no_room', ended: [], roomEvents: [] });
    expect(await endRoomOfCancelledMeeting(deps, { teamId: T, bookingId: '00000000-0000-4000-8000-000000000000' })).toMatchObject({ outcome: 'not_found' });
    expect(await endRoomOfCancelledMeeting({ ...deps, twilio: undefined }, { teamId: T, bookingId: quiet.id })).toMatchObject({ outcome: 'no_room' });
  });

  it('keeps a running call when its meeting moves, and records one Twilio reports over', async () => {
    const booking = await book();
    const roomName = await join(booking.id);
    await markInProgress(booking.id, clock);
    const { booking: moved } = await rescheduleBooking(handle.db, T, { bookingId: booking.id, start: '2027-04-08T09:00:00Z', actorId: 'U0ANA' }, { now: bookedAt });
    twilioMock.requests.length = 0;
    expect(await keepRoomOfMovedMeeting(deps, { teamId: T, bookingId: moved.id })).toEqual({ outcome: 'kept', roomName });
    expect(twilioMock.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v1/Rooms/${roomName}`]);
    expect(twilioMock.rooms.get(roomName)!.status).toBe('in-progress');
    expect((await roomRows(booking.id))[0]!.status).toBe('in-progress');

    // The call ended but its room-ended callback was lost: asked again, Twilio says so, and it is recorded.
    const twilioRoom = twilioMock.rooms.get(roomName)!;
    twilioRoom.status = 'completed';
    twilioRoom.end_time = new Date(clock.getTime() + 20 * 60_000).toISOString();
    twilioRoom.duration = 1200;
    const later = await keepRoomOfMovedMeeting(deps, { teamId: T, bookingId: moved.id });
    expect(later).toMatchObject({ outcome: 'no_live_room', roomName, roomEvent: { bookingId: moved.id, status: 'completed', durationSeconds: 1200 } });
    expect((await roomRows(booking.id))[0]).toMatchObject({ status: 'completed', durationSeconds: 1200, endedAt: new Date(twilioRoom.end_time) });
    expect(await keepRoomOfMovedMeeting(deps, { teamId: T, bookingId: moved.id })).toEqual({ outcome: 'no_live_room', roomName });

    const never = await book();
    expect(await keepRoomOfMovedMeeting(deps, { teamId: T, bookingId: never.id })).toEqual({ outcome: 'no_room' });
    const unsure = await book();
    await join(unsure.id);
    twilioMock.state.failWith = 500;
    await expect(keepRoomOfMovedMeeting(deps, { teamId: T, bookingId: unsure.id })).rejects.toBeInstanceOf(VideoServiceError);
    expect((await roomRows(unsure.id))[0]!.status).toBe('pending');
  });
  it('ends the room when the meeting is cancelled through the API, through the booking events', async () => {
    const booking = await book();
    const roomName = await join(booking.id);
    await markInProgress(booking.id, new Date(clock.getTime() - 60_000));
    const dispatcher = videoDispatcher();
    await cancelBooking(handle.db, T, { bookingId: booking.id, actorId: 'api-key:test', reason: 'Solved by email' }, { now: clock });
    await dispatcher.drain();
    const completed = twilioMock.requests.filter((r) => r.method === 'POST' && r.form.Status === 'completed');
    expect(completed.map((r) => r.path)).toEqual([`/v1/Rooms/${twilioMock.rooms.get(roomName)!.sid}`]);
    expect((await roomRows(booking.id))[0]).toMatchObject({ status: 'completed' });
    const delivered = (await listEvents(handle.db, T, { meetingId: booking.id, limit: 5 })).events.find((e) => e.kind === 'booking.cancelled')!;
    expect(delivered.deliveries.find((d) => d.handler === 'video')).toEqual(expect.objectContaining({ status: 'delivered' }));
    // Delivered again (a retry after a crash), nothing more is sent to Twilio.
    await redeliverEvent(handle.db, T, delivered.id);
    twilioMock.requests.length = 0;
    await dispatcher.drain();
    expect(twilioMock.requests.filter((r) => r.method === 'POST')).toEqual([]);
  });

  /** The handlers main.ts registers with Twilio configured (and Slack not), on a dispatcher the test drains. */
  function videoDispatcher(): EventDispatcher {
    const handlers = eventHandlers({ db: handle.db, dbKind: kind, config, now: () => clock });
    // Without Slack: the video handler, and webhooks (which need no configuration).
    expect(handlers.map((h) => h.name)).toEqual(['video', 'webhooks']);
    return new EventDispatcher(handle.db, handlers, { log: { warn: () => {}, error: () => {} } });
  }
});
