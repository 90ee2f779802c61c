ALTER TABLE "meeting_participants" ADD COLUMN "position" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
UPDATE "meeting_participants" AS p SET "position" = o."position" FROM (
  SELECT "id", (row_number() OVER (PARTITION BY "booking_id" ORDER BY CASE "role" WHEN 'organizer' THEN 0 WHEN 'host' THEN 1 ELSE 2 END, "created_at", "id") - 1)::smallint AS "position"
  FROM "meeting_participants"
) AS o WHERE o."id" = p."id";
