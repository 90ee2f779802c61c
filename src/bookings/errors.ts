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
    readonly entity: 'booking' | 'meeting_type' | 'person',
    readonly id: string,
    field?: string,
  ) {
    super('not_found', `${entityLabel[entity]} ${id} was not found`, field);
  }
}

const entityLabel = { booking: 'Booking', meeting_type: 'Meeting type', person: 'Person' } as const;

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
}

/** The slot is taken: by a booking found before writing, or by one the exclusion constraint caught. */
export class SlotTakenError extends BookingError {
  constructor(readonly collisions: Collision[]) {
    super('slot_taken', describeCollisions(collisions), 'start');
  }
}

function describeCollisions(collisions: Collision[]): string {
  if (collisions.length === 0) return 'The slot was just taken by another booking';
  const parts = collisions.map(
    (c) => `${c.hostId} is booked ${c.start.toISOString()}–${c.end.toISOString()}${c.bookingId ? ` (booking ${c.bookingId})` : ''}`,
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

/** Postgres SQLSTATE of an error from either driver (postgres.js or PGlite), possibly wrapped by drizzle. */
export function sqlState(error: unknown): string | undefined {
  for (let e: any = error, depth = 0; e && depth < 5; e = e.cause, depth++) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  }
  return undefined;
}

export function constraintName(error: unknown): string | undefined {
  for (let e: any = error, depth = 0; e && depth < 5; e = e.cause, depth++) {
    if (typeof e.constraint_name === 'string') return e.constraint_name;
    if (typeof e.constraint === 'string') return e.constraint;
  }
  return undefined;
}
