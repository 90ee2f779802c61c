import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config.js';

/**
 * Signed links to a meeting's .ics file. Without `participant` it is the shared file (for the
 * channel message), whose description points back to Slack; with one, the file carries that
 * person's own join link, so it is only ever sent to them.
 */
export function calendarUrl(config: Pick<Config, 'publicUrl' | 'linkSecret'>, teamId: string, bookingId: string, participant?: string): string {
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
