import { runStatement } from '../db/statements.js';
import { notifySoon } from '../db/notify.js';
import { afterCommit, type Tx } from '../db/tenant.js';

/** Every change to a meeting that the other surfaces hear about. */
export const EVENT_KINDS = ['booking.created', 'booking.rescheduled', 'booking.cancelled', 'meeting.started', 'meeting.ended'] as const;
export type BookingEventKind = (typeof EVENT_KINDS)[number];

/** Postgres NOTIFY channel: a committed event wakes every process's dispatcher at once. */
export const EVENTS_CHANNEL = 'booking_events';

export interface BookingCreatedPayload {
  source: string;
  actorId: string | null;
}
export interface BookingRescheduledPayload {
  previousBookingId: string;
  previousStartsAt: string;
  previousEndsAt: string;
  actorId: string;
}
export interface BookingCancelledPayload {
  actorId: string;
  reason: string | null;
}
export interface MeetingRoomPayload {
  roomSid: string | null;
  startedAt: string | null;
  endedAt: string | null;
  durationSeconds: number | null;
}

export interface EventPayloads {
  'booking.created': BookingCreatedPayload;
  'booking.rescheduled': BookingRescheduledPayload;
  'booking.cancelled': BookingCancelledPayload;
  'meeting.started': MeetingRoomPayload;
  'meeting.ended': MeetingRoomPayload;
}

export interface NewBookingEvent<K extends BookingEventKind = BookingEventKind> {
  teamId: string;
  meetingId: string;
  bookingId: string;
  kind: K;
  payload: EventPayloads[K];
}

/**
 * Writes an event in the caller's transaction (the outbox): it exists if and only if the change
 * committed. The dispatchers are told once it has (see notifySoon).
 */
export async function recordEvent<K extends BookingEventKind>(tx: Tx, event: NewBookingEvent<K>): Promise<void> {
  announceOnCommit(tx);
  await runStatement(tx, RECORD_EVENT, [event.teamId, event.meetingId, event.bookingId, event.kind, JSON.stringify(event.payload)]);
}

/** Tells the dispatchers once `tx` commits: for a statement that writes an event itself. */
export function announceOnCommit(tx: Tx): void {
  afterCommit(tx, (db) => notifySoon(db, EVENTS_CHANNEL));
}

const RECORD_EVENT = `
  insert into booking_events (team_id, meeting_id, booking_id, kind, payload)
  values ($1, $2::uuid, $3::uuid, $4, $5::jsonb)`;
