import type { FormSettings } from '../core/bookings/public-form.js';
import type { ExternalReference } from '../core/bookings/schemas.js';

/**
 * What the booking page's script is handed by the server (JSON in the page): the meeting, where
 * to read free times and where to send the booking, and the first weeks of free times, so the
 * first times show without a round trip. Free times are start instants only: never who is free.
 */
export interface BookingPageData {
  mode: 'book' | 'reschedule';
  title: string;
  durationMinutes: number;
  /** GET ?from=&to= (ISO instants) answers { slots: string[] }. */
  slotsUrl: string;
  /** POST JSON: a booking ({ start, timeZone, idempotencyKey, name, email, notes, answers, website }) or a move ({ start, timeZone, idempotencyKey }). */
  submitUrl: string;
  form: FormSettings;
  initial: { from: string; to: string; slots: string[] };
  /** No free time starts at or after this. */
  horizonEnd: string;
  /** The server's clock. */
  now: string;
  /** Shown until the browser's own zone is known. */
  fallbackTimeZone: string;
  /** When rescheduling: the meeting's current start. */
  currentStart?: string;
  /** Sent with the booking as its externalReference: the ticket the page was opened for (`?ticket=&ticketUrl=`, embed.js's prefill). */
  externalReference?: ExternalReference;
}

/** The answer to a booking or a move. */
export interface SubmitAnswer {
  confirmationUrl: string;
}

/** An error answer: a stable code, words for the visitor, and per-field messages for the form. */
export interface PublicErrorBody {
  error: { code: string; message: string; field: string | null };
  fields?: Record<string, string>;
}
