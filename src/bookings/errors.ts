/** Every failure the booking service means to report: a stable code, words a person can act on, the field at fault. */
export type BookingErrorCode =
  | 'invalid_input'
  | 'not_found'
  | 'in_the_past'
  | 'outside_availability'
  | 'slot_taken'
  | 'booking_cancelled'
  | 'idempotency_mismatch';

export class BookingError extends Error {
  constructor(
    readonly code: BookingErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'BookingError';
  }
}

export class InvalidInputError extends BookingError {
  constructor(message: string, field?: string) {
    super('invalid_input', message, field);
  }
}

export class NotFoundError extends BookingError {
  constructor(
    readonly entity: 'booking' | 'meeting_type' | 'person' | 'booking_link' | 'webhook_endpoint' | 'webhook_delivery',
    readonly id: string,
    field?: string,
  ) {
    super('not_found', `${entityLabel[entity]} ${id} was not found`, field);
  }
}

const entityLabel = {
  booking: 'Booking',
  meeting_type: 'Meeting type',
  person: 'Person',
  booking_link: 'Booking link',
  webhook_endpoint: 'Webhook endpoint',
  webhook_delivery: 'Webhook delivery',
} as const;

export class PastTimeError extends BookingError {
  constructor(readonly start: Date) {
    super('in_the_past', `The start time ${start.toISOString()} is in the past`, 'start');
  }
}

export class OutsideAvailabilityError extends BookingError {
  constructor(
    readonly hostIds: string[],
    readonly start: Date,
    readonly reasons: string[],
  ) {
    super('outside_availability', `${start.toISOString()} cannot be booked: ${reasons.join('; ')}`, 'start');
  }
}

export interface Collision {
  hostId: string;
  bookingId: string | null;
  start: Date;
  end: Date;
  /** An event in the host's own calendar, not a booking. */
  inOwnCalendar?: boolean;
}

/**
 * The slot is taken: by a booking found before writing, or by one the exclusion constraint caught.
 * `nextSlots`, when known, are the next free starts for the same people (found from the same read).
 */
export class SlotTakenError extends BookingError {
  constructor(
    readonly collisions: Collision[],
    readonly nextSlots?: { start: Date; end: Date; hostIds: string[] }[],
  ) {
    super('slot_taken', describeCollisions(collisions), 'start');
  }
}

function describeCollisions(collisions: Collision[]): string {
  if (collisions.length === 0) return 'The slot was just taken by another booking';
  const parts = collisions.map(
    (c) =>
      c.inOwnCalendar
        ? `${c.hostId} is busy in their own calendar ${c.start.toISOString()}–${c.end.toISOString()}`
        : `${c.hostId} is booked ${c.start.toISOString()}–${c.end.toISOString()}${c.bookingId ? ` (booking ${c.bookingId})` : ''}`,
  );
  return `The slot is taken: ${parts.join('; ')}`;
}

export class BookingCancelledError extends BookingError {
  constructor(readonly bookingId: string) {
    super('booking_cancelled', `Booking ${bookingId} is cancelled and cannot be changed`);
  }
}

export class IdempotencyMismatchError extends BookingError {
  constructor(readonly key: string) {
    super('idempotency_mismatch', `Idempotency key ${key} was already used for a different request`, 'idempotencyKey');
  }
}

export { constraintName, sqlState } from '../db/errors.js';
