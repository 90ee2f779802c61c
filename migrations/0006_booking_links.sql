CREATE TYPE "public"."booking_link_mode" AS ENUM('one', 'all', 'any');--> statement-breakpoint
ALTER TYPE "public"."booking_source" ADD VALUE 'web';--> statement-breakpoint
CREATE TABLE "booking_links" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"team_id" text NOT NULL,
	"slug" text NOT NULL,
	"meeting_type_id" uuid NOT NULL,
	"title" text,
	"description" text,
	"mode" "booking_link_mode" NOT NULL,
	"host_ids" jsonb NOT NULL,
	"ask_notes" boolean DEFAULT true NOT NULL,
	"questions" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"slack_channel_id" text,
	"active" boolean DEFAULT true NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "booking_links_slug_check" CHECK ("booking_links"."slug" ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length("booking_links"."slug") <= 60)
);
--> statement-breakpoint
CREATE TABLE "rate_limit_hits" (
	"team_id" text NOT NULL,
	"key" text NOT NULL,
	"hits" integer NOT NULL,
	"reset_at" timestamp with time zone NOT NULL,
	CONSTRAINT "rate_limit_hits_team_id_key_pk" PRIMARY KEY("team_id","key")
);
--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "booking_link_id" uuid;--> statement-breakpoint
ALTER TABLE "bookings" ADD COLUMN "answers" jsonb;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "avatar_url" text;--> statement-breakpoint
ALTER TABLE "booking_links" ADD CONSTRAINT "booking_links_team_id_teams_id_fk" FOREIGN KEY ("team_id") REFERENCES "public"."teams"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "booking_links" ADD CONSTRAINT "booking_links_meeting_type_id_meeting_types_id_fk" FOREIGN KEY ("meeting_type_id") REFERENCES "public"."meeting_types"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "booking_links_team_slug_key" ON "booking_links" USING btree ("team_id","slug");--> statement-breakpoint
CREATE INDEX "rate_limit_hits_reset_idx" ON "rate_limit_hits" USING btree ("reset_at");--> statement-breakpoint
CREATE INDEX "bookings_link_idx" ON "bookings" USING btree ("team_id","booking_link_id","starts_at") WHERE "bookings"."booking_link_id" is not null;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO meetings_app;--> statement-breakpoint
ALTER TABLE booking_links ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE booking_links FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON booking_links USING (team_id = nullif(current_setting('app.team_id', true), '')) WITH CHECK (team_id = nullif(current_setting('app.team_id', true), ''));--> statement-breakpoint
ALTER TABLE rate_limit_hits ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE rate_limit_hits FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_isolation ON rate_limit_hits USING (team_id = nullif(current_setting('app.team_id', true), '')) WITH CHECK (team_id = nullif(current_setting('app.team_id', true), ''));
