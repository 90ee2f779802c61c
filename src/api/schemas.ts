import { z } from '@hono/zod-openapi';
import { dateOverrideSchema, hostDailyLimitSchema, timeZoneSchema, weeklyRuleSchema } from '../core/availability/index.js';
import {
  BOOKING_SORTS,
  EXTERNAL_REF_ID_MAX_LENGTH,
  METADATA_MAX_BYTES,
  METADATA_MAX_DEPTH,
  METADATA_MAX_KEYS,
  externalRefIdSchema,
  externalReferenceSchema,
  guestSchema,
  meetingTypeFieldsSchema,
  metadataSchema,
  personIdSchema,
} from '../core/bookings/schemas.js';
import { bookingLinkFieldsSchema, slugSchema } from '../core/bookings/links.js';
import { INSTANT_RANGE_MESSAGE, SLACK_ID_MAX_LENGTH, isInstantInRange, text } from '../core/input.js';

/**
 * The API's request and response shapes. Request schemas reuse the core's zod schemas (so the
 * API and the Slack bot accept the same things); response schemas describe what presenters return.
 */

const uuid = (what: string) => z.uuid(`must be ${what} id`);

export const PersonId = personIdSchema.meta({
  description: `A Slack member id: U or W, then capital letters and digits, at most ${SLACK_ID_MAX_LENGTH} characters`,
  example: 'U0123ABCD',
});
export const TimeZone = timeZoneSchema.meta({ description: 'IANA time zone', example: 'Europe/London' });
export const INSTANT_RANGE_DOC = 'from 2000-01-01T00:00:00Z to before 2200-01-01T00:00:00Z';
/** Stricter than the core's instantSchema (which coerces numbers and null to 1970): a string with its zone. */
const Instant = z
  .iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with Z or an offset, e.g. 2027-03-01T15:00:00Z' })
  .refine((value) => isInstantInRange(new Date(value)), INSTANT_RANGE_MESSAGE)
  .transform((value) => new Date(value))
  .meta({
    description: `ISO 8601 date-time with Z or an offset, ${INSTANT_RANGE_DOC}`,
    example: '2027-03-01T15:00:00Z',
  });

/** "timeZone" query parameter: the viewer's zone; times go out with its offset. */
export const ViewerTimeZoneQuery = z.object({
  timeZone: TimeZone.optional().meta({ description: 'The viewer\'s IANA time zone; times go out with its offset (UTC when absent)' }),
});

export const IsoInZone = z.string().meta({ description: 'ISO 8601 with the offset of the requested time zone', example: '2027-03-01T15:00:00+00:00' });
export const IsoUtc = z.string().meta({ description: 'ISO 8601 in UTC', example: '2027-03-01T15:00:00.000Z' });

// ---------- meeting types ----------

export const MeetingTypeIdParam = z.object({ id: uuid('a meeting type').meta({ param: { name: 'id', in: 'path' } }) });

export const MeetingTypeCreateBody = meetingTypeFieldsSchema.strict().openapi('MeetingTypeCreate');

/** Every field optional and no defaults: absent means unchanged. */
export const MeetingTypeUpdateBody = z
  .object(
    Object.fromEntries(
      Object.entries(meetingTypeFieldsSchema.shape).map(([key, schema]) => [
        key,
        (schema instanceof z.ZodDefault ? (schema.unwrap() as z.ZodType) : schema).optional(),
      ]),
    ) as { [K in keyof typeof meetingTypeFieldsSchema.shape]: z.ZodOptional<z.ZodType<z.output<(typeof meetingTypeFieldsSchema.shape)[K]>>> },
  )
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'send at least one field to change')
  .openapi('MeetingTypeUpdate');

export const MeetingTypeListQuery = z.object({
  includeInactive: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true')
    .meta({ description: 'Also list deactivated meeting types' }),
});

export const MeetingType = z
  .object({
    id: z.uuid(),
    name: z.string(),
    durationMinutes: z.int(),
    slotIntervalMinutes: z.int(),
    bufferBeforeMinutes: z.int(),
    bufferAfterMinutes: z.int(),
    minimumNoticeMinutes: z.int(),
    bookingHorizonDays: z.int(),
    dailyLimit: z.int().nullable(),
    joinOpensMinutesBefore: z.int(),
    joinClosesMinutesAfter: z.int(),
    active: z.boolean(),
    createdAt: IsoUtc,
    updatedAt: IsoUtc,
  })
  .openapi('MeetingType');

export const MeetingTypeList = z.object({ meetingTypes: z.array(MeetingType) }).openapi('MeetingTypeList');

// ---------- availability ----------

/** Accepts `hostIds=U1,U2` or `hostIds=U1&hostIds=U2`. */
const HostIdList = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v),
  z.array(personIdSchema).min(1, 'name at least one host').max(20, 'at most 20 hosts'),
);

export const SlotsQuery = z
  .object({
    meetingTypeId: uuid('a meeting type'),
    hostIds: HostIdList.meta({ description: 'One or more Slack member ids, comma separated (U0ANA,U0BEN) or repeated', example: ['U0ANA', 'U0BEN'] }),
    from: Instant.optional().meta({ description: `Start of the window (default: now), ${INSTANT_RANGE_DOC}` }),
    to: Instant.optional().meta({ description: 'End of the window (default: from + 7 days; at most 62 days after from)' }),
    mode: z.enum(['all', 'any']).default('all').meta({ description: 'all: every host free; any: at least one free (each slot names who)' }),
  })
  .extend(ViewerTimeZoneQuery.shape);

export const Slot = z
  .object({
    start: IsoInZone,
    end: IsoInZone,
    startUtc: IsoUtc,
    endUtc: IsoUtc,
    label: z.string().meta({ example: 'Mon 1 Mar, 15:00–15:30' }),
    hostIds: z.array(z.string()).meta({ description: 'The hosts free for this slot' }),
  })
  .openapi('Slot');

export const SlotList = z
  .object({
    meetingType: z.object({ id: z.uuid(), name: z.string(), durationMinutes: z.int() }),
    mode: z.enum(['all', 'any']),
    timeZone: z.string(),
    from: IsoInZone,
    to: IsoInZone,
    fromUtc: IsoUtc,
    toUtc: IsoUtc,
    slots: z.array(Slot),
    unreadCalendars: z
      .array(
        z.object({
          personId: z.string(),
          calendarId: z.uuid(),
          calendar: z.string().meta({ description: 'The calendar\'s name' }),
          provider: z.enum(['caldav', 'ical', 'google', 'microsoft']),
          reason: z.string().meta({ description: 'Why it could not be read (or that it is still being read)' }),
        }),
      )
      .meta({ description: 'Connected calendars whose current busy time is not in this answer (their busy time as last read is)' }),
  })
  .openapi('SlotList');

export const PersonIdParam = z.object({ personId: PersonId.meta({ param: { name: 'personId', in: 'path' } }) });

export const PersonBody = z
  .object({
    name: text().trim().min(1, 'a person needs a name').max(200),
    email: z.email('must be an email address').max(320).nullish(),
    timeZone: TimeZone,
  })
  .strict()
  .openapi('PersonInput');

export const Person = z
  .object({
    id: z.string(),
    name: z.string(),
    email: z.string().nullable(),
    timeZone: z.string(),
    createdAt: IsoUtc,
    updatedAt: IsoUtc,
  })
  .openapi('Person');

export const ScheduleBody = z
  .object({
    timeZone: TimeZone,
    rules: z.array(weeklyRuleSchema).max(100).meta({
      description: 'Weekly working ranges in the person\'s zone',
      example: [{ rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', start: '09:00', end: '17:00' }],
    }),
    overrides: z.array(dateOverrideSchema).max(2000).default([]).meta({
      description: 'Dates whose hours replace the weekly rules; no ranges (or only empty ones, such as 00:00–00:00) = a day off',
      example: [{ date: '2027-03-05', ranges: [] }],
    }),
    dailyLimit: hostDailyLimitSchema.optional().meta({
      description:
        'The person\'s own limit: at most this many meetings (of any type) on one day in their zone, 1 to 100; null = no limit; left out = unchanged',
      example: 4,
    }),
  })
  .strict()
  .openapi('ScheduleInput');

export const Schedule = z
  .object({
    personId: z.string(),
    timeZone: z.string(),
    rules: z.array(z.object({ rrule: z.string(), start: z.string(), end: z.string(), anchorDate: z.string().optional() })),
    overrides: z.array(z.object({ date: z.string(), ranges: z.array(z.object({ start: z.string(), end: z.string() })) })),
    dailyLimit: z.int().nullable().meta({ description: 'At most this many meetings (of any type) a day in the person\'s zone; null = no limit' }),
    isDefault: z.boolean().meta({ description: 'True while the person has never set hours (Monday–Friday 9–17 in their zone)' }),
  })
  .openapi('Schedule');

// ---------- bookings ----------

export const BookingIdParam = z.object({ id: uuid('a booking').meta({ param: { name: 'id', in: 'path' } }) });

export const IdempotencyHeader = z.object({
  'idempotency-key': text()
    .min(1)
    .max(200, 'at most 200 characters')
    .optional()
    .meta({ description: 'Any unique string of 1 to 200 characters; a retry with the same key and body returns the first booking instead of booking twice' }),
});

export const ExternalReferenceInput = externalReferenceSchema
  .meta({
    description: 'The ticket (or other record) this meeting is about: its id in that system and a link to it. Kept through reschedules; the Slack message links it; list bookings by it with externalRefId.',
    example: { id: 'HD-4711', url: 'https://help.example.com/tickets/4711' },
  })
  .openapi('ExternalReferenceInput');

export const MetadataInput = metadataSchema
  .meta({
    description: `Free-form JSON object kept with the booking and sent in its webhooks: at most ${METADATA_MAX_BYTES / 1024} KB as JSON, ${METADATA_MAX_KEYS} keys, ${METADATA_MAX_DEPTH} levels deep, no NUL character`,
    example: { priority: 'high', customerTier: 'gold' },
  })
  .openapi('Metadata');

export const BookingCreateBody = z
  .object({
    meetingTypeId: uuid('a meeting type'),
    organizerId: PersonId,
    hostIds: z.array(personIdSchema).max(20, 'at most 20 people per meeting').default([]).meta({ description: 'Other members whose time the meeting needs' }),
    guests: z.array(guestSchema).max(20, 'at most 20 guests per meeting').default([]),
    start: Instant,
    title: text().trim().min(1).max(200).optional(),
    notes: text().trim().max(3000).optional(),
    externalReference: ExternalReferenceInput.optional(),
    metadata: MetadataInput.optional(),
    timeZone: TimeZone.optional().meta({ description: 'Zone the answer\'s times are shown in (UTC when absent)' }),
  })
  .strict()
  .openapi('BookingCreate');

export const BookingListQuery = z
  .object({
    personId: PersonId.optional().meta({ description: 'Only bookings this member is in' }),
    from: Instant.optional().meta({ description: `Only bookings ending after this instant, ${INSTANT_RANGE_DOC}` }),
    to: Instant.optional().meta({ description: `Only bookings starting before this instant, ${INSTANT_RANGE_DOC}` }),
    status: z.enum(['confirmed', 'cancelled']).optional(),
    attendeeEmail: z.email('must be an email address').max(320).optional().meta({
      description: 'Only bookings with this attendee: a guest with this email, or a member whose Slack email it is (case does not matter)',
      example: 'sam@example.org',
    }),
    meetingTypeId: uuid('a meeting type').optional().meta({ description: 'Only bookings of this meeting type' }),
    externalRefId: externalRefIdSchema.optional().meta({ description: `Only bookings about this ticket (externalReference.id, exact, at most ${EXTERNAL_REF_ID_MAX_LENGTH} characters)`, example: 'HD-4711' }),
    sort: z.enum(BOOKING_SORTS).default('start').meta({ description: 'start: earliest first (default); -start: latest first; created: oldest booking first; -created: newest booking first' }),
    limit: z.coerce.number().int().min(1).max(100).default(25),
    cursor: text().max(400).optional().meta({ description: 'nextCursor of the previous page (with the same sort)' }),
  })
  .extend(ViewerTimeZoneQuery.shape)
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: 'from must be before to', path: ['to'] });

export const RescheduleBody = z
  .object({
    start: Instant,
    actorId: PersonId.optional().meta({ description: 'Who moves it (recorded on the cancelled original); default: the API key' }),
    timeZone: TimeZone.optional(),
  })
  .strict()
  .openapi('RescheduleInput');

export const CancelBody = z
  .object({
    reason: text().trim().max(1000).optional(),
    actorId: PersonId.optional().meta({ description: 'Who cancels it; default: the API key' }),
    timeZone: TimeZone.optional(),
  })
  .strict()
  .openapi('CancelInput');

export const Participant = z
  .object({
    role: z.enum(['organizer', 'host', 'guest']),
    personId: z.string().nullable().meta({ description: 'The Slack member id of a member; null for a guest' }),
    guestId: z.uuid().nullable().meta({ description: 'A guest\'s id in the meeting, the same through every move; null for a member' }),
    guestName: z.string().nullable(),
    guestEmail: z.string().nullable(),
    guestTimeZone: z.string().nullable().meta({ description: "The guest's time zone, when given: their emails show times in it" }),
    joinUrl: z.string().nullable().meta({
      description:
        'This person\'s own join link (it joins the call as them and follows the meeting when it moves); give it only to them. Null once the booking is cancelled.',
    }),
    calendarUrl: z.string().nullable().meta({ description: 'A member\'s own .ics file, with their join link inside; null for a guest' }),
  })
  .openapi('Participant');

export const ExternalReference = z
  .object({ id: z.string(), url: z.string().nullable() })
  .meta({ description: 'The ticket this meeting is about', example: { id: 'HD-4711', url: 'https://help.example.com/tickets/4711' } })
  .openapi('ExternalReference');

export const Booking = z
  .object({
    id: z.uuid(),
    meetingId: z.uuid().meta({ description: 'The meeting: the id of its first booking, the same through every move (a move makes a new booking)' }),
    status: z.enum(['confirmed', 'cancelled']),
    title: z.string(),
    notes: z.string().nullable(),
    meetingType: z.object({ id: z.uuid(), name: z.string() }),
    durationMinutes: z.int(),
    timeZone: z.string(),
    start: IsoInZone,
    end: IsoInZone,
    startUtc: IsoUtc,
    endUtc: IsoUtc,
    label: z.string(),
    organizerId: z.string(),
    participants: z.array(Participant),
    externalReference: ExternalReference.nullable(),
    metadata: z.record(z.string(), z.unknown()).meta({ description: 'What the integration stored with the booking' }),
    calendarUrl: z.string().meta({ description: 'The meeting\'s .ics file (without anyone\'s personal join link); it follows moves and cancellation' }),
    source: z.enum(['slack', 'api', 'web']).meta({ description: 'Where it was booked: the Slack app, the API, or a public booking page' }),
    bookingLinkId: z.uuid().nullable().meta({ description: 'The booking link it was booked through, if any' }),
    cancelReason: z.string().nullable(),
    cancelledBy: z.string().nullable(),
    cancelledAt: IsoUtc.nullable(),
    rescheduledFromId: z.uuid().nullable(),
    rescheduledToId: z.uuid().nullable(),
    createdAt: IsoUtc,
    updatedAt: IsoUtc,
  })
  .openapi('Booking');

export const BookingEnvelope = z.object({ booking: Booking }).openapi('BookingResponse');
export const RescheduleResult = z.object({ booking: Booking, previous: Booking }).openapi('RescheduleResponse');
export const BookingPage = z
  .object({ bookings: z.array(Booking), nextCursor: z.string().nullable().meta({ description: 'Pass as cursor for the next page; null on the last' }) })
  .openapi('BookingPage');

export const SlotTakenErrorSchema = z
  .object({
    error: z.object({ code: z.literal('slot_taken'), message: z.string(), field: z.string().nullable(), requestId: z.string() }),
    nextSlots: z.array(Slot).meta({ description: 'The next free slots for the same people and meeting type' }),
  })
  .openapi('SlotTakenError');

export const EventDelivery = z
  .object({
    handler: z.string().meta({ description: 'The consumer: slack, email, webhooks, video', example: 'slack' }),
    status: z.enum(['pending', 'delivered', 'failed']).meta({ description: 'failed: retries were exhausted (redeliver to try again)' }),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    nextAttemptAt: IsoUtc.nullable().meta({ description: 'When a pending delivery is tried next' }),
    deliveredAt: IsoUtc.nullable(),
  })
  .openapi('EventDelivery');

export const BookingEvent = z
  .object({
    id: z.number().int(),
    kind: z.enum(['booking.created', 'booking.rescheduled', 'booking.cancelled', 'meeting.started', 'meeting.ended']),
    meetingId: z.uuid().meta({ description: 'The meeting: the id of its first booking, the same through every move' }),
    bookingId: z.uuid(),
    payload: z.record(z.string(), z.unknown()),
    createdAt: IsoUtc,
    deliveries: z.array(EventDelivery),
  })
  .openapi('BookingEvent');

export const EventPage = z
  .object({ events: z.array(BookingEvent), nextBefore: z.number().int().nullable().meta({ description: 'Pass as before for the next (older) page; null on the last' }) })
  .openapi('EventPage');

export const EventListQuery = z.object({
  status: z.enum(['pending', 'delivered', 'failed']).optional().meta({ description: 'Only events with a delivery in this state' }),
  bookingId: z.uuid().optional(),
  meetingId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  before: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
});

export const EventIdParam = z.object({ id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).meta({ param: { name: 'id', in: 'path' }, example: 42 }) });

export const RedeliveryResult = z.object({ redelivering: z.number().int().meta({ description: 'Deliveries made due again' }) }).openapi('RedeliveryResult');

// ---------- booking links ----------

const linkFieldShape = bookingLinkFieldsSchema.shape;

export const BookingLinkIdParam = z.object({ id: uuid('a booking link').meta({ param: { name: 'id', in: 'path' } }) });

export const BookingLinkQuestion = z
  .object({
    id: z.string().meta({ description: 'Stable id; answers are stored under it', example: 'q1' }),
    label: z.string().meta({ example: 'Company' }),
    required: z.boolean(),
    multiline: z.boolean().meta({ description: 'A few lines of answer rather than one' }),
  })
  .openapi('BookingLinkQuestion');

export const BookingLinkCreateBody = z
  .object({
    ...linkFieldShape,
    slug: slugSchema.optional().meta({ description: 'The end of the page address: lowercase letters, digits, single hyphens; made from the title when absent', example: 'intro-call' }),
    mode: linkFieldShape.mode.meta({ description: 'one: the single host; all: every host must be free; any: round robin (the free host with the fewest bookings from this link that month)' }),
    hostIds: linkFieldShape.hostIds.meta({ description: 'Slack member ids of the hosts (the first organizes, unless round robin picks another)' }),
    questions: linkFieldShape.questions.meta({ description: 'Up to five questions of your own, beyond name and email (always asked)' }),
    slackChannelId: linkFieldShape.slackChannelId.meta({ description: 'A channel that hears of every booking (the hosts always get direct messages)' }),
  })
  .strict()
  .openapi('BookingLinkCreate');

export const BookingLinkUpdateBody = z
  .object(Object.fromEntries(Object.entries(BookingLinkCreateBody.shape).map(([k, s]) => [k, (s instanceof z.ZodDefault ? (s.unwrap() as z.ZodType) : (s as z.ZodType)).optional()])))
  .strict()
  .refine((body) => Object.keys(body).length > 0, 'send at least one field to change')
  .openapi('BookingLinkUpdate');

export const BookingLinkListQuery = z.object({
  hostId: PersonId.optional().meta({ description: 'Only links this member hosts' }),
  includeInactive: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true')
    .meta({ description: 'Also list links that are turned off' }),
});

export const BookingLink = z
  .object({
    id: z.uuid(),
    slug: z.string(),
    url: z.string().meta({ description: 'The public booking page', example: 'https://meet.example.com/book/T0123ABCD/intro-call' }),
    meetingTypeId: z.uuid(),
    title: z.string().nullable(),
    description: z.string().nullable(),
    mode: z.enum(['one', 'all', 'any']),
    hostIds: z.array(z.string()),
    askNotes: z.boolean(),
    questions: z.array(BookingLinkQuestion),
    slackChannelId: z.string().nullable(),
    active: z.boolean().meta({ description: 'false: turned off; its page answers 404' }),
    createdBy: z.string(),
    createdAt: IsoUtc,
    updatedAt: IsoUtc,
  })
  .openapi('BookingLink');

export const BookingLinkList = z.object({ bookingLinks: z.array(BookingLink) }).openapi('BookingLinkList');
