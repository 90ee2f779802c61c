import type { z } from '@hono/zod-openapi';
import type { Booking as BookingRecord, MeetingType as MeetingTypeRecord, Person as PersonRecord } from '../bookings/index.js';
import { formatIsoInZone, formatSlotLabel, presentSlot, type HostSchedule, type Slot as SlotRecord } from '../core/availability/index.js';
import type { Booking, MeetingType, Person, Schedule, Slot } from './schemas.js';

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

export function presentBooking(b: BookingRecord, timeZone: string): z.infer<typeof Booking> {
  return {
    id: b.id,
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
    participants: b.participants.map((p) => ({ role: p.role, personId: p.slackUserId, guestName: p.guestName, guestEmail: p.guestEmail })),
    source: b.source,
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
