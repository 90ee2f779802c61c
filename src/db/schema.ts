import { sql } from 'drizzle-orm';
import {
  bigserial,
  bigint,
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  check,
  foreignKey,
} from 'drizzle-orm/pg-core';
import type { DateOverride, WeeklyRule } from '../core/availability/types.js';

/** Postgres tstzrange, written as '[start,end)'. The app only writes it; reads go through starts_at/ends_at. */
const tstzrange = customType<{ data: string; driverData: string }>({
  dataType: () => 'tstzrange',
});

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

export const bookingStatus = pgEnum('booking_status', ['confirmed', 'cancelled']);
export const bookingSource = pgEnum('booking_source', ['slack', 'api', 'web']);
/** How a booking link's hosts are booked: one person; all of them (everyone free); any of them (round robin). */
export const bookingLinkMode = pgEnum('booking_link_mode', ['one', 'all', 'any']);
export const participantRole = pgEnum('participant_role', ['organizer', 'host', 'guest']);
export const roomStatus = pgEnum('room_status', ['pending', 'in-progress', 'completed', 'failed']);

/** A Slack workspace: the tenant. */
export const teams = pgTable('teams', {
  id: text('id').primaryKey(),
  name: text('name'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** A Slack member, as last seen through users.info (or registered through the API). */
export const users = pgTable(
  'users',
  {
    teamId: text('team_id').notNull().references(() => teams.id, { onDelete: 'cascade' }),
    slackUserId: text('slack_user_id').notNull(),
    name: text('name').notNull(),
    email: text('email'),
    timeZone: text('time_zone').notNull(),
    /** Their Slack profile picture (https), shown on booking pages. */
    avatarUrl: text('avatar_url'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.slackUserId] })],
);

export const meetingTypes = pgTable(
  'meeting_types',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    teamId: text('team_id').notNull().references(() => teams.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    durationMinutes: integer('duration_minutes').notNull(),
    slotIntervalMinutes: integer('slot_interval_minutes').notNull(),
    bufferBeforeMinutes: integer('buffer_before_minutes').notNull().default(0),
    bufferAfterMinutes: integer('buffer_after_minutes').notNull().default(0),
    minimumNoticeMinutes: integer('minimum_notice_minutes').notNull().default(60),
    bookingHorizonDays: integer('booking_horizon_days').notNull().default(60),
    dailyLimit: integer('daily_limit'),
    joinOpensMinutesBefore: integer('join_opens_minutes_before').notNull().default(10),
    joinClosesMinutesAfter: integer('join_closes_minutes_after').notNull().default(30),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('meeting_types_team_name_key').on(t.teamId, t.name),
    check('meeting_types_duration_check', sql`${t.durationMinutes} > 0 and ${t.durationMinutes} <= 1440`),
    check('meeting_types_interval_check', sql`${t.slotIntervalMinutes} > 0 and ${t.slotIntervalMinutes} <= 1440`),
    check(
      'meeting_types_buffers_check',
      sql`${t.bufferBeforeMinutes} >= 0 and ${t.bufferAfterMinutes} >= 0 and ${t.minimumNoticeMinutes} >= 0`,
    ),
    check('meeting_types_horizon_check', sql`${t.bookingHorizonDays} > 0`),
    check('meeting_types_daily_limit_check', sql`${t.dailyLimit} is null or ${t.dailyLimit} > 0`),
  ],
);

/** A person's working hours: weekly RRULE ranges and date overrides in their own time zone. */
export const availabilitySchedules = pgTable(
  'availability_schedules',
  {
    teamId: text('team_id').notNull(),
    slackUserId: text('slack_user_id').notNull(),
    timeZone: text('time_zone').notNull(),
    weeklyRules: jsonb('weekly_rules').$type<WeeklyRule[]>().notNull(),
    dateOverrides: jsonb('date_overrides').$type<DateOverride[]>().notNull().default([]),
    /** The person's own "at most N meetings a day", across all meeting types; null = no limit. */
    dailyLimit: integer('daily_limit'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.teamId, t.slackUserId] }),
    foreignKey({ columns: [t.teamId, t.slackUserId], foreignColumns: [users.teamId, users.slackUserId] }).onDelete('cascade'),
    check('availability_schedules_daily_limit_check', sql`${t.dailyLimit} is null or ${t.dailyLimit} > 0`),
  ],
);

export const bookings = pgTable(
  'bookings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    teamId: text('team_id').notNull().references(() => teams.id, { onDelete: 'cascade' }),
    /** The meeting this booking is a version of: the id of its first booking, kept through every move. */
    meetingId: uuid('meeting_id').notNull(),
    /** How many times the meeting was moved to reach this booking (the calendar SEQUENCE). */
    sequence: integer('sequence').notNull().default(0),
    meetingTypeId: uuid('meeting_type_id').notNull().references(() => meetingTypes.id),
    organizerId: text('organizer_id').notNull(),
    title: text('title').notNull(),
    notes: text('notes'),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    bufferBeforeMinutes: integer('buffer_before_minutes').notNull().default(0),
    bufferAfterMinutes: integer('buffer_after_minutes').notNull().default(0),
    status: bookingStatus('status').notNull().default('confirmed'),
    cancelReason: text('cancel_reason'),
    cancelledBy: text('cancelled_by'),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    rescheduledFromId: uuid('rescheduled_from_id'),
    rescheduledToId: uuid('rescheduled_to_id'),
    source: bookingSource('source').notNull(),
    /** The public booking link it was booked through (kept through moves), if any. */
    bookingLinkId: uuid('booking_link_id'),
    /** The guest's answers to the link's questions, with the questions as they were asked. */
    answers: jsonb('answers').$type<BookingAnswer[]>(),
    slackChannelId: text('slack_channel_id'),
    slackMessageTs: text('slack_message_ts'),
    /** The ticket (or other record) elsewhere that this meeting is about: its id there and a link to it. */
    externalRefId: text('external_ref_id'),
    externalRefUrl: text('external_ref_url'),
    /** Free-form JSON an integration keeps with the booking (bounded in size by the input rules). */
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('bookings_team_starts_idx').on(t.teamId, t.startsAt),
    index('bookings_team_created_idx').on(t.teamId, t.createdAt),
    index('bookings_external_ref_idx').on(t.teamId, t.externalRefId).where(sql`${t.externalRefId} is not null`),
    check('bookings_external_ref_check', sql`${t.externalRefUrl} is null or ${t.externalRefId} is not null`),
    index('bookings_rescheduled_from_idx').on(t.rescheduledFromId),
    index('bookings_meeting_idx').on(t.meetingId, t.sequence),
    index('bookings_link_idx').on(t.teamId, t.bookingLinkId, t.startsAt).where(sql`${t.bookingLinkId} is not null`),
    check('bookings_time_check', sql`${t.endsAt} > ${t.startsAt}`),
  ],
);

/** A question a booking link asks, beyond name and email. */
export interface BookingLinkQuestion {
  id: string;
  label: string;
  required: boolean;
  /** A few lines of text rather than one. */
  multiline: boolean;
}

/** A guest's answer to one of a link's questions, with the question's words as asked. */
export interface BookingAnswer {
  questionId: string;
  label: string;
  answer: string;
}

/**
 * A meeting type published as a public page, `PUBLIC_URL/book/<team>/<slug>`: who is booked
 * (hostIds, how by `mode`), what the visitor is asked, and which Slack channel hears of it.
 */
export const bookingLinks = pgTable(
  'booking_links',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    teamId: text('team_id').notNull().references(() => teams.id, { onDelete: 'cascade' }),
    slug: text('slug').notNull(),
    meetingTypeId: uuid('meeting_type_id').notNull().references(() => meetingTypes.id),
    /** Shown on the page and used as the meeting's title; the meeting type's name when null. */
    title: text('title'),
    description: text('description'),
    mode: bookingLinkMode('mode').notNull(),
    hostIds: jsonb('host_ids').$type<string[]>().notNull(),
    askNotes: boolean('ask_notes').notNull().default(true),
    questions: jsonb('questions').$type<BookingLinkQuestion[]>().notNull().default([]),
    slackChannelId: text('slack_channel_id'),
    active: boolean('active').notNull().default(true),
    createdBy: text('created_by').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('booking_links_team_slug_key').on(t.teamId, t.slug),
    check('booking_links_slug_check', sql`${t.slug} ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(${t.slug}) <= 60`),
  ],
);

/**
 * Hits of the public pages' rate limits (hono-rate-limiter's store), per key and fixed window, in
 * the database so that every process counts the same hits.
 */
export const rateLimitHits = pgTable(
  'rate_limit_hits',
  {
    teamId: text('team_id').notNull(),
    key: text('key').notNull(),
    hits: integer('hits').notNull(),
    resetAt: timestamp('reset_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.key] }), index('rate_limit_hits_reset_idx').on(t.resetAt)],
);

/**
 * Who is in a booking. Hosts and the organizer are Slack members whose time the booking holds:
 * `blocked` is the booking's time widened by its buffers, and `holds_time` stays true while the
 * booking is confirmed. The exclusion constraint on these two columns (see the custom migration)
 * is what makes a double booking impossible.
 */
export const meetingParticipants = pgTable(
  'meeting_participants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    teamId: text('team_id').notNull(),
    bookingId: uuid('booking_id')
      .notNull()
      .references(() => bookings.id, { onDelete: 'cascade' }),
    role: participantRole('role').notNull(),
    slackUserId: text('slack_user_id'),
    guestName: text('guest_name'),
    guestEmail: text('guest_email'),
    /** A guest's identity in the meeting, the same through every move (their personal links name it). */
    guestId: uuid('guest_id'),
    /** The guest's IANA time zone when known (the booking page detects it): their email shows times in it. */
    guestTimeZone: text('guest_time_zone'),
    blocked: tstzrange('blocked'),
    /**
     * The ends of `blocked`, kept by Postgres: under row level security a range's && cannot be an
     * index condition (its function is not leakproof), timestamp comparisons can.
     */
    blockedFrom: timestamp('blocked_from', { withTimezone: true }).generatedAlwaysAs(sql`lower(blocked)`),
    blockedUntil: timestamp('blocked_until', { withTimezone: true }).generatedAlwaysAs(sql`upper(blocked)`),
    /**
     * The booking's type and time, copied from it (a booking never moves in place: a move is a new
     * booking), so that busy time is read from this table alone, without a lookup of each booking.
     */
    meetingTypeId: uuid('meeting_type_id').notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    /** Where the participant stands in the booking as given: organizer, hosts, then guests in the order they were named. */
    position: smallint('position').notNull().default(0),
    holdsTime: boolean('holds_time').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    index('meeting_participants_booking_idx').on(t.bookingId),
    index('meeting_participants_user_idx').on(t.teamId, t.slackUserId),
    index('meeting_participants_busy_idx').on(t.teamId, t.slackUserId, t.blockedUntil).where(sql`${t.holdsTime}`),
    uniqueIndex('meeting_participants_guest_key').on(t.bookingId, t.guestId),
    check(
      'meeting_participants_identity_check',
      sql`(${t.slackUserId} is not null) or (${t.guestName} is not null and ${t.role} = 'guest')`,
    ),
    check('meeting_participants_guest_id_check', sql`(${t.role} = 'guest') = (${t.guestId} is not null)`),
    check('meeting_participants_holds_check', sql`not ${t.holdsTime} or (${t.slackUserId} is not null and ${t.blocked} is not null)`),
  ],
);

export const meetingRooms = pgTable(
  'meeting_rooms',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    teamId: text('team_id').notNull(),
    bookingId: uuid('booking_id')
      .notNull()
      .references(() => bookings.id, { onDelete: 'cascade' }),
    provider: text('provider').notNull().default('twilio'),
    providerRoomId: text('provider_room_id'),
    uniqueName: text('unique_name').notNull(),
    status: roomStatus('status').notNull().default('pending'),
    participantCount: integer('participant_count').notNull().default(0),
    startedAt: timestamp('started_at', { withTimezone: true }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    durationSeconds: integer('duration_seconds'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('meeting_rooms_booking_key').on(t.bookingId), uniqueIndex('meeting_rooms_unique_name_key').on(t.uniqueName)],
);

/** Twilio status callbacks already applied, so a replayed callback changes nothing. */
export const meetingRoomEvents = pgTable(
  'meeting_room_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    teamId: text('team_id').notNull(),
    roomId: uuid('room_id')
      .notNull()
      .references(() => meetingRooms.id, { onDelete: 'cascade' }),
    eventKey: text('event_key').notNull(),
    event: text('event').notNull(),
    participantIdentity: text('participant_identity'),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    payload: jsonb('payload').$type<Record<string, string>>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('meeting_room_events_key').on(t.roomId, t.eventKey)],
);

/** One per create request that carried a key: a retry with the same key returns the same booking. */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    teamId: text('team_id').notNull(),
    key: text('key').notNull(),
    requestHash: text('request_hash').notNull(),
    bookingId: uuid('booking_id')
      .notNull()
      .references(() => bookings.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.key] })],
);

/** Team API keys for the HTTP API; only a hash of the secret is kept. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    teamId: text('team_id').notNull().references(() => teams.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull(),
    /** Requests a minute this key may make; null: the server's API_RATE_LIMIT. */
    rateLimit: integer('rate_limit'),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('api_keys_hash_key').on(t.keyHash)],
);

/** Slack scheduled reminder messages, so a cancel or move can delete or replace them. */
export const reminders = pgTable(
  'reminders',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    teamId: text('team_id').notNull(),
    bookingId: uuid('booking_id')
      .notNull()
      .references(() => bookings.id, { onDelete: 'cascade' }),
    slackUserId: text('slack_user_id').notNull(),
    channelId: text('channel_id').notNull(),
    /** Null while the reminder is being scheduled: the row is claimed first, so it is never scheduled twice. */
    scheduledMessageId: text('scheduled_message_id'),
    postAt: timestamp('post_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('reminders_booking_idx').on(t.bookingId), uniqueIndex('reminders_booking_user_key').on(t.bookingId, t.slackUserId)],
);

/**
 * The transactional outbox: every change to a booking or its room, written in the transaction
 * that made it. Ids rise in commit order closely enough to order the events of one meeting, which
 * are all written under that meeting's locks.
 */
export const bookingEvents = pgTable(
  'booking_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    teamId: text('team_id').notNull(),
    meetingId: uuid('meeting_id').notNull(),
    bookingId: uuid('booking_id').notNull(),
    kind: text('kind').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    /** Set when the dispatcher has made this event's deliveries, one per interested handler. */
    fannedOutAt: timestamp('fanned_out_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index('booking_events_pending_idx').on(t.id).where(sql`${t.fannedOutAt} is null`),
    index('booking_events_meeting_idx').on(t.teamId, t.meetingId, t.id),
  ],
);

export const deliveryStatus = pgEnum('delivery_status', ['pending', 'delivered', 'failed']);

/** One event handed to one handler: attempts, the last error, when to try again. */
export const eventDeliveries = pgTable(
  'event_deliveries',
  {
    eventId: bigint('event_id', { mode: 'number' })
      .notNull()
      .references(() => bookingEvents.id, { onDelete: 'cascade' }),
    handler: text('handler').notNull(),
    teamId: text('team_id').notNull(),
    meetingId: uuid('meeting_id').notNull(),
    status: deliveryStatus('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    /** A dispatcher working on it holds it until then; past it, another may take it over. */
    leasedUntil: timestamp('leased_until', { withTimezone: true }),
    lastError: text('last_error'),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.eventId, t.handler] }),
    index('event_deliveries_due_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index('event_deliveries_meeting_idx').on(t.meetingId, t.handler, t.eventId).where(sql`${t.status} = 'pending'`),
    index('event_deliveries_team_idx').on(t.teamId, t.status, t.eventId),
  ],
);

/** Side effects a handler has made for an event, so a redelivery does not make them twice. */
export const eventEffects = pgTable(
  'event_effects',
  {
    teamId: text('team_id').notNull(),
    eventId: bigint('event_id', { mode: 'number' }).notNull(),
    handler: text('handler').notNull(),
    effect: text('effect').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.eventId, t.handler, t.effect] })],
);

/** Slack Events API deliveries already taken in (Slack retries an event it thinks was not received). */
export const slackEventReceipts = pgTable(
  'slack_event_receipts',
  {
    teamId: text('team_id').notNull(),
    eventId: text('event_id').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.eventId] }), index('slack_event_receipts_received_idx').on(t.receivedAt)],
);

export const guestEmailKind = pgEnum('guest_email_kind', ['confirmation', 'update', 'cancellation', 'reminder']);
export const guestEmailStatus = pgEnum('guest_email_status', ['sent', 'rejected']);

/**
 * Every email sent to a guest, and every one the mail server refused for good (a 5xx for the
 * recipient), which is recorded here instead of being retried.
 */
export const guestEmails = pgTable(
  'guest_emails',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    teamId: text('team_id').notNull(),
    meetingId: uuid('meeting_id').notNull(),
    bookingId: uuid('booking_id').notNull(),
    guestId: uuid('guest_id').notNull(),
    recipient: text('recipient').notNull(),
    kind: guestEmailKind('kind').notNull(),
    /** The booking event that caused it; null for reminders. */
    eventId: bigint('event_id', { mode: 'number' }),
    status: guestEmailStatus('status').notNull(),
    /** The Message-ID header (sent), or the server's answer (rejected). */
    messageId: text('message_id'),
    error: text('error'),
    createdAt: createdAt(),
  },
  (t) => [index('guest_emails_meeting_idx').on(t.teamId, t.meetingId, t.createdAt)],
);

export const guestReminderStatus = pgEnum('guest_reminder_status', ['pending', 'sent', 'dropped', 'rejected', 'failed']);

/**
 * One reminder email per guest and booking, written when the booking's event is handled and
 * claimed by whichever process's reminder loop comes first when it is due (FOR UPDATE SKIP
 * LOCKED and a lease), so it goes out once however many processes run. `starts_at` is copied so
 * the cross-team claim can skip a meeting that has started without reading bookings.
 */
export const guestReminders = pgTable(
  'guest_reminders',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    teamId: text('team_id').notNull(),
    meetingId: uuid('meeting_id').notNull(),
    bookingId: uuid('booking_id')
      .notNull()
      .references(() => bookings.id, { onDelete: 'cascade' }),
    guestId: uuid('guest_id').notNull(),
    sendAt: timestamp('send_at', { withTimezone: true }).notNull(),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    status: guestReminderStatus('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    /** A reminder loop sending it holds it until then; past it, another may take it over. */
    leasedUntil: timestamp('leased_until', { withTimezone: true }),
    lastError: text('last_error'),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('guest_reminders_booking_guest_key').on(t.bookingId, t.guestId),
    index('guest_reminders_due_idx').on(t.sendAt).where(sql`${t.status} = 'pending'`),
    index('guest_reminders_meeting_idx').on(t.teamId, t.meetingId),
  ],
);

export const calendarProvider = pgEnum('calendar_provider', ['caldav', 'ical', 'google', 'microsoft']);

/** Not secret: what is shown and how to reach the account (the secret part is encrypted in `secret`). */
export interface CalendarAccountSettings {
  /** CalDAV: the server (or the calendar home) the person gave. */
  serverUrl?: string;
  /** CalDAV user name; Google/Microsoft: the account's address. */
  username?: string;
  /** OAuth: the scopes granted. */
  scope?: string;
}

/** A busy time as read from a calendar (the cache): ISO instants, and whether it is an all-day event. */
export interface CachedBusy {
  start: string;
  end: string;
  allDay?: boolean;
}

/**
 * A person's connected calendar account: a CalDAV account, an iCal feed, or a Google or Microsoft
 * account over OAuth. `secret` holds the password, the feed's secret address or the OAuth tokens,
 * encrypted with SECRETS_KEY (see src/calendars/secrets.ts).
 */
export const calendarAccounts = pgTable(
  'calendar_accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    teamId: text('team_id').notNull(),
    slackUserId: text('slack_user_id').notNull(),
    provider: calendarProvider('provider').notNull(),
    label: text('label').notNull(),
    secret: text('secret').notNull(),
    settings: jsonb('settings').$type<CalendarAccountSettings>().notNull().default({}),
    /** ok, or why it cannot be read: error (it may pass), reconnect (access was revoked or expired). */
    status: text('status').notNull().default('ok'),
    lastError: text('last_error'),
    lastReadAt: timestamp('last_read_at', { withTimezone: true }),
    /** Last time its busy time was needed; the background refresher keeps recently wanted accounts fresh. */
    wantedAt: timestamp('wanted_at', { withTimezone: true }),
    /** A process reading it holds it until then (several processes share the refreshing). */
    refreshingUntil: timestamp('refreshing_until', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('calendar_accounts_person_idx').on(t.teamId, t.slackUserId),
    index('calendar_accounts_wanted_idx').on(t.wantedAt),
    foreignKey({ columns: [t.teamId, t.slackUserId], foreignColumns: [users.teamId, users.slackUserId] }).onDelete('cascade'),
  ],
);

/**
 * One calendar of an account, the person's choices for it, and its busy time as last read (the
 * cache: `busy` over [busy_from, busy_to), read at `read_at`).
 */
export const calendars = pgTable(
  'calendars',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    teamId: text('team_id').notNull(),
    slackUserId: text('slack_user_id').notNull(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => calendarAccounts.id, { onDelete: 'cascade' }),
    /** The provider's id: a CalDAV collection URL, a Google calendar id, "schedule" (Microsoft), "feed". */
    externalId: text('external_id').notNull(),
    name: text('name').notNull(),
    timeZone: text('time_zone'),
    countsAsBusy: boolean('counts_as_busy').notNull().default(true),
    allDayBusy: boolean('all_day_busy').notNull().default(true),
    canWrite: boolean('can_write').notNull().default(false),
    /** Bookings are added to this calendar (at most one per person). */
    writeBookings: boolean('write_bookings').notNull().default(false),
    busy: jsonb('busy').$type<CachedBusy[]>(),
    busyFrom: timestamp('busy_from', { withTimezone: true }),
    busyTo: timestamp('busy_to', { withTimezone: true }),
    readAt: timestamp('read_at', { withTimezone: true }),
    readError: text('read_error'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('calendars_account_external_key').on(t.accountId, t.externalId),
    index('calendars_person_idx').on(t.teamId, t.slackUserId),
    uniqueIndex('calendars_write_bookings_key').on(t.teamId, t.slackUserId).where(sql`${t.writeBookings}`),
  ],
);

/** A meeting written into a person's calendar: where (the provider's id of the event), and at which time. */
export const calendarWrites = pgTable(
  'calendar_writes',
  {
    teamId: text('team_id').notNull(),
    calendarId: uuid('calendar_id')
      .notNull()
      .references(() => calendars.id, { onDelete: 'cascade' }),
    meetingId: uuid('meeting_id').notNull(),
    slackUserId: text('slack_user_id').notNull(),
    externalId: text('external_id').notNull(),
    etag: text('etag'),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    sequence: integer('sequence').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.calendarId, t.meetingId] }), index('calendar_writes_person_idx').on(t.teamId, t.slackUserId, t.startsAt)],
);

export const webhookEndpointStatus = pgEnum('webhook_endpoint_status', ['enabled', 'disabled']);
export const webhookDeliveryStatus = pgEnum('webhook_delivery_status', ['pending', 'delivered', 'failed']);

/**
 * A team's webhook endpoint: where booking events are POSTed, signed per Standard Webhooks with
 * its own secret. It records who created it (an API key or a Slack member) and whom to tell in
 * Slack when it is disabled after failing for too long.
 */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    teamId: text('team_id').notNull().references(() => teams.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    description: text('description'),
    /** The event kinds it receives. */
    eventTypes: jsonb('event_types').$type<string[]>().notNull(),
    /** whsec_<base64>: needed in clear to sign; row level security keeps it inside the team. */
    secret: text('secret').notNull(),
    status: webhookEndpointStatus('status').notNull().default('enabled'),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    disabledReason: text('disabled_reason'),
    /** Set at the first failed attempt after a success, cleared by any success. */
    failingSince: timestamp('failing_since', { withTimezone: true }),
    createdByKind: text('created_by_kind').notNull(),
    /** The API key's id, or the Slack member's id. */
    createdBy: text('created_by').notNull(),
    /** The Slack member told when it is disabled (a Slack creator by default). */
    notifySlackUserId: text('notify_slack_user_id'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('webhook_endpoints_team_idx').on(t.teamId, t.createdAt),
    check('webhook_endpoints_created_by_check', sql`${t.createdByKind} in ('api_key', 'slack')`),
  ],
);

/**
 * One message to one endpoint: a booking event (or a test), its body fixed when it was made (so
 * every retry sends the same webhook-id and payload), and its own retry schedule. Senders in any
 * process claim due rows with FOR UPDATE SKIP LOCKED and a lease.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    teamId: text('team_id').notNull(),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    /** The booking event it carries; null for a test message. */
    eventId: bigint('event_id', { mode: 'number' }),
    /** The webhook-id header: the same on every attempt, so a receiver can drop repeats. */
    messageId: text('message_id').notNull(),
    eventType: text('event_type').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    status: webhookDeliveryStatus('status').notNull().default('pending'),
    /** Attempts in the current round (a redelivery by hand starts a new round). */
    attempts: integer('attempts').notNull().default(0),
    /** Attempts this round may make; null = as many as the sender's retry schedule has (a test message makes one). */
    maxAttempts: integer('max_attempts'),
    /** The first failed attempt of this round: the endpoint is disabled if nothing reached it since, when the round gives up. */
    failingSince: timestamp('failing_since', { withTimezone: true }),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    leasedUntil: timestamp('leased_until', { withTimezone: true }),
    /** Which claim holds the lease, so a sender whose lease ran out cannot settle another's attempt. */
    leaseToken: uuid('lease_token'),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    /** When it was last sent again by hand (that round's first attempt is logged as manual). */
    redeliveredAt: timestamp('redelivered_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_event_endpoint_key').on(t.eventId, t.endpointId),
    index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index('webhook_deliveries_endpoint_idx').on(t.teamId, t.endpointId, t.createdAt),
    index('webhook_deliveries_team_idx').on(t.teamId, t.createdAt),
  ],
);

/** Every attempt to send a delivery: what the endpoint answered, or why it could not be reached. */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    teamId: text('team_id').notNull(),
    deliveryId: uuid('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    /** scheduled (the retry schedule), manual (a redelivery asked for), test (a test message sent at once). */
    trigger: text('trigger').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
    durationMs: integer('duration_ms').notNull(),
    statusCode: integer('status_code'),
    /** The start of the response body (at most 1 KB). */
    responseSnippet: text('response_snippet'),
    error: text('error'),
    succeeded: boolean('succeeded').notNull(),
  },
  (t) => [index('webhook_attempts_delivery_idx').on(t.deliveryId, t.id)],
);

export const tenantTables = [
  'teams',
  'users',
  'meeting_types',
  'availability_schedules',
  'bookings',
  'meeting_participants',
  'meeting_rooms',
  'meeting_room_events',
  'idempotency_keys',
  'api_keys',
  'reminders',
  'booking_events',
  'event_deliveries',
  'event_effects',
  'slack_event_receipts',
  'guest_emails',
  'guest_reminders',
  'booking_links',
  'rate_limit_hits',
  'calendar_accounts',
  'calendars',
  'calendar_writes',
  'webhook_endpoints',
  'webhook_deliveries',
  'webhook_attempts',
] as const;
