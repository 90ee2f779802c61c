import { and, asc, count, desc, eq, gte, gt, inArray, lt, or, sql, exists } from 'drizzle-orm';
import type { ExternalBusySource } from '../calendars/service.js';
import { checkSlot, computeSlotsAllFree, computeSlotsAnyFree, startGridMinutes, type BusyInterval, type HostAvailabilityInput, type HostSchedule, type Slot, type UnavailableReason } from '../core/availability/index.js';
import {
  cancelBookingSchema,
  createBookingSchema,
  listBookingsSchema,
  rescheduleBookingSchema,
  roundRobinBookingSchema,
  type RoundRobinBookingInput,
  type CancelBookingInput,
  type CreateBookingInput,
  type BookingSort,
  type ListBookingsInput,
  type RescheduleBookingInput,
} from '../core/bookings/schemas.js';
import { isUuid } from '../core/ids.js';
import { isInstantInRange } from '../core/input.js';
import type { Database } from '../db/client.js';
import { bookings, meetingParticipants, type BookingAnswer } from '../db/schema.js';
import { DatabaseBusyError, isTransient } from '../db/errors.js';
import { commitWith } from '../db/pipelined-transaction.js';
import { rowFromJson, runStatement } from '../db/statements.js';
import { lockKeys, tryLockKeys, withTeam, type Tx } from '../db/tenant.js';
import { WriteBatches } from '../db/write-batches.js';
import { announceOnCommit, recordEvent, type NewBookingEvent } from '../events/outbox.js';
import { loadBusy, loadHostInputs, loadSlotInputs, slotRulesOf, withExternalBusy } from './availability.js';
import { loadBooking, loadBookings, toBooking, type Booking, type BookingRow } from './booking-view.js';
import {
  BookingCancelledError,
  BookingError,
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

/** Busy time of a host: bookings (with their id) and events in the host's own calendars (`external`). */
type HostInput = HostAvailabilityInput & { busy: (BusyInterval & { bookingId?: string })[] };
type ExternalMap = ReadonlyMap<string, readonly BusyInterval[]>;
import { getMeetingType, type MeetingType } from './meeting-types.js';
import { parseInput } from './validate.js';

export interface Clock {
  now?: Date;
  /**
   * The hosts' own calendars: their busy time is read (from the cache when fresh, else asked with
   * a short timeout) before the transaction, never while it holds a connection or a lock.
   */
  calendars?: ExternalBusySource;
}

/** At booking time a calendar read longer ago than this is asked again, waiting at most BOOKING_CALENDAR_WAIT_MS. */
export const BOOKING_CALENDAR_MAX_AGE_MS = 30_000;
export const BOOKING_CALENDAR_WAIT_MS = 1_500;

async function externalBusyFor(clock: Clock, teamId: string, hostIds: string[], [from, to]: [Date, Date]): Promise<ExternalMap | undefined> {
  if (!clock.calendars) return undefined;
  const answer = await clock.calendars.busyFor(teamId, hostIds, from, to, { waitMs: BOOKING_CALENDAR_WAIT_MS, maxAgeMs: BOOKING_CALENDAR_MAX_AGE_MS });
  return answer.busy;
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
const DAY_MS = 86_400_000;
/** Writes wait at most this long for a host's lock or a conflicting insert, then retry. */
const WRITE_LIMITS = { lockTimeoutMs: 1_500, statementTimeoutMs: 5_000, genericPlans: true };
const WRITE_ATTEMPTS = 3;
/** A taken slot is answered with the next free ones in this window after it. */
const NEXT_SLOTS = 5;
const NEXT_SLOTS_WINDOW_MS = 14 * DAY_MS;

/** The advisory lock every write for a host takes first, in one fixed order (see lockKeys). */
export function hostLockKey(teamId: string, hostId: string): string {
  return `host:${teamId}/${hostId}`;
}

/** Where a write was when it gave up: a wait while inserting the participants means a conflicting booking is being written. */
interface WriteProgress {
  stage: 'read' | 'insert';
}

/**
 * Books a slot for the organizer and hosts. An unlocked read answers most conflicts at once
 * (with the next free slots); a free slot is then re-checked under the hosts' advisory locks and
 * written with its booking.created event in the same transaction.
 */
export async function createBooking(db: Database, teamId: string, input: CreateBookingInput, clock: Clock = {}): Promise<CreateBookingResult> {
  const data = parseInput(createBookingSchema, input);
  const now = clock.now ?? new Date();
  // Only a request with an idempotency key is compared with an earlier one.
  const requestHash = data.idempotencyKey ? await hashRequest({ ...data, idempotencyKey: undefined }) : '';
  const hostIds = [...new Set([data.organizerId, ...data.hostIds])];
  const progress: WriteProgress = { stage: 'read' };
  const external = await externalBusyFor(clock, teamId, hostIds, busyWindow(data.start, now));
  try {
    const hostLocks = hostIds.map((id) => hostLockKey(teamId, id));
    return await bookingWrites.run(db, teamId, hostLocks, async (tx) => {
      progress.stage = 'read';
      // Sent together, in this order (one round trip on postgres.js): the hosts' locks if they are
      // free at once, the key's earlier use, then the type and the hosts' hours and busy time, read
      // under the locks when they were taken. Only a contended host costs a second read.
      const locked = tryLockKeys(tx, hostLocks);
      const earlier = data.idempotencyKey ? idempotencyKeyUse(tx, data.idempotencyKey) : undefined;
      const read = loadSlotInputs(tx, { id: data.meetingTypeId, activeOnly: true, field: 'meetingTypeId' }, hostIds, ...busyWindow(data.start, now), {
        field: (id) => (id === data.organizerId ? 'organizerId' : 'hostIds'),
      });
      // Each is awaited below, the key's first (a replay is answered even if the type has gone
      // since); should one fail, the others fail with it and are not left unhandled meanwhile.
      for (const sent of [locked, earlier, read]) sent?.catch(() => {});
      if (earlier) {
        const replay = await replayOf(tx, data.idempotencyKey!, await earlier, requestHash);
        if (replay) return { booking: replay, replayed: true };
      }
      const [{ type, hosts }, hostsLocked] = await Promise.all([read, locked]);
      const booking = await insertBooking(tx, teamId, progress, {
        type,
        hosts: withExternalBusy(hosts, external),
        external,
        locked: hostsLocked,
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
        previous: null,
        idempotency: data.idempotencyKey ? { key: data.idempotencyKey, requestHash } : undefined,
        bookingLinkId: data.bookingLinkId ?? null,
        answers: data.answers ?? null,
        externalRefId: data.externalReference?.id ?? null,
        externalRefUrl: data.externalReference?.url ?? null,
        metadata: data.metadata ?? {},
        event: { kind: 'booking.created', payload: { source: data.source, actorId: data.organizerId } },
        last: true,
      });
      if (!booking) return { booking: (await findReplay(tx, data.idempotencyKey!, requestHash))!, replayed: true };
      return { booking, replayed: false };
    });
  } catch (error) {
    return recoverFromRace(db, teamId, gaveUp(error, progress), {
      hostIds,
      start: data.start,
      meetingTypeId: data.meetingTypeId,
      idempotencyKey: data.idempotencyKey,
      requestHash,
    });
  }
}

/**
 * Books a link whose hosts take turns (round robin): of the candidates free at `start`, the one
 * with the fewest confirmed bookings through this link in the slot's calendar month (UTC) takes
 * it, ties going to the one named first. The choice is made under every candidate's advisory
 * lock, after their busy time is read again, so two visitors booking at once never pick from a
 * stale picture: each sees the other's booking in both the free check and the counts.
 */
export async function createRoundRobinBooking(db: Database, teamId: string, input: RoundRobinBookingInput, clock: Clock = {}): Promise<CreateBookingResult> {
  const data = parseInput(roundRobinBookingSchema, input);
  const now = clock.now ?? new Date();
  // Only a request with an idempotency key is compared with an earlier one.
  const requestHash = data.idempotencyKey ? await hashRequest({ ...data, idempotencyKey: undefined }) : '';
  const candidateIds = [...new Set(data.candidateIds)];
  const progress: WriteProgress = { stage: 'read' };
  const external = await externalBusyFor(clock, teamId, candidateIds, busyWindow(data.start, now));
  try {
    return await inWriteTransaction(db, teamId, async (tx) => {
      progress.stage = 'read';
      if (data.idempotencyKey) {
        const replay = await findReplay(tx, data.idempotencyKey, requestHash);
        if (replay) return { booking: replay, replayed: true };
      }
      const window = busyWindow(data.start, now);
      const { type, hosts: read } = await loadSlotInputs(tx, { id: data.meetingTypeId, activeOnly: true, field: 'meetingTypeId' }, candidateIds, ...window);
      const unlocked = withExternalBusy(read, external);
      if (data.start < now) throw new PastTimeError(data.start);
      // Nobody free even before locking: answer at once, with the next times anyone is free.
      freeCandidates(unlocked, type, data.start, now);
      // Sent together, in this order: the reads start once the locks are held (see insertBooking).
      const [, earlier, busy] = await Promise.all([
        lockKeys(tx, candidateIds.map((id) => hostLockKey(teamId, id))),
        data.idempotencyKey ? idempotencyKeyUse(tx, data.idempotencyKey) : undefined,
        loadBusy(tx, candidateIds, ...window),
      ]);
      if (earlier) return { booking: (await replayOf(tx, data.idempotencyKey!, earlier, requestHash))!, replayed: true };
      const hosts = withExternalBusy(
        read.map((h) => ({ ...h, busy: busy.get(h.schedule.hostId) ?? [] })),
        external,
      );
      const free = freeCandidates(hosts, type, data.start, now);
      const counts = await linkBookingCounts(tx, data.bookingLinkId, free.map((h) => h.schedule.hostId), data.start);
      const chosen = free.reduce((best, h) => ((counts.get(h.schedule.hostId) ?? 0) < (counts.get(best.schedule.hostId) ?? 0) ? h : best));
      const organizerId = chosen.schedule.hostId;
      const booking = (await insertBooking(tx, teamId, progress, {
        type,
        hosts: [chosen],
        start: data.start,
        now,
        organizerId,
        hostIds: [organizerId],
        guests: data.guests,
        title: data.title ?? defaultTitle(type),
        notes: data.notes ?? null,
        source: data.source,
        slackChannelId: data.slackChannelId ?? null,
        slackMessageTs: null,
        bookingLinkId: data.bookingLinkId,
        answers: data.answers ?? null,
        externalRefId: data.externalReference?.id ?? null,
        externalRefUrl: data.externalReference?.url ?? null,
        metadata: data.metadata ?? {},
        previous: null,
        locked: true,
        idempotency: data.idempotencyKey ? { key: data.idempotencyKey, requestHash } : undefined,
        event: { kind: 'booking.created', payload: { source: data.source, actorId: organizerId } },
        last: true,
      }))!;
      return { booking, replayed: false };
    });
  } catch (error) {
    return recoverFromRace(db, teamId, gaveUp(error, progress), {
      hostIds: candidateIds,
      start: data.start,
      meetingTypeId: data.meetingTypeId,
      idempotencyKey: data.idempotencyKey,
      requestHash,
    });
  }
}

/** The candidates free at `start`, in their order; none free is the error the slot deserves (taken, or outside everyone's hours). */
function freeCandidates(hosts: HostInput[], type: MeetingType, start: Date, now: Date): HostInput[] {
  const rules = { ...slotRulesOf(type), now };
  const free = hosts.filter((h) => checkSlot(h, rules, start).available);
  if (free.length) return free;
  const end = new Date(start.getTime() + type.durationMinutes * MINUTE_MS);
  const reasonOf = (h: HostInput): UnavailableReason => {
    const check = checkSlot(h, rules, start);
    return check.available ? 'busy' : check.reason;
  };
  const collisions = hosts.flatMap((h) => (reasonOf(h) === 'busy' ? collisionsOf(h.schedule.hostId, h.busy, start, end, type) : []));
  if (collisions.length) {
    const from = new Date(Math.max(start.getTime(), now.getTime()));
    const next = computeSlotsAnyFree(hosts, { ...rules, from, to: new Date(from.getTime() + NEXT_SLOTS_WINDOW_MS) }).slice(0, NEXT_SLOTS);
    throw new SlotTakenError(collisions, next);
  }
  const reasons = hosts.map((h) => describeReason(reasonOf(h), h.schedule, type));
  throw new OutsideAvailabilityError(hosts.map((h) => h.schedule.hostId), start, [...new Set(reasons)]);
}

/** Confirmed bookings through the link that each host organizes, starting in the UTC calendar month of `at`. */
async function linkBookingCounts(tx: Tx, bookingLinkId: string, hostIds: string[], at: Date): Promise<Map<string, number>> {
  const monthStart = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  const monthEnd = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
  const rows = await tx
    .select({ hostId: bookings.organizerId, n: count() })
    .from(bookings)
    .where(
      and(
        eq(bookings.bookingLinkId, bookingLinkId),
        eq(bookings.status, 'confirmed'),
        inArray(bookings.organizerId, hostIds),
        gte(bookings.startsAt, monthStart),
        lt(bookings.startsAt, monthEnd),
      ),
    )
    .groupBy(bookings.organizerId);
  return new Map(rows.map((r) => [r.hostId, Number(r.n)]));
}

/** Moves a booking: the new booking, the cancellation of the old one and the event commit together or not at all. */
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
  const progress: WriteProgress = { stage: 'read' };
  // The people are known from the booking; their calendars are read before the transaction.
  const external = clock.calendars
    ? await externalBusyFor(clock, teamId, hostsOf(await getBooking(db, teamId, data.bookingId)), busyWindow(data.start, now))
    : undefined;
  try {
    return await inWriteTransaction(db, teamId, async (tx) => {
      progress.stage = 'read';
      const [locked] = await tx.select().from(bookings).where(eq(bookings.id, data.bookingId)).for('update');
      if (!locked) throw new NotFoundError('booking', data.bookingId, 'bookingId');
      if (data.idempotencyKey) {
        const replay = await findReplay(tx, data.idempotencyKey, requestHash);
        if (replay) return { booking: replay, previous: (await loadBooking(tx, locked.id))!, replayed: true };
      }
      if (locked.status !== 'confirmed') throw new BookingCancelledError(locked.id);
      // Not a move: it would only cancel the meeting, book it again and tell everyone it moved.
      if (locked.startsAt.getTime() === data.start.getTime()) {
        throw new InvalidInputError(`The meeting already starts at ${data.start.toISOString()}: pick another time to move it to`, 'start');
      }
      const previous = (await loadBooking(tx, locked.id))!;
      hostIds = previous.participants.filter((p) => p.role !== 'guest').map((p) => p.slackUserId!);
      meetingTypeId = locked.meetingTypeId;
      await lockKeys(tx, hostIds.map((id) => hostLockKey(teamId, id)));
      await releaseBooking(tx, locked.id, { reason: 'Rescheduled', actorId: data.actorId, now });
      const type = await getMeetingType(tx, locked.meetingTypeId, { field: 'meetingTypeId' });
      const booking = await insertBooking(tx, teamId, progress, {
        type,
        start: data.start,
        now,
        organizerId: locked.organizerId,
        hostIds,
        guests: previous.participants
          .filter((p) => p.role === 'guest')
          .map((p) => ({ name: p.guestName!, email: p.guestEmail ?? undefined, timeZone: p.guestTimeZone ?? undefined, guestId: p.guestId ?? undefined })),
        title: locked.title,
        notes: locked.notes,
        source: locked.source,
        slackChannelId: locked.slackChannelId,
        slackMessageTs: locked.slackMessageTs,
        bookingLinkId: locked.bookingLinkId,
        answers: locked.answers,
        externalRefId: locked.externalRefId,
        externalRefUrl: locked.externalRefUrl,
        metadata: locked.metadata,
        previous: locked,
        locked: true,
        external,
        idempotency: data.idempotencyKey ? { key: data.idempotencyKey, requestHash } : undefined,
      });
      if (!booking) throw new Error('unreachable: a locked reschedule has no concurrent twin');
      await tx.update(bookings).set({ rescheduledToId: booking.id }).where(eq(bookings.id, locked.id));
      await recordEvent(tx, {
        teamId,
        meetingId: booking.meetingId,
        bookingId: booking.id,
        kind: 'booking.rescheduled',
        payload: {
          previousBookingId: locked.id,
          previousStartsAt: locked.startsAt.toISOString(),
          previousEndsAt: locked.endsAt.toISOString(),
          actorId: data.actorId,
        },
      });
      return { booking, previous: (await loadBooking(tx, locked.id))!, replayed: false };
    });
  } catch (error) {
    const recovered = await recoverFromRace(db, teamId, gaveUp(error, progress), {
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
  const progress: WriteProgress = { stage: 'read' };
  try {
    return await inWriteTransaction(db, teamId, async (tx) => {
      const [locked] = await tx.select().from(bookings).where(eq(bookings.id, data.bookingId)).for('update');
      if (!locked) throw new NotFoundError('booking', data.bookingId, 'bookingId');
      if (locked.status === 'cancelled') return { booking: (await loadBooking(tx, locked.id))!, changed: false };
      const current = (await loadBooking(tx, locked.id))!;
      await lockKeys(tx, current.participants.filter((p) => p.role !== 'guest').map((p) => hostLockKey(teamId, p.slackUserId!)));
      await releaseBooking(tx, locked.id, { reason: data.reason || null, actorId: data.actorId, now: clock.now ?? new Date() });
      await recordEvent(tx, {
        teamId,
        meetingId: locked.meetingId,
        bookingId: locked.id,
        kind: 'booking.cancelled',
        payload: { actorId: data.actorId, reason: data.reason || null },
      });
      return { booking: (await loadBooking(tx, locked.id))!, changed: true };
    });
  } catch (error) {
    throw gaveUp(error, progress);
  }
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

/**
 * Bookings a page at a time, filtered by person, attendee email, meeting type, external reference,
 * time range and status, in the order asked for (start time by default). The cursor carries the
 * sort and the last row's key, so a page never repeats or skips a booking.
 */
export async function listBookings(db: Database, teamId: string, input: ListBookingsInput = {}): Promise<BookingPage> {
  const query = parseInput(listBookingsSchema, input);
  const after = query.cursor ? decodeCursor(query.cursor, query.sort) : undefined;
  // created_at holds microseconds and a cursor milliseconds: compare and order at the cursor's precision.
  const byStart = query.sort === 'start' || query.sort === '-start';
  const column = byStart ? sql`${bookings.startsAt}` : sql`date_trunc('milliseconds', ${bookings.createdAt})`;
  const descending = query.sort.startsWith('-');
  const email = query.attendeeEmail?.toLowerCase();
  return withTeam(db, teamId, async (tx) => {
    const rows = await tx
      .select()
      .from(bookings)
      .where(
        and(
          query.status ? eq(bookings.status, query.status) : undefined,
          query.from ? gt(bookings.endsAt, query.from) : undefined,
          query.to ? lt(bookings.startsAt, query.to) : undefined,
          query.meetingTypeId ? eq(bookings.meetingTypeId, query.meetingTypeId) : undefined,
          query.externalRefId ? eq(bookings.externalRefId, query.externalRefId) : undefined,
          query.personId
            ? exists(
                tx
                  .select({ one: sql`1` })
                  .from(meetingParticipants)
                  .where(and(eq(meetingParticipants.bookingId, bookings.id), eq(meetingParticipants.slackUserId, query.personId))),
              )
            : undefined,
          email
            ? sql`exists (select 1 from meeting_participants p where p.booking_id = ${bookings.id} and (lower(p.guest_email) = ${email}
                  or p.slack_user_id in (select u.slack_user_id from users u where lower(u.email) = ${email})))`
            : undefined,
          after
            ? descending
              ? sql`(${column}, ${bookings.id}) < (${after.at.toISOString()}::timestamptz, ${after.id}::uuid)`
              : sql`(${column}, ${bookings.id}) > (${after.at.toISOString()}::timestamptz, ${after.id}::uuid)`
            : undefined,
        ),
      )
      .orderBy(...(descending ? [desc(column), desc(bookings.id)] : [asc(column), asc(bookings.id)]))
      .limit(query.limit + 1);
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      bookings: await loadBookings(tx, page),
      nextCursor: rows.length > query.limit && last ? encodeCursor(query.sort, byStart ? last.startsAt : last.createdAt, last.id) : null,
    };
  });
}

/**
 * Where the bot posted the meeting, whichever of its bookings recorded it (a move that raced the
 * posting copied no location to the new booking).
 */
export async function findSlackMessage(db: Database, teamId: string, meetingId: string): Promise<{ channelId: string; ts: string } | undefined> {
  const [row] = await withTeam(db, teamId, (tx) =>
    tx
      .select({ channelId: bookings.slackChannelId, ts: bookings.slackMessageTs })
      .from(bookings)
      .where(and(eq(bookings.meetingId, meetingId), sql`${bookings.slackMessageTs} is not null`))
      .orderBy(desc(bookings.sequence))
      .limit(1),
  );
  return row?.channelId && row.ts ? { channelId: row.channelId, ts: row.ts } : undefined;
}

/** Where the bot posted the booking, so later updates edit that message. */
export async function recordSlackMessage(db: Database, teamId: string, bookingId: string, channelId: string, messageTs: string): Promise<void> {
  // Every booking of the meeting: a move made before the message was posted still finds it.
  await withTeam(db, teamId, (tx) =>
    tx
      .update(bookings)
      .set({ slackChannelId: channelId, slackMessageTs: messageTs })
      .where(eq(bookings.meetingId, sql`(select meeting_id from bookings where id = ${bookingId})`)),
  );
}

interface NewBooking {
  type: MeetingType;
  start: Date;
  now: Date;
  organizerId: string;
  hostIds: string[];
  /** A moved meeting's guests keep their ids (and so their personal links). */
  guests: { name: string; email?: string; timeZone?: string; guestId?: string }[];
  title: string;
  notes: string | null;
  source: 'slack' | 'api' | 'web';
  slackChannelId: string | null;
  slackMessageTs: string | null;
  bookingLinkId: string | null;
  answers: BookingAnswer[] | null;
  /** The ticket it is about and the integration's metadata, carried through every move. */
  externalRefId: string | null;
  externalRefUrl: string | null;
  metadata: Record<string, unknown>;
  /** The booking this one moves (its meeting and sequence carry on). */
  previous: BookingRow | null;
  /** The hosts' locks are already held. */
  locked?: boolean;
  /** The hosts' hours and busy time over busyWindow(), when already read. */
  hosts?: HostInput[];
  /** Busy time from the hosts' own calendars, joined to their bookings at every check. */
  external?: ExternalMap;
  idempotency?: { key: string; requestHash: string };
  /** The event to record with the booking, in the same round trip. */
  event?: Pick<NewBookingEvent, 'kind' | 'payload'>;
  /** The write is the transaction's last statement: COMMIT goes out with it (commitWith). */
  last?: boolean;
}

/**
 * Checks the slot and writes the booking. Returns undefined when, once the hosts' locks were
 * held, the idempotency key turned out to be taken by a twin that committed meanwhile.
 */
async function insertBooking(tx: Tx, teamId: string, progress: WriteProgress, b: NewBooking): Promise<Booking | undefined> {
  if (b.start < b.now) throw new PastTimeError(b.start);
  const end = new Date(b.start.getTime() + b.type.durationMinutes * MINUTE_MS);
  const window = busyWindow(b.start, b.now);
  let hosts: HostInput[] = b.hosts ?? withExternalBusy(await loadHostInputs(tx, b.hostIds, ...window), b.external);
  if (!b.locked) {
    // Most losers of a race stop here, before queueing on the hosts' locks.
    checkHosts(hosts, b, end);
    // Sent together, in this order: the reads start once the locks are held, so they see every
    // booking committed before (one round trip on postgres.js).
    const [, earlier, busy] = await Promise.all([
      lockKeys(tx, b.hostIds.map((id) => hostLockKey(teamId, id))),
      b.idempotency ? idempotencyKeyUse(tx, b.idempotency.key) : undefined,
      loadBusy(tx, b.hostIds, ...window),
    ]);
    if (earlier) return undefined;
    hosts = withExternalBusy(hosts.map((h) => ({ ...h, busy: busy.get(h.schedule.hostId) ?? [] })), b.external);
  }
  checkHosts(hosts, b, end);

  progress.stage = 'insert';
  const id = crypto.randomUUID();
  const meetingId = b.previous?.meetingId ?? id;
  const blocked = `[${new Date(b.start.getTime() - b.type.bufferBeforeMinutes * MINUTE_MS).toISOString()},${new Date(
    end.getTime() + b.type.bufferAfterMinutes * MINUTE_MS,
  ).toISOString()})`;
  const participants = [
    ...b.hostIds.map((hostId) => ({ role: hostId === b.organizerId ? 'organizer' : 'host', slackUserId: hostId, blocked, holdsTime: true })),
    ...b.guests.map((g) => ({ role: 'guest', guestName: g.name, guestEmail: g.email ?? null, guestTimeZone: g.timeZone ?? null, guestId: g.guestId ?? crypto.randomUUID() })),
  ].map((p, position) => ({ ...p, position }));
  // One statement: the booking, its idempotency key (before the participants: a twin with the
  // same key that got past its own check waits on it for this transaction and then replays it),
  // the participants, and the event.
  if (b.event) announceOnCommit(tx);
  const writing = runStatement<{ row: Record<string, unknown>; participants: Record<string, unknown>[] }>(tx, INSERT_BOOKING, [
    id,
    teamId,
    meetingId,
    b.previous ? b.previous.sequence + 1 : 0,
    b.type.id,
    b.organizerId,
    b.title,
    b.notes,
    b.start.toISOString(),
    end.toISOString(),
    b.type.bufferBeforeMinutes,
    b.type.bufferAfterMinutes,
    b.source,
    b.bookingLinkId,
    b.answers === null ? null : JSON.stringify(b.answers),
    b.slackChannelId,
    b.slackMessageTs,
    b.externalRefId,
    b.externalRefUrl,
    JSON.stringify(b.metadata),
    b.previous?.id ?? null,
    b.idempotency?.key ?? null,
    b.idempotency?.requestHash ?? null,
    JSON.stringify(participants),
    b.event?.kind ?? null,
    b.event ? JSON.stringify(b.event.payload) : null,
  ]);
  if (b.last) commitWith(tx);
  const [written] = await writing;
  return toBooking(
    rowFromJson(bookings, written!.row),
    b.type,
    written!.participants.map((p) => rowFromJson(meetingParticipants, p)),
  );
}

/**
 * The select list reads the key's insert first: Postgres runs a data-modifying WITH query when
 * the main query first reads it (the others, as the event, at the end), so the key is written
 * before the participants.
 */
const INSERT_BOOKING = `
  with booking as (
    insert into bookings (id, team_id, meeting_id, sequence, meeting_type_id, organizer_id, title, notes, starts_at, ends_at,
      buffer_before_minutes, buffer_after_minutes, source, booking_link_id, answers, slack_channel_id, slack_message_ts,
      external_ref_id, external_ref_url, metadata, rescheduled_from_id)
    values ($1::uuid, $2, $3::uuid, $4::int, $5::uuid, $6, $7, $8, $9::timestamptz, $10::timestamptz, $11::int, $12::int,
      $13::booking_source, $14::uuid, $15::jsonb, $16, $17, $18, $19, $20::jsonb, $21::uuid)
    returning *),
  idempotency_key as (
    insert into idempotency_keys (team_id, key, request_hash, booking_id)
    select $2, $22, $23, $1::uuid where $22::text is not null
    returning 1),
  participants as (
    insert into meeting_participants (team_id, booking_id, role, slack_user_id, guest_name, guest_email, guest_time_zone, guest_id, blocked, holds_time,
      meeting_type_id, starts_at, ends_at, position)
    select $2, $1::uuid, p.role::participant_role, p."slackUserId", p."guestName", p."guestEmail", p."guestTimeZone", p."guestId"::uuid, p.blocked::tstzrange, coalesce(p."holdsTime", false),
      $5::uuid, $9::timestamptz, $10::timestamptz, p.position
    from json_to_recordset($24::json) as p(role text, "slackUserId" text, "guestName" text, "guestEmail" text, "guestTimeZone" text, "guestId" text, blocked text, "holdsTime" boolean, position smallint)
    returning *),
  event as (
    insert into booking_events (team_id, meeting_id, booking_id, kind, payload)
    select $2, $3::uuid, $1::uuid, $25, $26::jsonb where $25::text is not null
    returning 1)
  select
    (select count(*) from idempotency_key) as keys,
    (select to_json(booking) from booking) as row,
    (select coalesce(json_agg(to_json(participants) order by participants.position), '[]') from participants) as participants`;

/** Busy time far enough ahead to suggest the next free slots from the same read. */
function busyWindow(start: Date, now: Date): [Date, Date] {
  return [start, new Date(Math.max(start.getTime(), now.getTime()) + NEXT_SLOTS_WINDOW_MS)];
}

/** Throws the precise reason the slot cannot be booked for these hosts, if any. */
function checkHosts(hosts: HostInput[], b: NewBooking, end: Date): void {
  const rules = { ...slotRulesOf(b.type), now: b.now };
  const collisions: Collision[] = [];
  const reasons: string[] = [];
  for (const host of hosts) {
    const check = checkSlot(host, rules, b.start);
    if (check.available) continue;
    if (check.reason === 'busy') collisions.push(...collisionsOf(host.schedule.hostId, host.busy, b.start, end, b.type));
    else reasons.push(describeReason(check.reason, host.schedule, b.type));
  }
  if (collisions.length) throw new SlotTakenError(collisions, nextSlotsFor(hosts, b));
  if (reasons.length) throw new OutsideAvailabilityError(b.hostIds, b.start, [...new Set(reasons)]);
}

function nextSlotsFor(hosts: HostInput[], b: NewBooking): Slot[] {
  const from = new Date(Math.max(b.start.getTime(), b.now.getTime()));
  const within = (span: number) => computeSlotsAllFree(hosts, { ...slotRulesOf(b.type), now: b.now, from, to: new Date(from.getTime() + span) }).slice(0, NEXT_SLOTS);
  // The next few free starts are mostly within a day: look there first (the first slots of a
  // shorter window are the first slots of a longer one), then in the whole window.
  const nearby = within(DAY_MS);
  return nearby.length === NEXT_SLOTS ? nearby : within(NEXT_SLOTS_WINDOW_MS);
}

/**
 * One write: a tenant transaction with the writes' lock and statement timeouts, run again after a
 * deadlock, serialization failure or lock timeout, a bounded number of times.
 */
async function inWriteTransaction<T>(db: Database, teamId: string, work: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await withTeam(db, teamId, work, WRITE_LIMITS);
    } catch (error) {
      if (!isTransient(error) || attempt >= WRITE_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt + Math.random() * 30 * attempt));
    }
  }
}

/**
 * New bookings of a team made at the same moment share a transaction (see WriteBatches): under
 * load a booking costs its own statements, not a transaction and a flush of the log each.
 */
const bookingWrites = new WriteBatches({
  transaction: (db, teamId, work) => withTeam(db, teamId, work, WRITE_LIMITS),
  alone: inWriteTransaction,
  isAnswer: (error) => error instanceof BookingError,
});

/**
 * A write that kept hitting transient errors: still waiting on a conflicting insert means another
 * booking holds the slot (409); waiting for the hosts' locks means we are busy (503).
 */
function gaveUp(error: unknown, progress: WriteProgress): unknown {
  if (!isTransient(error) && sqlState(error) !== '57014') return error;
  if (progress.stage === 'insert') return new SlotTakenError([]);
  return new DatabaseBusyError('Too many changes to the same people at once; try again in a moment', 1);
}

async function releaseBooking(tx: Tx, id: string, by: { reason: string | null; actorId: string; now: Date }): Promise<void> {
  await tx
    .update(bookings)
    .set({ status: 'cancelled', cancelReason: by.reason, cancelledBy: by.actorId, cancelledAt: by.now, updatedAt: by.now })
    .where(eq(bookings.id, id));
  await tx.update(meetingParticipants).set({ holdsTime: false }).where(eq(meetingParticipants.bookingId, id));
}

function collisionsOf(hostId: string, busy: (BusyInterval & { bookingId?: string })[], start: Date, end: Date, type: MeetingType): Collision[] {
  const lo = start.getTime() - type.bufferBeforeMinutes * MINUTE_MS;
  const hi = end.getTime() + type.bufferAfterMinutes * MINUTE_MS;
  return busy
    .filter((b) => b.start.getTime() - (b.bufferBeforeMinutes ?? 0) * MINUTE_MS < hi && b.end.getTime() + (b.bufferAfterMinutes ?? 0) * MINUTE_MS > lo)
    .map((b) => ({ hostId, bookingId: b.bookingId ?? null, start: b.start, end: b.end, ...(b.external ? { inOwnCalendar: true } : {}) }));
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
  const overlap = state === '23P01' || (error instanceof SlotTakenError && error.collisions.length === 0);
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
  return replayOf(tx, key, await idempotencyKeyUse(tx, key), requestHash);
}

interface IdempotencyKeyUse {
  request_hash: string;
  booking_id: string;
}

async function idempotencyKeyUse(tx: Tx, key: string): Promise<IdempotencyKeyUse | undefined> {
  return (await runStatement<IdempotencyKeyUse>(tx, 'select request_hash, booking_id from idempotency_keys where key = $1', [key]))[0];
}

/** The booking an earlier request with the same key made; an error if that request differed. */
async function replayOf(tx: Tx, key: string, use: IdempotencyKeyUse | undefined, requestHash: string): Promise<Booking | undefined> {
  if (!use) return undefined;
  if (use.request_hash !== requestHash) throw new IdempotencyMismatchError(key);
  return loadBooking(tx, use.booking_id);
}

function hostsOf(booking: Booking): string[] {
  return booking.participants.filter((p) => p.role !== 'guest' && p.slackUserId).map((p) => p.slackUserId!);
}

function defaultTitle(type: MeetingType): string {
  return type.name;
}

async function hashRequest(value: unknown): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(value));
  const digest = await crypto.subtle.digest('SHA-256', bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function encodeCursor(sort: BookingSort, at: Date, id: string): string {
  // The start-order cursor keeps its first shape ([instant, id]), so cursors handed out before sorting existed still work.
  const value = sort === 'start' ? [at.toISOString(), id] : [at.toISOString(), id, sort];
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodeCursor(cursor: string, sort: BookingSort): { at: Date; id: string } {
  let decoded: { at: Date; id: string; sort: string };
  try {
    const [iso, id, cursorSort = 'start'] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string, string?];
    const at = new Date(iso);
    if (typeof iso !== 'string' || !isInstantInRange(at) || typeof id !== 'string' || !isUuid(id)) throw new Error('bad cursor');
    decoded = { at, id, sort: cursorSort };
  } catch {
    throw new InvalidInputError('cursor: not a cursor this API returned', 'cursor');
  }
  if (decoded.sort !== sort) throw new InvalidInputError(`cursor: this cursor belongs to sort=${decoded.sort}; send the same sort with it`, 'cursor');
  return decoded;
}

