CREATE TYPE "public"."delivery_status" AS ENUM('pending', 'delivered', 'failed');--> statement-breakpoint
CREATE TABLE "booking_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"meeting_id" uuid NOT NULL,
	"booking_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"payload" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"fanned_out_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "event_deliveries" (
	"event_id" bigint NOT NULL,
	"handler" text NOT NULL,
	"team_id" text NOT NULL,
	"meeting_id" uuid NOT NULL,
	"status" "delivery_status" DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"leased_until" timestamp with time zone,
	"last_error" text,
	"delivered_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "event_deliveries_event_id_handler_pk" PRIMARY KEY("event_id","handler")
);
--> statement-breakpoint
CREATE TABLE "event_effects" (
	"team_id" text NOT NULL,
	"event_id" bigint NOT NULL,
	"handler" text NOT NULL,
	"effect" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "event_effects_event_id_handler_effect_pk" PRIMARY KEY("event_id","handler","effect")
);
--> statement-breakpoint
CREATE TABLE "slack_event_receipts" (
	"team_id" text NOT NULL,
	"event_id" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "slack_event_receipts_team_id_event_id_pk" PRIMARY KEY("team_id","event_id")
);
--> statement-breakpoint
ALTER TABLE "reminders" ALTER COLUMN "scheduled_message_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "meeting_id" uuid;--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "sequence" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Existing bookings: the meeting is the first booking of each chain of moves.
WITH RECURSIVE chain AS (
  SELECT id, id AS root, 0 AS depth FROM bookings WHERE rescheduled_from_id IS NULL
  UNION ALL
  SELECT b.id, chain.root, chain.depth + 1 FROM bookings b JOIN chain ON b.rescheduled_from_id = chain.id
)
UPDATE bookings SET meeting_id = chain.root, sequence = chain.depth FROM chain WHERE bookings.id = chain.id;--> statement-breakpoint
UPDATE bookings SET meeting_id = id WHERE meeting_id IS NULL;--> statement-breakpoint
ALTER TABLE "bookings" ALTER COLUMN "meeting_id" SET NOT NULL;--> statement-breakpoint
DELETE FROM reminders a USING reminders b WHERE a.booking_id = b.booking_id AND a.slack_user_id = b.slack_user_id AND a.id > b.id;--> statement-breakpoint
ALTER TABLE "event_deliveries" ADD CONSTRAINT "event_deliveries_event_id_booking_events_id_fk" FOREIGN KEY ("event_id") REFERENCES "public"."booking_events"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "booking_events_pending_idx" ON "booking_events" USING btree ("id") WHERE "booking_events"."fanned_out_at" is null;--> statement-breakpoint
CREATE INDEX "booking_events_meeting_idx" ON "booking_events" USING btree ("team_id","meeting_id","id");--> statement-breakpoint
CREATE INDEX "event_deliveries_due_idx" ON "event_deliveries" USING btree ("next_attempt_at") WHERE "event_deliveries"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "event_deliveries_meeting_idx" ON "event_deliveries" USING btree ("meeting_id","handler","event_id") WHERE "event_deliveries"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "event_deliveries_team_idx" ON "event_deliveries" USING btree ("team_id","status","event_id");--> statement-breakpoint
CREATE INDEX "slack_event_receipts_received_idx" ON "slack_event_receipts" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "bookings_meeting_idx" ON "bookings" USING btree ("meeting_id","sequence");--> statement-breakpoint
CREATE UNIQUE INDEX "reminders_booking_user_key" ON "reminders" USING btree ("booking_id","slack_user_id");--> statement-breakpoint
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO meetings_app;--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO meetings_app;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO meetings_app;--> statement-breakpoint
ALTER TABLE booking_events ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE booking_events FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON booking_events USING (team_id = nullif(current_setting('app.team_id', true), '')) WITH CHECK (team_id = nullif(current_setting('app.team_id', true), ''));--> statement-breakpoint
ALTER TABLE event_deliveries ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE event_deliveries FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON event_deliveries USING (team_id = nullif(current_setting('app.team_id', true), '')) WITH CHECK (team_id = nullif(current_setting('app.team_id', true), ''));--> statement-breakpoint
ALTER TABLE event_effects ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE event_effects FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON event_effects USING (team_id = nullif(current_setting('app.team_id', true), '')) WITH CHECK (team_id = nullif(current_setting('app.team_id', true), ''));--> statement-breakpoint
ALTER TABLE slack_event_receipts ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE slack_event_receipts FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON slack_event_receipts USING (team_id = nullif(current_setting('app.team_id', true), '')) WITH CHECK (team_id = nullif(current_setting('app.team_id', true), ''));--> statement-breakpoint
-- The event dispatcher works across teams (it fans events out and claims deliveries); it opens
-- only the outbox tables, and each handler then works inside the event's own team.
CREATE POLICY dispatcher_access ON booking_events USING (current_setting('app.dispatcher', true) = 'on') WITH CHECK (current_setting('app.dispatcher', true) = 'on');--> statement-breakpoint
CREATE POLICY dispatcher_access ON event_deliveries USING (current_setting('app.dispatcher', true) = 'on') WITH CHECK (current_setting('app.dispatcher', true) = 'on');
