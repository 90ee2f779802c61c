import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { DatabaseHandle } from '../../src/db/client.js';
import { withTeam } from '../../src/db/tenant.js';
import {
  BookingError,
  IdempotencyMismatchError,
  InvalidInputError,
  NotFoundError,
  OutsideAvailabilityError,
  PastTimeError,
  SlotTakenError,
  cancelBooking,
  createBooking,
  createMeetingType,
  findSlots,
  getBooking,
  listBookings,
  listMeetingTypes,
  replaceSchedule,
  rescheduleBooking,
} from '../../src/bookings/index.js';
import { databaseKinds, openTestDatabase } from '../support/databases.js';
import { seedTeam, type SeededTeam } from '../support/fixtures.js';
import { rawRows } from '../support/sql.js';

// Monday 1 March 2027; London is on GMT, New York on EST.
const now = new Date('2027-02-26T12:00:00Z');
const at = (iso: string) => new Date(iso);

describe.each(databaseKinds())('booking service on %s', (kind) => {
  let handle: DatabaseHandle;
  let team: SeededTeam;
  const T = 'T0SERVICE';

  beforeAll(async () => {
    handle = await openTestDatabase(kind);
    team = await seedTeam(handle.db, T, { U0ANA: 'Europe/London', U0BEN: 'America/New_York', U0CAL: 'Asia/Kolkata' });
  });
  afterAll(() => handle?.close());

  const countBookings = async () => {
    const [row] = await withTeam(handle.db, T, (tx) => rawRows<{ n: number }>(tx, sql`select count(*)::int as n from bookings`));
    return Number(row!.n);
  };

  const book = (start: string, extra: Record<string, unknown> = {}) =>
    createBooking(handle.db, T, { meetingTypeId: team.types.m30.id, organizerId: 'U0ANA', start, source: 'api', ...extra }, { now });

  it('gives a new team 15, 30 and 60 minute meeting types', async () => {
    const types = await withTeam(handle.db, T, (tx) => listMeetingTypes(tx));
    expect(types.map((t) => t.durationMinutes)).toEqual([15, 30, 60]);
    expect(types.every((t) => t.active && t.teamId === T)).toBe(true);
  });

  it('books a free slot with the organizer, hosts and guests', async () => {
    const { booking, replayed } = await book('2027-03-01T15:00:00Z', {
      hostIds: ['U0BEN'],
      guests: [{ name: 'Dana Guest', email: 'dana@example.org' }],
      title: 'Kick-off',
      notes: 'Agenda in the doc',
    });
    expect(replayed).toBe(false);
    expect(booking).toMatchObject({ status: 'confirmed', title: 'Kick-off', teamId: T, source: 'api', durationMinutes: 30 });
    expect(booking.startsAt.toISOString()).toBe('2027-03-01T15:00:00.000Z');
    expect(booking.endsAt.toISOString()).toBe('2027-03-01T15:30:00.000Z');
    expect(booking.participants.map((p) => [p.role, p.slackUserId ?? p.guestName])).toEqual([
      ['organizer', 'U0ANA'],
      ['host', 'U0BEN'],
      ['guest', 'Dana Guest'],
    ]);
    expect(await getBooking(handle.db, T, booking.id)).toMatchObject({ id: booking.id, title: 'Kick-off' });
  });

  it('refuses an overlapping booking for the same host and names what it collides with', async () => {
    const first = await book('2027-03-02T14:00:00Z');
    const error = await book('2027-03-02T14:00:00Z', { hostIds: ['U0BEN'] }).catch((e) => e);
    expect(error).toBeInstanceOf(SlotTakenError);
    expect(error.collisions).toEqual([
      { hostId: 'U0ANA', bookingId: first.booking.id, start: at('2027-03-02T14:00:00Z'), end: at('2027-03-02T14:30:00Z') },
    ]);
    expect(error.message).toContain(first.booking.id);
  });

  it('keeps buffers around bookings', async () => {
    const buffered = await withTeam(handle.db, T, (tx) =>
      createMeetingType(tx, T, { name: 'Buffered', durationMinutes: 30, slotIntervalMinutes: 30, bufferBeforeMinutes: 15, bufferAfterMinutes: 15, minimumNoticeMinutes: 0 }),
    );
    const first = await book('2027-03-03T10:00:00Z', { meetingTypeId: buffered.id });
    const adjacent = await book('2027-03-03T10:30:00Z', { meetingTypeId: buffered.id }).catch((e) => e);
    expect(adjacent).toBeInstanceOf(SlotTakenError);
    expect(adjacent.collisions[0].bookingId).toBe(first.booking.id);
    // 30 minutes after the end clears both buffers.
    const later = await book('2027-03-03T11:00:00Z', { meetingTypeId: buffered.id });
    expect(later.booking.status).toBe('confirmed');
  });

  it('returns the same booking for a retry with the same idempotency key', async () => {
    const before = await countBookings();
    const a = await book('2027-03-04T09:00:00Z', { idempotencyKey: 'retry-1' });
    const b = await book('2027-03-04T09:00:00Z', { idempotencyKey: 'retry-1' });
    expect(b.replayed).toBe(true);
    expect(b.booking.id).toBe(a.booking.id);
    expect(await countBookings()).toBe(before + 1);
    const misuse = await book('2027-03-04T11:00:00Z', { idempotencyKey: 'retry-1' }).catch((e) => e);
    expect(misuse).toBeInstanceOf(IdempotencyMismatchError);
    expect(await countBookings()).toBe(before + 1);
  });

  it('answers bad input with typed errors and stores nothing', async () => {
    const before = await countBookings();
    const cases: [() => Promise<unknown>, new (...args: any[]) => BookingError, string | undefined][] = [
      [() => book('not a date'), InvalidInputError, 'start'],
      [() => book('2027-03-05T10:00:00Z', { meetingTypeId: '00000000-0000-4000-8000-000000000000' }), NotFoundError, 'meetingTypeId'],
      [() => book('2027-03-05T10:00:00Z', { meetingTypeId: 'nope' }), InvalidInputError, 'meetingTypeId'],
      [() => book('2027-03-05T10:00:00Z', { hostIds: ['U0NOBODY'] }), NotFoundError, 'hostIds'],
      [() => book('2027-03-05T10:00:00Z', { hostIds: ['not-a-user'] }), InvalidInputError, 'hostIds.0'],
      [() => book('2027-02-20T10:00:00Z'), PastTimeError, 'start'],
      [() => book('2027-03-05T03:00:00Z'), OutsideAvailabilityError, 'start'],
      [() => book('2027-03-06T10:00:00Z'), OutsideAvailabilityError, 'start'], // a Saturday
      [() => book('2027-03-05T10:10:00Z'), OutsideAvailabilityError, 'start'], // off the 30-minute grid
      [() => book('2027-02-26T12:30:00Z'), OutsideAvailabilityError, 'start'], // inside the hour of notice
      [() => book('2027-06-01T10:00:00Z'), OutsideAvailabilityError, 'start'], // beyond 60 days
    ];
    for (const [attempt, type, field] of cases) {
      const error = (await attempt().catch((e: unknown) => e)) as BookingError;
      expect(error).toBeInstanceOf(type);
      expect(error.field).toBe(field);
      expect(error.message.length).toBeGreaterThan(10);
    }
    expect(await countBookings()).toBe(before);
  });

  it('books across working hours in each host zone only', async () => {
    // 09:00 London is 04:00 New York: Ben is not working.
    const error = await book('2027-03-08T09:00:00Z', { hostIds: ['U0BEN'] }).catch((e) => e);
    expect(error).toBeInstanceOf(OutsideAvailabilityError);
    expect(error.message).toContain("U0BEN's working hours");
    const { slots } = await withTeam(handle.db, T, (tx) =>
      findSlots(tx, { meetingTypeId: team.types.m30.id, hostIds: ['U0ANA', 'U0BEN'], from: at('2027-03-08T00:00:00Z'), to: at('2027-03-09T00:00:00Z'), now }),
    );
    // Overlap of 09–17 London (GMT) and 09–17 New York (EST, UTC-5): 14:00–17:00 UTC.
    expect(slots.map((s) => s.start.toISOString().slice(11, 16))).toEqual(['14:00', '14:30', '15:00', '15:30', '16:00', '16:30']);
    const ok = await book(slots[0]!.start.toISOString(), { hostIds: ['U0BEN'] });
    expect(ok.booking.participants).toHaveLength(2);
  });

  it('reschedules atomically, and a failed move leaves the booking as it was', async () => {
    const original = await book('2027-03-09T10:00:00Z', { hostIds: ['U0CAL'], guests: [{ name: 'Eve' }] });
    const blocker = await book('2027-03-09T11:00:00Z');
    const failed = await rescheduleBooking(handle.db, T, { bookingId: original.booking.id, start: '2027-03-09T11:00:00Z', actorId: 'U0ANA' }, { now }).catch((e) => e);
    expect(failed).toBeInstanceOf(SlotTakenError);
    expect(failed.collisions[0].bookingId).toBe(blocker.booking.id);
    expect((await getBooking(handle.db, T, original.booking.id)).status).toBe('confirmed');

    const moved = await rescheduleBooking(handle.db, T, { bookingId: original.booking.id, start: '2027-03-09T09:00:00Z', actorId: 'U0CAL' }, { now });
    expect(moved.booking).toMatchObject({ status: 'confirmed', rescheduledFromId: original.booking.id, title: original.booking.title });
    expect(moved.booking.participants.map((p) => p.slackUserId ?? p.guestName)).toEqual(['U0ANA', 'U0CAL', 'Eve']);
    expect(moved.previous).toMatchObject({ status: 'cancelled', cancelledBy: 'U0CAL', cancelReason: 'Rescheduled', rescheduledToId: moved.booking.id });
    // The old time is free again.
    const rebook = await book('2027-03-09T10:00:00Z');
    expect(rebook.booking.status).toBe('confirmed');
    const again = await rescheduleBooking(handle.db, T, { bookingId: original.booking.id, start: '2027-03-09T13:00:00Z', actorId: 'U0ANA' }, { now }).catch((e) => e);
    expect(again.code).toBe('booking_cancelled');
  });

  it('cancels with a reason, frees the slot, and a second cancel changes nothing', async () => {
    const { booking } = await book('2027-03-10T10:00:00Z');
    const first = await cancelBooking(handle.db, T, { bookingId: booking.id, reason: 'Customer asked to move', actorId: 'U0ANA' }, { now });
    expect(first.changed).toBe(true);
    expect(first.booking).toMatchObject({ status: 'cancelled', cancelReason: 'Customer asked to move', cancelledBy: 'U0ANA' });
    const second = await cancelBooking(handle.db, T, { bookingId: booking.id, reason: 'again', actorId: 'U0BEN' }, { now });
    expect(second.changed).toBe(false);
    expect(second.booking.cancelReason).toBe('Customer asked to move');
    expect((await book('2027-03-10T10:00:00Z')).booking.status).toBe('confirmed');
    await expect(cancelBooking(handle.db, T, { bookingId: '00000000-0000-4000-8000-000000000000', actorId: 'U0ANA' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('lists by person, range and status, page by page', async () => {
    const all = await listBookings(handle.db, T, { limit: 100 });
    const starts = all.bookings.map((b) => b.startsAt.getTime());
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    const cal = await listBookings(handle.db, T, { personId: 'U0CAL' });
    expect(cal.bookings.length).toBeGreaterThan(0);
    expect(cal.bookings.every((b) => b.participants.some((p) => p.slackUserId === 'U0CAL'))).toBe(true);
    const cancelled = await listBookings(handle.db, T, { status: 'cancelled' });
    expect(cancelled.bookings.every((b) => b.status === 'cancelled')).toBe(true);
    const ranged = await listBookings(handle.db, T, { from: '2027-03-09T00:00:00Z', to: '2027-03-10T00:00:00Z', status: 'confirmed' });
    expect(ranged.bookings.map((b) => b.startsAt.toISOString())).toEqual(['2027-03-09T09:00:00.000Z', '2027-03-09T10:00:00.000Z', '2027-03-09T11:00:00.000Z']);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listBookings(handle.db, T, { limit: 3, cursor });
      expect(page.bookings.length).toBeLessThanOrEqual(3);
      seen.push(...page.bookings.map((b) => b.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(all.bookings.map((b) => b.id));
    await expect(listBookings(handle.db, T, { cursor: 'garbage' })).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('honours a replaced schedule with a day off', async () => {
    await withTeam(handle.db, T, (tx) =>
      replaceSchedule(tx, T, 'U0CAL', {
        timeZone: 'Asia/Kolkata',
        rules: [{ rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', start: '10:00', end: '18:00' }],
        overrides: [{ date: '2027-03-12', ranges: [] }],
      }),
    );
    const dayOff = await book('2027-03-12T06:00:00Z', { hostIds: ['U0CAL'] }).catch((e) => e);
    expect(dayOff).toBeInstanceOf(OutsideAvailabilityError);
    // 10:00 in Kolkata is 04:30 UTC; London is not working then, so book Cal alone.
    const cal = await createBooking(handle.db, T, { meetingTypeId: team.types.m30.id, organizerId: 'U0CAL', start: '2027-03-11T04:30:00Z', source: 'slack' }, { now });
    expect(cal.booking.participants[0]).toMatchObject({ role: 'organizer', slackUserId: 'U0CAL' });
  });
});
