-- Custom migration: what drizzle cannot declare. Identical on PGlite and Postgres.
CREATE EXTENSION IF NOT EXISTS btree_gist;
--> statement-breakpoint
-- The role every tenant transaction switches to (SET LOCAL ROLE). It cannot bypass RLS.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'meetings_app') THEN
    CREATE ROLE meetings_app NOLOGIN NOSUPERUSER NOBYPASSRLS;
  END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
  NULL; -- another database of the same cluster created it at the same moment
END $$;
--> statement-breakpoint
DO $$
BEGIN
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    EXECUTE format('GRANT meetings_app TO %I', current_user);
  END IF;
END $$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO meetings_app;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO meetings_app;
--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO meetings_app;
--> statement-breakpoint
-- No host holds two overlapping confirmed bookings: `blocked` is the booking widened by its buffers.
ALTER TABLE meeting_participants ADD CONSTRAINT meeting_participants_no_overlap
  EXCLUDE USING gist (team_id WITH =, slack_user_id WITH =, blocked WITH &&) WHERE (holds_time);
--> statement-breakpoint
ALTER TABLE teams ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE teams FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON teams USING (id = nullif(current_setting('app.team_id', true), '')) WITH CHECK (id = nullif(current_setting('app.team_id', true), ''));
--> statement-breakpoint
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE users FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON users USING (team_id = nullif(current_setting('app.team_id', true), '')) WITH CHECK (team_id = nullif(current_setting('app.team_id', true), ''));
--> statement-breakpoint
ALTER TABLE meeting_types ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE meeting_types FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON meeting_types USING (team_id = nullif(current_setting('app.team_id', true), '')) WITH CHECK (team_id = nullif(current_setting('app.team_id', true), ''));
--> statement-breakpoint
ALTER TABLE availability_schedules ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE availability_schedules FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON availability_schedules USING (team_id = nullif(current_setting('app.team_id', true), '')) WITH CHECK (team_id = nullif(current_setting('app.team_id', true), ''));
--> statement-breakpoint
ALTER TABLE bookings ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE bookings FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON bookings USING (team_id = nullif(current_setting('app.team_id', true), '')) WITH CHECK (team_id = nullif(current_setting('app.team_id', true), ''));
--> statement-breakpoint
ALTER TABLE meeting_participants ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE meeting_participants FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON meeting_participants USING (team_id = nullif(current_setting('app.team_id', true), '')) WITH CHECK (team_id = nullif(current_setting('app.team_id', true), ''));
--> statement-breakpoint
ALTER TABLE meeting_rooms ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE meeting_rooms FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON meeting_rooms USING (team_id = nullif(current_setting('app.team_id', true), '')) WITH CHECK (team_id = nullif(current_setting('app.team_id', true), ''));
--> statement-breakpoint
ALTER TABLE meeting_room_events ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE meeting_room_events FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON meeting_room_events USING (team_id = nullif(current_setting('app.team_id', true), '')) WITH CHECK (team_id = nullif(current_setting('app.team_id', true), ''));
--> statement-breakpoint
ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE idempotency_keys FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON idempotency_keys USING (team_id = nullif(current_setting('app.team_id', true), '')) WITH CHECK (team_id = nullif(current_setting('app.team_id', true), ''));
--> statement-breakpoint
ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE api_keys FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON api_keys USING (team_id = nullif(current_setting('app.team_id', true), '')) WITH CHECK (team_id = nullif(current_setting('app.team_id', true), ''));
--> statement-breakpoint
ALTER TABLE reminders ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE reminders FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
CREATE POLICY tenant_isolation ON reminders USING (team_id = nullif(current_setting('app.team_id', true), '')) WITH CHECK (team_id = nullif(current_setting('app.team_id', true), ''));
--> statement-breakpoint
-- An API request does not know its team until its key is found: the key's own hash opens its row.
CREATE POLICY api_key_lookup ON api_keys FOR SELECT USING (key_hash = nullif(current_setting('app.api_key_hash', true), ''));
