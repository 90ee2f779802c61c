ALTER TABLE "meeting_participants" ADD COLUMN "meeting_type_id" uuid;--> statement-breakpoint
ALTER TABLE "meeting_participants" ADD COLUMN "starts_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "meeting_participants" ADD COLUMN "ends_at" timestamp with time zone;--> statement-breakpoint
UPDATE "meeting_participants" AS p SET "meeting_type_id" = b."meeting_type_id", "starts_at" = b."starts_at", "ends_at" = b."ends_at" FROM "bookings" AS b WHERE b."id" = p."booking_id";--> statement-breakpoint
ALTER TABLE "meeting_participants" ALTER COLUMN "meeting_type_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "meeting_participants" ALTER COLUMN "starts_at" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "meeting_participants" ALTER COLUMN "ends_at" SET NOT NULL;
