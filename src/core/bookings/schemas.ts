import { z } from 'zod';
import { INSTANT_RANGE_MESSAGE, SLACK_ID_MAX_LENGTH, isInstantInRange, text } from '../input.js';

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
});

export const instantSchema = z.coerce
  .date({ error: 'must be an ISO 8601 date-time' })
  .refine((d) => !Number.isNaN(d.getTime()), 'must be an ISO 8601 date-time')
  .refine(isInstantInRange, INSTANT_RANGE_MESSAGE);

export const createBookingSchema = z.object({
  meetingTypeId: z.uuid('must be a meeting type id'),
  organizerId: personIdSchema,
  /** Other Slack members whose time the meeting needs; the organizer is always included. */
  hostIds: z.array(personIdSchema).max(20, 'at most 20 people per meeting').default([]),
  guests: z.array(guestSchema).max(20, 'at most 20 guests per meeting').default([]),
  start: instantSchema,
  title: text().trim().min(1).max(200).optional(),
  notes: text().trim().max(3000).optional(),
  source: z.enum(['slack', 'api']),
  slackChannelId: text().max(40).optional(),
  idempotencyKey: text().min(1).max(200).optional(),
});
export type CreateBookingInput = z.input<typeof createBookingSchema>;

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

export const listBookingsSchema = z
  .object({
    personId: personIdSchema.optional(),
    from: instantSchema.optional(),
    to: instantSchema.optional(),
    status: z.enum(['confirmed', 'cancelled']).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(25),
    cursor: text().max(200).optional(),
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
