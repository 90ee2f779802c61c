CREATE TYPE "public"."calendar_provider" AS ENUM('caldav', 'ical', 'google', 'microsoft');--> statement-breakpoint
CREATE TABLE "calendar_accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"team_id" text NOT NULL,
	"slack_user_id" text NOT NULL,
	"provider" "calendar_provider" NOT NULL,
	"label" text NOT NULL,
	"secret" text NOT NULL,
	"settings" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text DEFAULT 'ok' NOT NULL,
	"last_error" text,
	"last_read_at" timestamp with time zone,
	"wanted_at" timestamp with time zone,
	"refreshing_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "calendar_writes" (
	"team_id" text NOT NULL,
	"calendar_id" uuid NOT NULL,
	"meeting_id" uuid NOT NULL,
	"slack_user_id" text NOT NULL,
	"external_id" text NOT NULL,
	"etag" text,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"sequence" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "calendar_writes_calendar_id_meeting_id_pk" PRIMARY KEY("calendar_id","meeting_id")
);
--> statement-breakpoint
CREATE TABLE "calendars" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"team_id" text NOT NULL,
	"slack_user_id" text NOT NULL,
	"account_id" uuid NOT NULL,
	"external_id" text NOT NULL,
	"name" text NOT NULL,
	"time_zone" text,
	"counts_as_busy" boolean DEFAULT true NOT NULL,
	"all_day_busy" boolean DEFAULT true NOT NULL,
	"can_write" boolean DEFAULT false NOT NULL,
	"write_bookings" boolean DEFAULT false NOT NULL,
	"busy" jsonb,
	"busy_from" timestamp with time zone,
	"busy_to" timestamp with time zone,
	"read_at" timestamp with time zone,
	"read_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "calendar_accounts" ADD CONSTRAINT "calendar_accounts_team_id_slack_user_id_users_team_id_slack_user_id_fk" FOREIGN KEY ("team_id","slack_user_id") REFERENCES "public"."users"("team_id","slack_user_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calendar_writes" ADD CONSTRAINT "calendar_writes_calendar_id_calendars_id_fk" FOREIGN KEY ("calendar_id") REFERENCES "public"."calendars"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calendars" ADD CONSTRAINT "calendars_account_id_calendar_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."calendar_accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "calendar_accounts_person_idx" ON "calendar_accounts" USING btree ("team_id","slack_user_id");--> statement-breakpoint
CREATE INDEX "calendar_accounts_wanted_idx" ON "calendar_accounts" USING btree ("wanted_at");--> statement-breakpoint
CREATE INDEX "calendar_writes_person_idx" ON "calendar_writes" USING btree ("team_id","slack_user_id","starts_at");--> statement-breakpoint
CREATE UNIQUE INDEX "calendars_account_external_key" ON "calendars" USING btree ("account_id","external_id");--> statement-breakpoint
CREATE INDEX "calendars_person_idx" ON "calendars" USING btree ("team_id","slack_user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "calendars_write_bookings_key" ON "calendars" USING btree ("team_id","slack_user_id") WHERE "calendars"."write_bookings";--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO meetings_app;--> statement-breakpoint
ALTER TABLE calendar_accounts ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE calendar_accounts FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON calendar_accounts USING (team_id = nullif(current_setting('app.team_id', true), '')) WITH CHECK (team_id = nullif(current_setting('app.team_id', true), ''));--> statement-breakpoint
ALTER TABLE calendars ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE calendars FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON calendars USING (team_id = nullif(current_setting('app.team_id', true), '')) WITH CHECK (team_id = nullif(current_setting('app.team_id', true), ''));--> statement-breakpoint
ALTER TABLE calendar_writes ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE calendar_writes FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON calendar_writes USING (team_id = nullif(current_setting('app.team_id', true), '')) WITH CHECK (team_id = nullif(current_setting('app.team_id', true), ''));--> statement-breakpoint
-- The background refresher finds, across teams, the accounts whose busy time is wanted and going
-- stale, and leases them; it then reads and writes each one inside its own team.
CREATE POLICY refresher_select ON calendar_accounts FOR SELECT USING (current_setting('app.calendar_refresher', true) = 'on');--> statement-breakpoint
CREATE POLICY refresher_lease ON calendar_accounts FOR UPDATE USING (current_setting('app.calendar_refresher', true) = 'on') WITH CHECK (current_setting('app.calendar_refresher', true) = 'on');--> statement-breakpoint
CREATE POLICY refresher_select ON calendars FOR SELECT USING (current_setting('app.calendar_refresher', true) = 'on');
