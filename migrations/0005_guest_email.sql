CREATE TYPE "public"."guest_email_kind" AS ENUM('confirmation', 'update', 'cancellation', 'reminder');--> statement-breakpoint
CREATE TYPE "public"."guest_email_status" AS ENUM('sent', 'rejected');--> statement-breakpoint
CREATE TYPE "public"."guest_reminder_status" AS ENUM('pending', 'sent', 'dropped', 'rejected', 'failed');--> statement-breakpoint
CREATE TABLE "guest_emails" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"team_id" text NOT NULL,
	"meeting_id" uuid NOT NULL,
	"booking_id" uuid NOT NULL,
	"guest_id" uuid NOT NULL,
	"recipient" text NOT NULL,
	"kind" "guest_email_kind" NOT NULL,
	"event_id" bigint,
	"status" "guest_email_status" NOT NULL,
	"message_id" text,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "guest_reminders" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"team_id" text NOT NULL,
	"meeting_id" uuid NOT NULL,
	"booking_id" uuid NOT NULL,
	"guest_id" uuid NOT NULL,
	"send_at" timestamp with time zone NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"status" "guest_reminder_status" DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"leased_until" timestamp with time zone,
	"last_error" text,
	"sent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "meeting_participants" ADD COLUMN "guest_time_zone" text;--> statement-breakpoint
ALTER TABLE "guest_reminders" ADD CONSTRAINT "guest_reminders_booking_id_bookings_id_fk" FOREIGN KEY ("booking_id") REFERENCES "public"."bookings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "guest_emails_meeting_idx" ON "guest_emails" USING btree ("team_id","meeting_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "guest_reminders_booking_guest_key" ON "guest_reminders" USING btree ("booking_id","guest_id");--> statement-breakpoint
CREATE INDEX "guest_reminders_due_idx" ON "guest_reminders" USING btree ("send_at") WHERE "guest_reminders"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "guest_reminders_meeting_idx" ON "guest_reminders" USING btree ("team_id","meeting_id");--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON guest_emails, guest_reminders TO meetings_app;--> statement-breakpoint
ALTER TABLE guest_emails ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE guest_emails FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON guest_emails USING (team_id = nullif(current_setting('app.team_id', true), '')) WITH CHECK (team_id = nullif(current_setting('app.team_id', true), ''));--> statement-breakpoint
ALTER TABLE guest_reminders ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE guest_reminders FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON guest_reminders USING (team_id = nullif(current_setting('app.team_id', true), '')) WITH CHECK (team_id = nullif(current_setting('app.team_id', true), ''));--> statement-breakpoint
-- The reminder loop claims due reminders across teams (as the event dispatcher claims deliveries);
-- it opens only this table, and each reminder is then sent inside its own team.
CREATE POLICY dispatcher_access ON guest_reminders USING (current_setting('app.dispatcher', true) = 'on') WITH CHECK (current_setting('app.dispatcher', true) = 'on');
