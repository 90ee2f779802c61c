import { z } from 'zod';
import { timeZoneSchema } from '../availability/schemas.js';
import { INSTANT_RANGE_MESSAGE, NUL_MESSAGE, SLACK_ID_MAX_LENGTH, isInstantInRange, text } from '../input.js';

/** A Slack member id (U… or W…), as the bot and the API name people. */
export const personIdSchema = z
  .string()
  .max(SLACK_ID_MAX_LENGTH, `must be a Slack member id (at most ${SLACK_ID_MAX_LENGTH} characters)`)
  .regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack member id such as U0123ABCD');

export const teamIdSchema = z
  .string()
  .max(SLACK_ID_MAX_LENGTH, `must be a Slack team id (at most ${SLACK_ID_MAX_LENGTH} characters)`)
  .regex(/^[TE][A-Z0-9]{2,}$/, 'must be a Slack team id such as T0123ABCD');

export const guestSchema = z.object({
  name: text().trim().min(1, 'a guest needs a name').max(200),
  email: z.email('must be an email address').max(320).optional(),
  /** The guest's own zone, when known: their emails show times in it (UTC, said plainly, otherwise). */
  timeZone: timeZoneSchema.optional(),
});

export const bookingAnswerSchema = z.object({
  questionId: text().min(1).max(40),
  label: text().min(1).max(200),
  answer: text().max(3000),
});

export const instantSchema = z.coerce
  .date({ error: 'must be an ISO 8601 date-time' })
  .refine((d) => !Number.isNaN(d.getTime()), 'must be an ISO 8601 date-time')
  .refine(isInstantInRange, INSTANT_RANGE_MESSAGE);

/** A web address people may open: http or https only (never javascript: or data:), bounded, NUL-free. */
export const HTTP_URL_MAX_LENGTH = 2000;
export const httpUrlSchema = z
  .url({ protocol: /^https?$/, hostname: /^[^\s]+$/, error: 'must be an http or https URL' })
  .max(HTTP_URL_MAX_LENGTH, `must be at most ${HTTP_URL_MAX_LENGTH} characters`)
  .regex(/^[^\u0000]*$/, NUL_MESSAGE);

/** The ticket (or other record) in another system that a booking is about. */
export const EXTERNAL_REF_ID_MAX_LENGTH = 200;
export const externalRefIdSchema = text().trim().min(1, 'must not be empty').max(EXTERNAL_REF_ID_MAX_LENGTH, `must be at most ${EXTERNAL_REF_ID_MAX_LENGTH} characters`);
export const externalReferenceSchema = z
  .object({
    id: externalRefIdSchema,
    url: httpUrlSchema.optional(),
  })
  .strict();
export type ExternalReference = z.output<typeof externalReferenceSchema>;

/** Free-form metadata: a JSON object of at most 8 KB (as UTF-8 JSON), 50 keys and 5 levels, no NUL anywhere. */
export const METADATA_MAX_BYTES = 8 * 1024;
export const METADATA_MAX_KEYS = 50;
export const METADATA_MAX_DEPTH = 5;
export const metadataSchema = z
  .record(z.string(), z.unknown())
  // Every check here, so an issue names "metadata" and never echoes a key the caller sent.
  .superRefine((value, ctx) => {
    const keys = Object.keys(value);
    if (keys.length > METADATA_MAX_KEYS) ctx.addIssue({ code: 'custom', message: `at most ${METADATA_MAX_KEYS} keys` });
    if (keys.some((k) => k.length === 0 || k.length > 100)) ctx.addIssue({ code: 'custom', message: 'keys must be 1 to 100 characters' });
    const problem = jsonProblem(value, 1);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
    else if (new TextEncoder().encode(JSON.stringify(value)).length > METADATA_MAX_BYTES) {
      ctx.addIssue({ code: 'custom', message: `must be at most ${METADATA_MAX_BYTES / 1024} KB as JSON` });
    }
  });

/** What is not plain JSON, what Postgres' jsonb would refuse, or what is unbounded: NUL in a key or string, nesting past the limit. */
function jsonProblem(value: unknown, depth: number): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? NUL_MESSAGE : undefined;
  if (value === null || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : 'numbers must be finite';
  if (typeof value !== 'object' || (!Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype)) return 'must hold only JSON values';
  if (depth > METADATA_MAX_DEPTH) return `must nest at most ${METADATA_MAX_DEPTH} levels deep`;
  const entries = Array.isArray(value) ? value.map((v) => ['', v] as const) : Object.entries(value);
  for (const [key, inner] of entries) {
    if (key.includes('\u0000')) return NUL_MESSAGE;
    const problem = jsonProblem(inner, depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

export const createBookingSchema = z.object({
  meetingTypeId: z.uuid('must be a meeting type id'),
  organizerId: personIdSchema,
  /** Other Slack members whose time the meeting needs; the organizer is always included. */
  hostIds: z.array(personIdSchema).max(20, 'at most 20 people per meeting').default([]),
  guests: z.array(guestSchema).max(20, 'at most 20 guests per meeting').default([]),
  start: instantSchema,
  title: text().trim().min(1).max(200).optional(),
  notes: text().trim().max(3000).optional(),
  source: z.enum(['slack', 'api', 'web']),
  slackChannelId: text().max(40).optional(),
  idempotencyKey: text().min(1).max(200).optional(),
  /** The public booking link it comes through, and the guest's answers to its questions. */
  bookingLinkId: z.uuid().optional(),
  answers: z.array(bookingAnswerSchema).max(10).optional(),
  externalReference: externalReferenceSchema.optional(),
  metadata: metadataSchema.optional(),
});
export type CreateBookingInput = z.input<typeof createBookingSchema>;

/** A booking through a link whose hosts take turns: the free one with the fewest of the link's bookings that month is chosen. */
export const roundRobinBookingSchema = createBookingSchema.omit({ organizerId: true, hostIds: true }).extend({
  candidateIds: z.array(personIdSchema).min(1, 'name at least one host').max(20, 'at most 20 hosts'),
  bookingLinkId: z.uuid(),
});
export type RoundRobinBookingInput = z.input<typeof roundRobinBookingSchema>;

export const rescheduleBookingSchema = z.object({
  bookingId: z.uuid('must be a booking id'),
  start: instantSchema,
  actorId: text().min(1).max(100),
  idempotencyKey: text().min(1).max(200).optional(),
});
export type RescheduleBookingInput = z.input<typeof rescheduleBookingSchema>;

export const cancelBookingSchema = z.object({
  bookingId: z.uuid('must be a booking id'),
  reason: text().trim().max(1000).optional(),
  actorId: text().min(1).max(100),
});
export type CancelBookingInput = z.input<typeof cancelBookingSchema>;

/** start / -start: by start time, earliest / latest first; created / -created: by when booked. */
export const BOOKING_SORTS = ['start', '-start', 'created', '-created'] as const;
export type BookingSort = (typeof BOOKING_SORTS)[number];

export const listBookingsSchema = z
  .object({
    personId: personIdSchema.optional(),
    from: instantSchema.optional(),
    to: instantSchema.optional(),
    status: z.enum(['confirmed', 'cancelled']).optional(),
    /** A guest's email, or a member's (as Slack gave it), compared without regard to case. */
    attendeeEmail: z.email('must be an email address').max(320).optional(),
    meetingTypeId: z.uuid('must be a meeting type id').optional(),
    externalRefId: externalRefIdSchema.optional(),
    sort: z.enum(BOOKING_SORTS).default('start'),
    limit: z.coerce.number().int().min(1).max(100).default(25),
    cursor: text().max(400).optional(),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: 'from must be before to', path: ['to'] });
export type ListBookingsInput = z.input<typeof listBookingsSchema>;

export const meetingTypeFieldsSchema = z.object({
  name: text().trim().min(1).max(60),
  durationMinutes: z.number().int().min(5).max(720),
  slotIntervalMinutes: z.number().int().min(5).max(720),
  bufferBeforeMinutes: z.number().int().min(0).max(240).default(0),
  bufferAfterMinutes: z.number().int().min(0).max(240).default(0),
  minimumNoticeMinutes: z.number().int().min(0).max(60 * 24 * 30).default(60),
  bookingHorizonDays: z.number().int().min(1).max(730).default(60),
  dailyLimit: z.number().int().min(1).max(100).nullable().default(null),
  joinOpensMinutesBefore: z.number().int().min(0).max(240).default(10),
  joinClosesMinutesAfter: z.number().int().min(0).max(720).default(30),
  active: z.boolean().default(true),
});
export type MeetingTypeFields = z.output<typeof meetingTypeFieldsSchema>;
