import { and, eq, inArray, sql } from 'drizzle-orm';
import {
  computeSlotsAllFree,
  computeSlotsAnyFree,
  type BusyInterval,
  type HostAvailabilityInput,
  type Slot,
  type SlotQuery,
  type SlotRules,
} from '../core/availability/index.js';
import { INSTANT_RANGE_MESSAGE, isInstantInRange } from '../core/input.js';
import { bookings, meetingParticipants } from '../db/schema.js';
import type { Tx } from '../db/tenant.js';
import { InvalidInputError } from './errors.js';
import { getMeetingType, type MeetingType } from './meeting-types.js';
import { getPeople, loadStoredSchedules, schedulesOf } from './people.js';

const DAY_MS = 86_400_000;
export const MAX_SLOT_WINDOW_DAYS = 62;

export function slotRulesOf(type: MeetingType): SlotRules {
  return {
    durationMinutes: type.durationMinutes,
    slotIntervalMinutes: type.slotIntervalMinutes,
    bufferBeforeMinutes: type.bufferBeforeMinutes,
    bufferAfterMinutes: type.bufferAfterMinutes,
    minimumNoticeMinutes: type.minimumNoticeMinutes,
    bookingHorizonDays: type.bookingHorizonDays,
    dailyLimit: type.dailyLimit,
    meetingTypeId: type.id,
  };
}

export type BookedInterval = BusyInterval & { bookingId: string; meetingTypeId: string };

/**
 * Confirmed bookings holding each host's time around [from, to), with their meeting type (a
 * type's daily limit counts its own). The margin covers buffers, the range a free stretch
 * starts in, and the whole local day of either end, which the daily limits count.
 */
export async function loadBusy(tx: Tx, hostIds: readonly string[], from: Date, to: Date): Promise<Map<string, BookedInterval[]>> {
  const busy = new Map<string, BookedInterval[]>(hostIds.map((id) => [id, []]));
  if (hostIds.length === 0) return busy;
  const lo = new Date(from.getTime() - 2 * DAY_MS).toISOString();
  const hi = new Date(to.getTime() + 2 * DAY_MS).toISOString();
  const rows = await tx
    .select({
      hostId: meetingParticipants.slackUserId,
      bookingId: bookings.id,
      meetingTypeId: bookings.meetingTypeId,
      start: bookings.startsAt,
      end: bookings.endsAt,
      bufferBeforeMinutes: bookings.bufferBeforeMinutes,
      bufferAfterMinutes: bookings.bufferAfterMinutes,
    })
    .from(meetingParticipants)
    .innerJoin(bookings, eq(bookings.id, meetingParticipants.bookingId))
    .where(
      and(
        eq(meetingParticipants.holdsTime, true),
        inArray(meetingParticipants.slackUserId, [...hostIds]),
        sql`${meetingParticipants.blocked} && tstzrange(${lo}::timestamptz, ${hi}::timestamptz, '[)')`,
      ),
    );
  for (const row of rows) {
    busy.get(row.hostId!)!.push({
      bookingId: row.bookingId,
      meetingTypeId: row.meetingTypeId,
      start: row.start,
      end: row.end,
      bufferBeforeMinutes: row.bufferBeforeMinutes,
      bufferAfterMinutes: row.bufferAfterMinutes,
    });
  }
  return busy;
}

export async function loadHostInputs(
  tx: Tx,
  hostIds: readonly string[],
  from: Date,
  to: Date,
  field = 'hostIds',
): Promise<(HostAvailabilityInput & { busy: BookedInterval[] })[]> {
  // Issued together: postgres.js pipelines them on the transaction's connection (one round trip).
  const [people, stored, busy] = await Promise.all([getPeople(tx, hostIds, field), loadStoredSchedules(tx, hostIds), loadBusy(tx, [...new Set(hostIds)], from, to)]);
  const schedules = schedulesOf(people, stored);
  return [...people.keys()].map((id) => ({ schedule: schedules.get(id)!, busy: busy.get(id)! }));
}

export interface FindSlotsInput {
  meetingTypeId: string;
  hostIds: string[];
  from: Date;
  to: Date;
  /** all: every host free; any: at least one (each slot names who). */
  mode?: 'all' | 'any';
  now?: Date;
  /** Busy time from the hosts' own calendars, read before the transaction (src/calendars). */
  external?: ReadonlyMap<string, readonly BusyInterval[]>;
}

/**
 * The hosts' inputs with busy time from their calendars joined to their bookings; with a window,
 * only the calendar events near it (the same margin as loadBusy), so a day's slots do not sort
 * two months of events.
 */
export function withExternalBusy<H extends HostAvailabilityInput>(
  hosts: H[],
  external: ReadonlyMap<string, readonly BusyInterval[]> | undefined,
  window?: { from: Date; to: Date },
): H[] {
  if (!external?.size) return hosts;
  const lo = window ? window.from.getTime() - 2 * DAY_MS : -Infinity;
  const hi = window ? window.to.getTime() + 2 * DAY_MS : Infinity;
  return hosts.map((h) => {
    const more = external.get(h.schedule.hostId)?.filter((b) => b.end.getTime() > lo && b.start.getTime() < hi);
    return more?.length ? { ...h, busy: [...h.busy, ...more] } : h;
  });
}

export async function findSlots(tx: Tx, input: FindSlotsInput): Promise<{ meetingType: MeetingType; slots: Slot[] }> {
  if (input.hostIds.length === 0) throw new InvalidInputError('Name at least one host', 'hostIds');
  // The window is bounded by its start and its length, so the queries stay in dates the database takes.
  if (!isInstantInRange(input.from)) throw new InvalidInputError(`from: ${INSTANT_RANGE_MESSAGE}`, 'from');
  if (!(input.to > input.from)) throw new InvalidInputError('"to" must be after "from"', 'to');
  if (input.to.getTime() - input.from.getTime() > MAX_SLOT_WINDOW_DAYS * DAY_MS) {
    throw new InvalidInputError(`The window may span at most ${MAX_SLOT_WINDOW_DAYS} days`, 'to');
  }
  const meetingType = await getMeetingType(tx, input.meetingTypeId, { activeOnly: true, field: 'meetingTypeId' });
  const hosts = withExternalBusy(await loadHostInputs(tx, input.hostIds, input.from, input.to), input.external, input);
  const query: SlotQuery = { ...slotRulesOf(meetingType), now: input.now ?? new Date(), from: input.from, to: input.to };
  const slots = input.mode === 'any' ? computeSlotsAnyFree(hosts, query) : computeSlotsAllFree(hosts, query);
  return { meetingType, slots };
}
