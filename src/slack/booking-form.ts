import type { WebClient } from '@slack/web-api';
import { findSlots, listMeetingTypes, loadHostInputs, slotRulesOf, type BookedInterval, type MeetingType } from '../bookings/index.js';
import { withExternalBusy } from '../bookings/availability.js';
import { CACHE_AHEAD_DAYS, type CacheRead } from '../calendars/service.js';
import { addLocalDays, computeSlotsAllFree, localDateOf, startOfLocalDay, type BusyInterval, type Slot } from '../core/availability/index.js';
import { withTeam, type Tx } from '../db/tenant.js';
import { bookingModal, type BookingFormView, type FormPerson } from './blocks/booking-modal.js';
import type { SlackContext } from './context.js';
import type { SlackPerson } from './people.js';

const DAY_MS = 86_400_000;
/** How far findSlots looks in one go when searching for the next free day. */
const SEARCH_CHUNK_DAYS = 7;
/**
 * How long the form waits for calendars being read. Past it the modal is filled with what was last
 * read, says which calendars are still being read, and is updated again when they answer.
 */
export const FORM_CALENDAR_WAIT_MS = 600;

type External = ReadonlyMap<string, readonly BusyInterval[]>;

export interface BookingFormRequest {
  teamId: string;
  bookerId: string;
  mode: 'book' | 'reschedule';
  privateMetadata: string;
  typeId?: string;
  /** Preferred duration (from `/meet … 30m`) when no type is chosen. */
  durationMinutes?: number;
  /** Everyone else in the meeting (the booker is added). */
  peopleIds: string[];
  day?: string;
  selectedStart?: string;
  title?: string;
  notes?: string;
  slotHint?: string;
  moving?: { title: string; when: string };
  /** Rescheduling: the booking being moved, whose own time counts as free. */
  excludeBookingId?: string;
}

export interface BookingForm {
  view: ReturnType<typeof bookingModal>;
  data: BookingFormView;
  /** Calendars still being read when the form was made: resolves when they have answered. */
  calendarsPending?: Promise<void>;
}

/**
 * Works out the modal's content: the type, the people (as Slack knows them), the day and its free
 * slots, with the people's calendar busy time from the cache, read in the same transaction. When
 * some calendar is stale it is read now (outside the transaction) for at most
 * FORM_CALENDAR_WAIT_MS: answered by then, the form is worked out again with it; otherwise the
 * form says which calendars are still being read, and `calendarsPending` resolves when they are.
 */
export async function loadBookingForm(ctx: SlackContext, client: WebClient, request: BookingFormRequest, calendarsRead = false): Promise<BookingForm> {
  const ids = [request.bookerId, ...request.peopleIds.filter((id) => id !== request.bookerId)];
  const now = ctx.now();
  const everyone = await ctx.people.see(client, request.teamId, ids);
  const booker = everyone[0]!;
  const unusable = everyone.filter((p) => p.isBot || p.deleted);
  const people = everyone.filter((p) => !p.isBot && !p.deleted);
  let cache: CacheRead | undefined;
  const data = await withTeam(ctx.db, request.teamId, async (tx) => {
    // The types and the cached calendars in one round trip (pipelined).
    const [types, cached] = await Promise.all([
      listMeetingTypes(tx),
      ctx.calendars.readCache(tx, ids, new Date(now.getTime() - DAY_MS), new Date(now.getTime() + CACHE_AHEAD_DAYS * DAY_MS)),
    ]);
    cache = cached;
    const calendars = ctx.calendars.assemble(cached);
    const external = calendars.busy;
    const type = chooseType(types, request.typeId, request.durationMinutes);
    if (!type) throw new Error('This workspace has no active meeting types');
    const hostIds = people.map((p) => p.id);
    const tz = booker.timeZone;
    let day = request.day;
    let slots: Slot[];
    if (day) {
      slots = await slotsOnDay(tx, type, hostIds, tz, day, now, request.excludeBookingId, external);
    } else {
      const first = await firstFreeDay(tx, type, hostIds, tz, now, now, request.excludeBookingId, external);
      day = first?.day ?? localDateOf(now, tz);
      slots = first?.slots ?? [];
    }
    const nextDay = slots.length === 0 ? (await firstFreeDay(tx, type, hostIds, tz, startOfLocalDay(addLocalDays(day, 1), tz), now, request.excludeBookingId, external))?.day : undefined;
    const form: BookingFormView = {
      mode: request.mode,
      privateMetadata: request.privateMetadata,
      booker: formPerson(booker),
      types: types.map((t) => ({ id: t.id, name: t.name, durationMinutes: t.durationMinutes })),
      typeId: type.id,
      people: people.map(formPerson),
      day,
      slots: slots.map((s) => ({ start: s.start, end: s.end })),
      nextDay: nextDay ?? null,
      selectedStart: request.selectedStart,
      title: request.title,
      notes: request.notes,
      slotHint: request.slotHint,
      moving: request.moving,
      peopleProblem: unusable.length
        ? `${unusable.map((p) => `<@${p.id}>`).join(', ')} ${unusable.length === 1 ? 'is a bot or a deactivated account and was' : 'are bots or deactivated accounts and were'} left out.`
        : undefined,
      calendarNotes: calendars.unread
        .filter((u) => hostIds.includes(u.personId))
        .map((u) => ({ person: people.find((p) => p.id === u.personId)?.name ?? u.personId, calendar: u.calendarName, reason: u.reason, pending: u.pending })),
    };
    return form;
  });
  if (cache && !calendarsRead && ctx.calendars.needsReading(cache)) {
    const { reading, settled } = await ctx.calendars.refresh(request.teamId, cache, FORM_CALENDAR_WAIT_MS);
    if (reading.size === 0) return loadBookingForm(ctx, client, request, true);
    return { view: bookingModal(data), data, calendarsPending: settled };
  }
  return { view: bookingModal(data), data };
}

function chooseType(types: MeetingType[], typeId?: string, durationMinutes?: number): MeetingType | undefined {
  return (
    types.find((t) => t.id === typeId) ??
    (durationMinutes ? closestDuration(types, durationMinutes) : undefined) ??
    types.find((t) => t.durationMinutes === 30) ??
    types[0]
  );
}

function closestDuration(types: MeetingType[], minutes: number): MeetingType | undefined {
  return [...types].sort((a, b) => Math.abs(a.durationMinutes - minutes) - Math.abs(b.durationMinutes - minutes))[0];
}

function formPerson(p: SlackPerson): FormPerson {
  return { id: p.id, name: p.name, timeZone: p.timeZone };
}

export async function slotsOnDay(
  tx: Tx,
  type: MeetingType,
  hostIds: string[],
  timeZone: string,
  day: string,
  now: Date,
  excludeBookingId?: string,
  external?: External,
): Promise<Slot[]> {
  const from = startOfLocalDay(day, timeZone);
  const to = startOfLocalDay(addLocalDays(day, 1), timeZone);
  if (to <= now) return [];
  return freeSlots(tx, type, hostIds, from, to, now, excludeBookingId, external);
}

/**
 * Times everyone is free. When a meeting is being moved, its own time counts as free (the move
 * releases it in the same transaction), so it can shift by less than its length; the time it
 * already has is not offered, as moving there would change nothing.
 */
async function freeSlots(tx: Tx, type: MeetingType, hostIds: string[], from: Date, to: Date, now: Date, excludeBookingId?: string, external?: External): Promise<Slot[]> {
  if (!excludeBookingId) return (await findSlots(tx, { meetingTypeId: type.id, hostIds, from, to, now, mode: 'all', external })).slots;
  const hosts = await loadHostInputs(tx, hostIds, from, to);
  const own = hosts.flatMap((h) => h.busy as BookedInterval[]).find((b) => b.bookingId === excludeBookingId);
  const others = hosts.map((h) => ({ ...h, busy: (h.busy as BookedInterval[]).filter((b) => b.bookingId !== excludeBookingId) }));
  const slots = computeSlotsAllFree(withExternalBusy(others, external, { from, to }), { ...slotRulesOf(type), now, from, to });
  return own ? slots.filter((slot) => slot.start.getTime() !== own.start.getTime()) : slots;
}

/**
 * The first local day (in the booker's zone) from `from` with a free slot, and that day's slots,
 * within the type's horizon. It looks a week at a time, in whole local days, so the answer's
 * slots are the whole day's.
 */
async function firstFreeDay(
  tx: Tx,
  type: MeetingType,
  hostIds: string[],
  timeZone: string,
  from: Date,
  now: Date,
  excludeBookingId?: string,
  external?: External,
): Promise<{ day: string; slots: Slot[] } | undefined> {
  const horizon = new Date(now.getTime() + type.bookingHorizonDays * DAY_MS);
  let day = localDateOf(from < now ? now : from, timeZone);
  while (startOfLocalDay(day, timeZone) < horizon) {
    const chunkStart = startOfLocalDay(day, timeZone);
    const nextDay = addLocalDays(day, SEARCH_CHUNK_DAYS);
    const chunkEnd = startOfLocalDay(nextDay, timeZone);
    const slots = await freeSlots(tx, type, hostIds, chunkStart < from ? from : chunkStart, chunkEnd, now, excludeBookingId, external);
    if (slots.length) {
      const found = localDateOf(slots[0]!.start, timeZone);
      return { day: found, slots: slots.filter((s) => localDateOf(s.start, timeZone) === found) };
    }
    day = nextDay;
  }
  return undefined;
}
