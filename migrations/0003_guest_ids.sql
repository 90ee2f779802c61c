ALTER TABLE "meeting_participants" ADD COLUMN "guest_id" uuid;--> statement-breakpoint
-- Existing guests: one id per guest of a meeting, shared by the rows its moves copied.
WITH guests AS (
  SELECT b.meeting_id, p.guest_name, coalesce(p.guest_email, '') AS email, gen_random_uuid() AS guest_id
  FROM meeting_participants p JOIN bookings b ON b.id = p.booking_id
  WHERE p.role = 'guest'
  GROUP BY b.meeting_id, p.guest_name, coalesce(p.guest_email, '')
)
UPDATE meeting_participants p SET guest_id = guests.guest_id
FROM bookings b, guests
WHERE p.role = 'guest' AND b.id = p.booking_id AND guests.meeting_id = b.meeting_id
  AND guests.guest_name = p.guest_name AND guests.email = coalesce(p.guest_email, '');--> statement-breakpoint
-- Two identical guests in one booking would share an id; give the later rows ids of their own.
UPDATE meeting_participants p SET guest_id = gen_random_uuid()
WHERE p.role = 'guest' AND EXISTS (
  SELECT 1 FROM meeting_participants q WHERE q.booking_id = p.booking_id AND q.guest_id = p.guest_id AND q.id < p.id);--> statement-breakpoint
CREATE UNIQUE INDEX "meeting_participants_guest_key" ON "meeting_participants" USING btree ("booking_id","guest_id");--> statement-breakpoint
ALTER TABLE "meeting_participants" ADD CONSTRAINT "meeting_participants_guest_id_check" CHECK (("meeting_participants"."role" = 'guest') = ("meeting_participants"."guest_id" is not null));
