import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed links to a meeting's .ics file (served on Node at /slack/ics). Without `participant` it
 * is the shared file (for the channel message and API answers), whose description points back to
 * Slack; with one, the file carries that person's own join link, so it is only ever given to them.
 * Every surface that shows a booking (Slack, the API, webhooks) builds the link here.
 */
export function calendarUrl(config: { publicUrl: string; linkSecret: string }, teamId: string, bookingId: string, participant?: string): string {
  const params = new URLSearchParams({ t: teamId, ...(participant ? { p: participant } : {}), k: calendarSignature(config.linkSecret, teamId, bookingId, participant) });
  return `${config.publicUrl}/slack/ics/${bookingId}.ics?${params}`;
}

export function calendarSignature(secret: string, teamId: string, bookingId: string, participant?: string): string {
  return createHmac('sha256', secret).update(`ics:${teamId}:${bookingId}:${participant ?? ''}`).digest('base64url');
}

export function verifyCalendarSignature(secret: string, teamId: string, bookingId: string, participant: string | undefined, signature: string): boolean {
  const expected = Buffer.from(calendarSignature(secret, teamId, bookingId, participant));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
