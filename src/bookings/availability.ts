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
import { isUuid } from '../core/ids.js';
import { availabilitySchedules, meetingTypes } from '../db/schema.js';
import { commitWith } from '../db/pipelined-transaction.js';
import { rowFromJson, runStatement, textArray } from '../db/statements.js';
import type { Tx } from '../db/tenant.js';
import { InvalidInputError, NotFoundError } from './errors.js';
import type { MeetingType } from './meeting-types.js';
import { getPeople, loadStoredSchedules, scheduleOf, schedulesOf } from './people.js';

const MINUTE_MS = 60_000;
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
 * Busy rows as JSON arrays: [host, booking, meeting type, start, end, blocked from, blocked until],
 * instants in epoch milliseconds, all from the participant rows (which keep their booking's type
 * and time), each host's in the order they end. Each host's time is read by an index scan of its
 * own (`offset 0` keeps the subquery a loop per host): as a join, a cached generic plan built on a
 * young table's statistics scanned the whole team. The window is matched on the ends of the blocked time, not with the range's &&,
 * which row level security keeps out of index conditions (its function is not leakproof).
 */
const BUSY_JSON = `
  select coalesce(json_agg(json_build_array(h.id, p.booking_id, p.meeting_type_id,
    ${epochMs('p.starts_at')}, ${epochMs('p.ends_at')}, ${epochMs('p.blocked_from')}, ${epochMs('p.blocked_until')})), '[]')
  from unnest($1::text[]) as h(id)
  cross join lateral (
    select p.booking_id, p.meeting_type_id, p.starts_at, p.ends_at, p.blocked_from, p.blocked_until from meeting_participants p
    where p.slack_user_id = h.id and p.holds_time and p.blocked_until > $2::timestamptz and p.blocked_from < $3::timestamptz
    order by p.blocked_until
    offset 0) as p`;

function epochMs(column: string): string {
  return `(extract(epoch from ${column}) * 1000)::bigint`;
}

/** loadBusy's statement ($1 the hosts, [$2, $3) the window), exported for the test of its plan. */
export const BUSY_STATEMENT = `select (${BUSY_JSON}) as busy`;

type BusyJson = [hostId: string, bookingId: string, meetingTypeId: string, start: number, end: number, blockedFrom: number, blockedUntil: number];

/** The margin loadBusy reads around [from, to): buffers, the range a free stretch starts in, and the whole local day of either end. */
function busyRange(from: Date, to: Date): [string, string] {
  return [new Date(from.getTime() - 2 * DAY_MS).toISOString(), new Date(to.getTime() + 2 * DAY_MS).toISOString()];
}

function busyByHost(hostIds: readonly string[], rows: BusyJson[]): Map<string, BookedInterval[]> {
  const busy = new Map<string, BookedInterval[]>(hostIds.map((id) => [id, []]));
  for (const [hostId, bookingId, meetingTypeId, start, end, blockedFrom, blockedUntil] of rows) {
    busy.get(hostId)?.push({
      bookingId,
      meetingTypeId,
      start: new Date(start),
      end: new Date(end),
      bufferBeforeMinutes: (start - blockedFrom) / MINUTE_MS,
      bufferAfterMinutes: (blockedUntil - end) / MINUTE_MS,
    });
  }
  return busy;
}

/**
 * Confirmed bookings holding each host's time around [from, to), with their meeting type (a
 * type's daily limit counts its own). The margin covers buffers, the range a free stretch
 * starts in, and the whole local day of either end, which the daily limits count.
 */
export async function loadBusy(tx: Tx, hostIds: readonly string[], from: Date, to: Date): Promise<Map<string, BookedInterval[]>> {
  if (hostIds.length === 0) return new Map();
  const [row] = await runStatement<{ busy: BusyJson[] }>(tx, BUSY_STATEMENT, [textArray([...new Set(hostIds)]), ...busyRange(from, to)]);
  return busyByHost(hostIds, row!.busy);
}

export type HostInput = HostAvailabilityInput & { busy: BookedInterval[] };

export async function loadHostInputs(tx: Tx, hostIds: readonly string[], from: Date, to: Date, field = 'hostIds'): Promise<HostInput[]> {
  // Issued together: postgres.js pipelines them on the transaction's connection (one round trip).
  const [people, stored, busy] = await Promise.all([getPeople(tx, hostIds, field), loadStoredSchedules(tx, hostIds), loadBusy(tx, [...new Set(hostIds)], from, to)]);
  const schedules = schedulesOf(people, stored);
  return [...people.keys()].map((id) => ({ schedule: schedules.get(id)!, busy: busy.get(id)! }));
}

/**
 * Everything a slot search or a booking reads, in one statement: the meeting type, the hosts with
 * their zones and saved schedules, and their busy time around [from, to). Errors as getMeetingType
 * and getPeople give them, the type's first.
 */
const SLOT_INPUTS = `
  select
    (select to_json(t) from meeting_types t where t.id = $4::uuid and (t.active or not $5::boolean)) as type,
    (select coalesce(json_agg(json_build_array(u.slack_user_id, u.time_zone, to_json(s))), '[]')
       from users u left join availability_schedules s on s.team_id = u.team_id and s.slack_user_id = u.slack_user_id
       where u.slack_user_id = any($1::text[])) as people,
    (${BUSY_JSON}) as busy`;

export async function loadSlotInputs(
  tx: Tx,
  meetingType: { id: string; activeOnly?: boolean; field?: string },
  hostIds: readonly string[],
  from: Date,
  to: Date,
  { field = 'hostIds', last = false }: { field?: string | ((personId: string) => string); last?: boolean } = {},
): Promise<{ type: MeetingType; hosts: HostInput[] }> {
  if (!isUuid(meetingType.id)) throw new NotFoundError('meeting_type', meetingType.id, meetingType.field);
  const unique = [...new Set(hostIds)];
  const reading = runStatement<{ type: Record<string, unknown> | null; people: [string, string, Record<string, unknown> | null][]; busy: BusyJson[] }>(
    tx,
    SLOT_INPUTS,
    [textArray(unique), ...busyRange(from, to), meetingType.id, meetingType.activeOnly ?? false],
  );
  if (last) commitWith(tx);
  const [row] = await reading;
  if (!row!.type) throw new NotFoundError('meeting_type', meetingType.id, meetingType.field);
  const found = new Map(row!.people.map(([id, timeZone, schedule]) => [id, { timeZone, schedule }]));
  const missing = unique.find((id) => !found.has(id));
  if (missing) throw new NotFoundError('person', missing, typeof field === 'function' ? field(missing) : field);
  const busy = busyByHost(unique, row!.busy);
  const hosts = unique.map((id) => {
    const { timeZone, schedule } = found.get(id)!;
    return { schedule: scheduleOf(id, timeZone, schedule ? rowFromJson(availabilitySchedules, schedule) : undefined), busy: busy.get(id)! };
  });
  return { type: rowFromJson(meetingTypes, row!.type), hosts };
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
  /** The search is its transaction's only statement: COMMIT goes out with the read (commitWith). */
  last?: boolean;
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
  const read = await loadSlotInputs(tx, { id: input.meetingTypeId, activeOnly: true, field: 'meetingTypeId' }, input.hostIds, input.from, input.to, { last: input.last });
  const meetingType = read.type;
  const hosts = withExternalBusy(read.hosts, input.external, input);
  const query: SlotQuery = { ...slotRulesOf(meetingType), now: input.now ?? new Date(), from: input.from, to: input.to };
  const slots = input.mode === 'any' ? computeSlotsAnyFree(hosts, query) : computeSlotsAllFree(hosts, query);
  return { meetingType, slots };
}
