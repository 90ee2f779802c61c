import { and, asc, eq, gt, lt, or, sql, exists } from 'drizzle-orm';
import { checkSlot, startGridMinutes, type HostSchedule, type UnavailableReason } from '../core/availability/index.js';
import {
  cancelBookingSchema,
  createBookingSchema,
  listBookingsSchema,
  rescheduleBookingSchema,
  type CancelBookingInput,
  type CreateBookingInput,
  type ListBookingsInput,
  type RescheduleBookingInput,
} from '../core/bookings/schemas.js';
import { isUuid } from '../core/ids.js';
import { isInstantInRange } from '../core/input.js';
import type { Database } from '../db/client.js';
import { bookings, idempotencyKeys, meetingParticipants } from '../db/schema.js';
import { withTeam, type Tx } from '../db/tenant.js';
import { loadBusy, loadHostInputs, slotRulesOf } from './availability.js';
import { loadBooking, loadBookings, toBooking, type Booking } from './booking-view.js';
import {
  BookingCancelledError,
  IdempotencyMismatchError,
  InvalidInputError,
  NotFoundError,
  OutsideAvailabilityError,
  PastTimeError,
  SlotTakenError,
  constraintName,
  sqlState,
  type Collision,
} from './errors.js';
import { getMeetingType, type MeetingType } from './meeting-types.js';
import { parseInput } from './validate.js';

export interface Clock {
  now?: Date;
}

export interface CreateBookingResult {
  booking: Booking;
  /** True when an idempotency key matched an earlier request: nothing new was written. */
  replayed: boolean;
}

export interface RescheduleBookingResult extends CreateBookingResult {
  previous: Booking;
}

const MINUTE_MS = 60_000;

/** Books a slot for the organizer and hosts, re-checking it inside the transaction. */
export async function createBooking(db: Database, teamId: string, input: CreateBookingInput, clock: Clock = {}): Promise<CreateBookingResult> {
  const data = parseInput(createBookingSchema, input);
  const now = clock.now ?? new Date();
  const requestHash = await hashRequest({ ...data, idempotencyKey: undefined });
  const hostIds = [...new Set([data.organizerId, ...data.hostIds])];
  try {
    return await withTeam(db, teamId, async (tx) => {
      if (data.idempotencyKey) {
        const replay = await findReplay(tx, data.idempotencyKey, requestHash);
        if (replay) return { booking: replay, replayed: true };
      }
      const type = await getMeetingType(tx, data.meetingTypeId, { activeOnly: true, field: 'meetingTypeId' });
      const booking = await insertBooking(tx, teamId, {
        type,
        start: data.start,
        now,
        organizerId: data.organizerId,
        hostIds,
        guests: data.guests,
        title: data.title ?? defaultTitle(type),
        notes: data.notes ?? null,
        source: data.source,
        slackChannelId: data.slackChannelId ?? null,
        slackMessageTs: null,
        rescheduledFromId: null,
        idempotency: data.idempotencyKey ? { key: data.idempotencyKey, requestHash } : undefined,
      });
      return { booking, replayed: false };
    });
  } catch (error) {
    return recoverFromRace(db, teamId, error, { hostIds, start: data.start, meetingTypeId: data.meetingTypeId, idempotencyKey: data.idempotencyKey, requestHash });
  }
}

/** Moves a booking: the new booking and the cancellation of the old one commit together or not at all. */
export async function rescheduleBooking(
  db: Database,
  teamId: string,
  input: RescheduleBookingInput,
  clock: Clock = {},
): Promise<RescheduleBookingResult> {
  const data = parseInput(rescheduleBookingSchema, input);
  const now = clock.now ?? new Date();
  const requestHash = await hashRequest({ reschedule: data.bookingId, start: data.start });
  let hostIds: string[] = [];
  let meetingTypeId: string | undefined;
  try {
    return await withTeam(db, teamId, async (tx) => {
      const [locked] = await tx.select().from(bookings).where(eq(bookings.id, data.bookingId)).for('update');
      if (!locked) throw new NotFoundError('booking', data.bookingId, 'bookingId');
      if (data.idempotencyKey) {
        const replay = await findReplay(tx, data.idempotencyKey, requestHash);
        if (replay) return { booking: replay, previous: (await loadBooking(tx, locked.id))!, replayed: true };
      }
      if (locked.status !== 'confirmed') throw new BookingCancelledError(locked.id);
      const previous = (await loadBooking(tx, locked.id))!;
      hostIds = previous.participants.filter((p) => p.role !== 'guest').map((p) => p.slackUserId!);
      await releaseBooking(tx, locked.id, { reason: 'Rescheduled', actorId: data.actorId, now });
      meetingTypeId = locked.meetingTypeId;
      const type = await getMeetingType(tx, locked.meetingTypeId, { field: 'meetingTypeId' });
      const booking = await insertBooking(tx, teamId, {
        type,
        start: data.start,
        now,
        organizerId: locked.organizerId,
        hostIds,
        guests: previous.participants
          .filter((p) => p.role === 'guest')
          .map((p) => ({ name: p.guestName!, email: p.guestEmail ?? undefined })),
        title: locked.title,
        notes: locked.notes,
        source: locked.source,
        slackChannelId: locked.slackChannelId,
        slackMessageTs: locked.slackMessageTs,
        rescheduledFromId: locked.id,
        idempotency: data.idempotencyKey ? { key: data.idempotencyKey, requestHash } : undefined,
      });
      await tx.update(bookings).set({ rescheduledToId: booking.id }).where(eq(bookings.id, locked.id));
      return { booking, previous: (await loadBooking(tx, locked.id))!, replayed: false };
    });
  } catch (error) {
    const recovered = await recoverFromRace(db, teamId, error, {
      hostIds,
      start: data.start,
      meetingTypeId,
      idempotencyKey: data.idempotencyKey,
      requestHash,
    });
    const previous = await getBooking(db, teamId, data.bookingId);
    return { ...recovered, previous };
  }
}

export interface CancelBookingResult {
  booking: Booking;
  /** False when it was already cancelled (a repeated click): nothing changed. */
  changed: boolean;
}

export async function cancelBooking(db: Database, teamId: string, input: CancelBookingInput, clock: Clock = {}): Promise<CancelBookingResult> {
  const data = parseInput(cancelBookingSchema, input);
  return withTeam(db, teamId, async (tx) => {
    const [locked] = await tx.select().from(bookings).where(eq(bookings.id, data.bookingId)).for('update');
    if (!locked) throw new NotFoundError('booking', data.bookingId, 'bookingId');
    if (locked.status === 'cancelled') return { booking: (await loadBooking(tx, locked.id))!, changed: false };
    await releaseBooking(tx, locked.id, { reason: data.reason || null, actorId: data.actorId, now: clock.now ?? new Date() });
    return { booking: (await loadBooking(tx, locked.id))!, changed: true };
  });
}

export async function getBooking(db: Database, teamId: string, id: string): Promise<Booking> {
  if (!isUuid(id)) throw new NotFoundError('booking', id, 'bookingId');
  const booking = await withTeam(db, teamId, (tx) => loadBooking(tx, id));
  if (!booking) throw new NotFoundError('booking', id, 'bookingId');
  return booking;
}

export interface BookingPage {
  bookings: Booking[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/** Bookings in start order, optionally for one person, overlapping a range, of one status. */
export async function listBookings(db: Database, teamId: string, input: ListBookingsInput = {}): Promise<BookingPage> {
  const query = parseInput(listBookingsSchema, input);
  const after = query.cursor ? decodeCursor(query.cursor) : undefined;
  return withTeam(db, teamId, async (tx) => {
    const rows = await tx
      .select()
      .from(bookings)
      .where(
        and(
          query.status ? eq(bookings.status, query.status) : undefined,
          query.from ? gt(bookings.endsAt, query.from) : undefined,
          query.to ? lt(bookings.startsAt, query.to) : undefined,
          query.personId
            ? exists(
                tx
                  .select({ one: sql`1` })
                  .from(meetingParticipants)
                  .where(and(eq(meetingParticipants.bookingId, bookings.id), eq(meetingParticipants.slackUserId, query.personId))),
              )
            : undefined,
          after
            ? or(gt(bookings.startsAt, after.startsAt), and(eq(bookings.startsAt, after.startsAt), gt(bookings.id, after.id)))
            : undefined,
        ),
      )
      .orderBy(asc(bookings.startsAt), asc(bookings.id))
      .limit(query.limit + 1);
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      bookings: await loadBookings(tx, page),
      nextCursor: rows.length > query.limit && last ? encodeCursor(last.startsAt, last.id) : null,
    };
  });
}

/** Where the bot posted the booking, so later updates edit that message. */
export async function recordSlackMessage(db: Database, teamId: string, bookingId: string, channelId: string, messageTs: string): Promise<void> {
  await withTeam(db, teamId, (tx) =>
    tx.update(bookings).set({ slackChannelId: channelId, slackMessageTs: messageTs, updatedAt: new Date() }).where(eq(bookings.id, bookingId)),
  );
}

interface NewBooking {
  type: MeetingType;
  start: Date;
  now: Date;
  organizerId: string;
  hostIds: string[];
  guests: { name: string; email?: string }[];
  title: string;
  notes: string | null;
  source: 'slack' | 'api';
  slackChannelId: string | null;
  slackMessageTs: string | null;
  rescheduledFromId: string | null;
  idempotency?: { key: string; requestHash: string };
}

async function insertBooking(tx: Tx, teamId: string, b: NewBooking): Promise<Booking> {
  if (b.start < b.now) throw new PastTimeError(b.start);
  const end = new Date(b.start.getTime() + b.type.durationMinutes * MINUTE_MS);
  // Any host may have a daily limit of their own, so every booking counts under the lock.
  await lockHostsForDailyCount(tx, teamId, b.hostIds);
  const hosts = await loadHostInputs(tx, b.hostIds, b.start, end);
  const rules = { ...slotRulesOf(b.type), now: b.now };
  const collisions: Collision[] = [];
  const reasons: string[] = [];
  for (const host of hosts) {
    const check = checkSlot(host, rules, b.start);
    if (check.available) continue;
    if (check.reason === 'busy') collisions.push(...collisionsOf(host.schedule.hostId, host.busy, b.start, end, b.type));
    else reasons.push(describeReason(check.reason, host.schedule, b.type));
  }
  if (collisions.length) throw new SlotTakenError(collisions);
  if (reasons.length) throw new OutsideAvailabilityError(b.hostIds, b.start, [...new Set(reasons)]);

  const [row] = await tx
    .insert(bookings)
    .values({
      teamId,
      meetingTypeId: b.type.id,
      organizerId: b.organizerId,
      title: b.title,
      notes: b.notes,
      startsAt: b.start,
      endsAt: end,
      bufferBeforeMinutes: b.type.bufferBeforeMinutes,
      bufferAfterMinutes: b.type.bufferAfterMinutes,
      source: b.source,
      slackChannelId: b.slackChannelId,
      slackMessageTs: b.slackMessageTs,
      rescheduledFromId: b.rescheduledFromId,
    })
    .returning();
  // The key goes in before the participants: a concurrent retry with the same key waits here for
  // this transaction and then replays it, instead of tripping over the exclusion constraint.
  if (b.idempotency) {
    await tx.insert(idempotencyKeys).values({ teamId, key: b.idempotency.key, requestHash: b.idempotency.requestHash, bookingId: row!.id });
  }
  const blocked = `[${new Date(b.start.getTime() - b.type.bufferBeforeMinutes * MINUTE_MS).toISOString()},${new Date(
    end.getTime() + b.type.bufferAfterMinutes * MINUTE_MS,
  ).toISOString()})`;
  const participants = await tx.insert(meetingParticipants).values([
    ...b.hostIds.map((id) => ({
      teamId,
      bookingId: row!.id,
      role: id === b.organizerId ? ('organizer' as const) : ('host' as const),
      slackUserId: id,
      blocked,
      holdsTime: true,
    })),
    ...b.guests.map((g) => ({ teamId, bookingId: row!.id, role: 'guest' as const, guestName: g.name, guestEmail: g.email ?? null })),
  ]).returning();
  return toBooking(row!, b.type, participants);
}

/**
 * The exclusion constraint keeps bookings from overlapping, but a daily limit counts bookings that
 * do not overlap: two concurrent bookings could each see one slot left. Serializing the bookings of
 * the same hosts (in a fixed order, so two transactions never wait on each other) makes the count
 * exact. A host's own limit can apply to any type, so every booking takes the locks.
 */
async function lockHostsForDailyCount(tx: Tx, teamId: string, hostIds: string[]): Promise<void> {
  for (const hostId of [...hostIds].sort()) {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`${teamId}/${hostId}`}, 0))`);
  }
}

async function releaseBooking(tx: Tx, id: string, by: { reason: string | null; actorId: string; now: Date }): Promise<void> {
  await tx
    .update(bookings)
    .set({ status: 'cancelled', cancelReason: by.reason, cancelledBy: by.actorId, cancelledAt: by.now, updatedAt: by.now })
    .where(eq(bookings.id, id));
  await tx.update(meetingParticipants).set({ holdsTime: false }).where(eq(meetingParticipants.bookingId, id));
}

function collisionsOf(hostId: string, busy: { bookingId: string; start: Date; end: Date; bufferBeforeMinutes?: number; bufferAfterMinutes?: number }[], start: Date, end: Date, type: MeetingType): Collision[] {
  const lo = start.getTime() - type.bufferBeforeMinutes * MINUTE_MS;
  const hi = end.getTime() + type.bufferAfterMinutes * MINUTE_MS;
  return busy
    .filter((b) => b.start.getTime() - (b.bufferBeforeMinutes ?? 0) * MINUTE_MS < hi && b.end.getTime() + (b.bufferAfterMinutes ?? 0) * MINUTE_MS > lo)
    .map((b) => ({ hostId, bookingId: b.bookingId, start: b.start, end: b.end }));
}

function describeReason(reason: UnavailableReason, host: HostSchedule, type: MeetingType): string {
  const hostId = host.hostId;
  switch (reason) {
    case 'too-soon':
      return `it needs at least ${type.minimumNoticeMinutes} minutes' notice`;
    case 'beyond-horizon':
      return `it is more than ${type.bookingHorizonDays} days ahead`;
    case 'outside-working-hours':
      return `it is outside ${hostId}'s working hours`;
    case 'off-grid':
      return `slots of "${type.name}" start every ${type.slotIntervalMinutes} minutes from the start of each free stretch (rounded up to ${startGridMinutes(type.slotIntervalMinutes)} minutes on ${hostId}'s clock)`;
    case 'daily-limit':
      return `${hostId} has reached the daily limit of ${type.dailyLimit} "${type.name}" meetings`;
    case 'host-daily-limit':
      return `${hostId} takes at most ${host.dailyLimit} meetings a day`;
    default:
      return `it is not available for ${hostId}`;
  }
}

/**
 * Turns what a concurrent writer caused into the answer the caller should get: the exclusion
 * constraint firing is a slot-taken conflict; an idempotency key inserted meanwhile is a replay.
 */
async function recoverFromRace(
  db: Database,
  teamId: string,
  error: unknown,
  attempt: { hostIds: string[]; start: Date; meetingTypeId?: string; idempotencyKey?: string; requestHash: string },
): Promise<CreateBookingResult> {
  const state = sqlState(error);
  const overlap = state === '23P01';
  const raced = overlap || error instanceof SlotTakenError || (state === '23505' && constraintName(error)?.startsWith('idempotency_keys'));
  if (!raced) throw error;
  // A twin with the same key may have committed while this one ran (a double click, a retry).
  if (attempt.idempotencyKey) {
    const replay = await withTeam(db, teamId, (tx) => findReplay(tx, attempt.idempotencyKey!, attempt.requestHash));
    if (replay) return { booking: replay, replayed: true };
  }
  if (!overlap || !attempt.meetingTypeId) throw error;
  // The constraint fired: name what the slot now collides with, as the in-transaction check would.
  const collisions = await withTeam(db, teamId, async (tx) => {
    const type = await getMeetingType(tx, attempt.meetingTypeId!);
    const end = new Date(attempt.start.getTime() + type.durationMinutes * MINUTE_MS);
    const busy = await loadBusy(tx, attempt.hostIds, attempt.start, end);
    return [...busy].flatMap(([hostId, intervals]) => collisionsOf(hostId, intervals, attempt.start, end, type));
  });
  throw new SlotTakenError(collisions);
}

async function findReplay(tx: Tx, key: string, requestHash: string): Promise<Booking | undefined> {
  const [row] = await tx.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, key));
  if (!row) return undefined;
  if (row.requestHash !== requestHash) throw new IdempotencyMismatchError(key);
  return loadBooking(tx, row.bookingId);
}

function defaultTitle(type: MeetingType): string {
  return type.name;
}

async function hashRequest(value: unknown): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function encodeCursor(startsAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([startsAt.toISOString(), id])).toString('base64url');
}

function decodeCursor(cursor: string): { startsAt: Date; id: string } {
  try {
    const [iso, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    const startsAt = new Date(iso);
    if (!isInstantInRange(startsAt) || !isUuid(id)) throw new Error('bad cursor');
    return { startsAt, id };
  } catch {
    throw new InvalidInputError('cursor: not a cursor this API returned', 'cursor');
  }
}

