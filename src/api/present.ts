import type { z } from '@hono/zod-openapi';
import { calendarUrl, type Booking as BookingRecord, type MeetingType as MeetingTypeRecord, type Person as PersonRecord } from '../bookings/index.js';
import { formatIsoInZone, formatSlotLabel, presentSlot, type HostSchedule, type Slot as SlotRecord } from '../core/availability/index.js';
import { joinUrl, personalGuestJoinUrl } from '../video/links.js';
import type { Booking, MeetingType, Person, Schedule, Slot } from './schemas.js';

/** What presenting a booking's links needs: where the app is, and the key links are signed with. */
export interface LinkConfig {
  publicUrl: string;
  linkSecret: string;
}

/** Records as the API shows them: instants in the viewer's zone with its offset, and in UTC. */

export function presentMeetingType(t: MeetingTypeRecord): z.infer<typeof MeetingType> {
  return {
    id: t.id,
    name: t.name,
    durationMinutes: t.durationMinutes,
    slotIntervalMinutes: t.slotIntervalMinutes,
    bufferBeforeMinutes: t.bufferBeforeMinutes,
    bufferAfterMinutes: t.bufferAfterMinutes,
    minimumNoticeMinutes: t.minimumNoticeMinutes,
    bookingHorizonDays: t.bookingHorizonDays,
    dailyLimit: t.dailyLimit,
    joinOpensMinutesBefore: t.joinOpensMinutesBefore,
    joinClosesMinutesAfter: t.joinClosesMinutesAfter,
    active: t.active,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}

export function presentSlots(slots: SlotRecord[], timeZone: string): z.infer<typeof Slot>[] {
  return slots.map((s) => presentSlot(s, timeZone));
}

/**
 * A booking as the API (and its webhooks) show it: with each participant's own join link (members
 * and guests; each follows the meeting's moves) and .ics link, and the meeting's shared .ics link.
 */
export async function presentBooking(config: LinkConfig, b: BookingRecord, timeZone: string): Promise<z.infer<typeof Booking>> {
  const live = b.status === 'confirmed';
  const target = { teamId: b.teamId, bookingId: b.id };
  const participants = await Promise.all(
    b.participants.map(async (p) => ({
      role: p.role,
      personId: p.slackUserId,
      guestId: p.guestId,
      guestName: p.guestName,
      guestEmail: p.guestEmail,
      guestTimeZone: p.guestTimeZone,
      joinUrl: !live
        ? null
        : p.slackUserId
          ? await joinUrl(config, { ...target, participant: p.slackUserId })
          : p.guestId
            ? await personalGuestJoinUrl(config, target, p.guestId)
            : null,
      calendarUrl: p.slackUserId ? calendarUrl(config, b.teamId, b.id, p.slackUserId) : null,
    })),
  );
  return {
    id: b.id,
    meetingId: b.meetingId,
    status: b.status,
    title: b.title,
    notes: b.notes,
    meetingType: { id: b.meetingTypeId, name: b.meetingTypeName },
    durationMinutes: b.durationMinutes,
    timeZone,
    start: formatIsoInZone(b.startsAt, timeZone),
    end: formatIsoInZone(b.endsAt, timeZone),
    startUtc: b.startsAt.toISOString(),
    endUtc: b.endsAt.toISOString(),
    label: formatSlotLabel(b.startsAt, b.endsAt, timeZone),
    organizerId: b.organizerId,
    participants,
    externalReference: b.externalRefId ? { id: b.externalRefId, url: b.externalRefUrl } : null,
    metadata: b.metadata ?? {},
    calendarUrl: calendarUrl(config, b.teamId, b.id),
    source: b.source,
    bookingLinkId: b.bookingLinkId,
    cancelReason: b.cancelReason,
    cancelledBy: b.cancelledBy,
    cancelledAt: b.cancelledAt?.toISOString() ?? null,
    rescheduledFromId: b.rescheduledFromId,
    rescheduledToId: b.rescheduledToId,
    createdAt: b.createdAt.toISOString(),
    updatedAt: b.updatedAt.toISOString(),
  };
}

export function presentPerson(p: PersonRecord): z.infer<typeof Person> {
  return { id: p.slackUserId, name: p.name, email: p.email, timeZone: p.timeZone, createdAt: p.createdAt.toISOString(), updatedAt: p.updatedAt.toISOString() };
}

export function presentSchedule(s: HostSchedule, isDefault: boolean): z.infer<typeof Schedule> {
  return { personId: s.hostId, timeZone: s.timeZone, rules: s.rules, overrides: s.overrides, dailyLimit: s.dailyLimit ?? null, isDefault };
}
