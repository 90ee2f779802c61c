CREATE TYPE "public"."booking_source" AS ENUM('slack', 'api');--> statement-breakpoint
CREATE TYPE "public"."booking_status" AS ENUM('confirmed', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."participant_role" AS ENUM('organizer', 'host', 'guest');--> statement-breakpoint
CREATE TYPE "public"."room_status" AS ENUM('pending', 'in-progress', 'completed', 'failed');--> statement-breakpoint
CREATE TABLE "api_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"team_id" text NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"key_hash" text NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "availability_schedules" (
	"team_id" text NOT NULL,
	"slack_user_id" text NOT NULL,
	"time_zone" text NOT NULL,
	"weekly_rules" jsonb NOT NULL,
	"date_overrides" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "availability_schedules_team_id_slack_user_id_pk" PRIMARY KEY("team_id","slack_user_id")
);
--> statement-breakpoint
CREATE TABLE "bookings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"team_id" text NOT NULL,
	"meeting_type_id" uuid NOT NULL,
	"organizer_id" text NOT NULL,
	"title" text NOT NULL,
	"notes" text,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"buffer_before_minutes" integer DEFAULT 0 NOT NULL,
	"buffer_after_minutes" integer DEFAULT 0 NOT NULL,
	"status" "booking_status" DEFAULT 'confirmed' NOT NULL,
	"cancel_reason" text,
	"cancelled_by" text,
	"cancelled_at" timestamp with time zone,
	"rescheduled_from_id" uuid,
	"rescheduled_to_id" uuid,
	"source" "booking_source" NOT NULL,
	"slack_channel_id" text,
	"slack_message_ts" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bookings_time_check" CHECK ("bookings"."ends_at" > "bookings"."starts_at")
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"team_id" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"booking_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_team_id_key_pk" PRIMARY KEY("team_id","key")
);
--> statement-breakpoint
CREATE TABLE "meeting_participants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"team_id" text NOT NULL,
	"booking_id" uuid NOT NULL,
	"role" "participant_role" NOT NULL,
	"slack_user_id" text,
	"guest_name" text,
	"guest_email" text,
	"blocked" "tstzrange",
	"holds_time" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "meeting_participants_identity_check" CHECK (("meeting_participants"."slack_user_id" is not null) or ("meeting_participants"."guest_name" is not null and "meeting_participants"."role" = 'guest')),
	CONSTRAINT "meeting_participants_holds_check" CHECK (not "meeting_participants"."holds_time" or ("meeting_participants"."slack_user_id" is not null and "meeting_participants"."blocked" is not null))
);
--> statement-breakpoint
CREATE TABLE "meeting_room_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"team_id" text NOT NULL,
	"room_id" uuid NOT NULL,
	"event_key" text NOT NULL,
	"event" text NOT NULL,
	"participant_identity" text,
	"occurred_at" timestamp with time zone NOT NULL,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "meeting_rooms" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"team_id" text NOT NULL,
	"booking_id" uuid NOT NULL,
	"provider" text DEFAULT 'twilio' NOT NULL,
	"provider_room_id" text,
	"unique_name" text NOT NULL,
	"status" "room_status" DEFAULT 'pending' NOT NULL,
	"participant_count" integer DEFAULT 0 NOT NULL,
	"started_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"duration_seconds" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "meeting_types" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"team_id" text NOT NULL,
	"name" text NOT NULL,
	"duration_minutes" integer NOT NULL,
	"slot_interval_minutes" integer NOT NULL,
	"buffer_before_minutes" integer DEFAULT 0 NOT NULL,
	"buffer_after_minutes" integer DEFAULT 0 NOT NULL,
	"minimum_notice_minutes" integer DEFAULT 60 NOT NULL,
	"booking_horizon_days" integer DEFAULT 60 NOT NULL,
	"daily_limit" integer,
	"join_opens_minutes_before" integer DEFAULT 10 NOT NULL,
	"join_closes_minutes_after" integer DEFAULT 30 NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "meeting_types_duration_check" CHECK ("meeting_types"."duration_minutes" > 0 and "meeting_types"."duration_minutes" <= 1440),
	CONSTRAINT "meeting_types_interval_check" CHECK ("meeting_types"."slot_interval_minutes" > 0 and "meeting_types"."slot_interval_minutes" <= 1440),
	CONSTRAINT "meeting_types_buffers_check" CHECK ("meeting_types"."buffer_before_minutes" >= 0 and "meeting_types"."buffer_after_minutes" >= 0 and "meeting_types"."minimum_notice_minutes" >= 0),
	CONSTRAINT "meeting_types_horizon_check" CHECK ("meeting_types"."booking_horizon_days" > 0),
	CONSTRAINT "meeting_types_daily_limit_check" CHECK ("meeting_types"."daily_limit" is null or "meeting_types"."daily_limit" > 0)
);
--> statement-breakpoint
CREATE TABLE "reminders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"team_id" text NOT NULL,
	"booking_id" uuid NOT NULL,
	"slack_user_id" text NOT NULL,
	"channel_id" text NOT NULL,
	"scheduled_message_id" text NOT NULL,
	"post_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "teams" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"team_id" text NOT NULL,
	"slack_user_id" text NOT NULL,
	"name" text NOT NULL,
	"email" text,
	"time_zone" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_team_id_slack_user_id_pk" PRIMARY KEY("team_id","slack_user_id")
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "availability_schedules" ADD CONSTRAINT "availability_schedules_team_id_slack_user_id_users_team_id_slack_user_id_fk" FOREIGN KEY ("team_id","slack_user_id") REFERENCES "public"."users"("team_id","slack_user_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_meeting_type_id_meeting_types_id_fk" FOREIGN KEY ("meeting_type_id") REFERENCES "public"."meeting_types"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_booking_id_bookings_id_fk" FOREIGN KEY ("booking_id") REFERENCES "public"."bookings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_participants" ADD CONSTRAINT "meeting_participants_booking_id_bookings_id_fk" FOREIGN KEY ("booking_id") REFERENCES "public"."bookings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_room_events" ADD CONSTRAINT "meeting_room_events_room_id_meeting_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."meeting_rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_rooms" ADD CONSTRAINT "meeting_rooms_booking_id_bookings_id_fk" FOREIGN KEY ("booking_id") REFERENCES "public"."bookings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_types" ADD CONSTRAINT "meeting_types_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reminders" ADD CONSTRAINT "reminders_booking_id_bookings_id_fk" FOREIGN KEY ("booking_id") REFERENCES "public"."bookings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_hash_key" ON "api_keys" USING btree ("key_hash");--> statement-breakpoint
CREATE INDEX "bookings_team_starts_idx" ON "bookings" USING btree ("team_id","starts_at");--> statement-breakpoint
CREATE INDEX "bookings_rescheduled_from_idx" ON "bookings" USING btree ("rescheduled_from_id");--> statement-breakpoint
CREATE INDEX "meeting_participants_booking_idx" ON "meeting_participants" USING btree ("booking_id");--> statement-breakpoint
CREATE INDEX "meeting_participants_user_idx" ON "meeting_participants" USING btree ("team_id","slack_user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "meeting_room_events_key" ON "meeting_room_events" USING btree ("room_id","event_key");--> statement-breakpoint
CREATE UNIQUE INDEX "meeting_rooms_booking_key" ON "meeting_rooms" USING btree ("booking_id");--> statement-breakpoint
CREATE UNIQUE INDEX "meeting_rooms_unique_name_key" ON "meeting_rooms" USING btree ("unique_name");--> statement-breakpoint
CREATE UNIQUE INDEX "meeting_types_team_name_key" ON "meeting_types" USING btree ("team_id","name");--> statement-breakpoint
CREATE INDEX "reminders_booking_idx" ON "reminders" USING btree ("booking_id");