import { z } from 'zod';

/**
 * Limits every boundary applies (the API's schemas, the Slack views, the services), so that
 * nothing the database would refuse ever reaches it and each refusal names its field.
 */

/** Postgres cannot store the NUL character (U+0000) in text or jsonb. */
const NUL_FREE = /^[^\u0000]*$/;
export const NUL_MESSAGE = 'must not contain the NUL character (\\u0000)';

/** A string that refuses NUL: every string taken from outside starts here. */
export function text() {
  return z.string().regex(NUL_FREE, NUL_MESSAGE);
}

/** Slack's ids are about ten characters; this bounds what we look up and store. */
export const SLACK_ID_MAX_LENGTH = 64;

/** Instants taken from outside lie in [EARLIEST_INSTANT, LATEST_INSTANT). */
export const EARLIEST_INSTANT = new Date('2000-01-01T00:00:00Z');
export const LATEST_INSTANT = new Date('2200-01-01T00:00:00Z');
export const INSTANT_RANGE_MESSAGE = `must be from ${EARLIEST_INSTANT.toISOString().replace('.000Z', 'Z')} to before ${LATEST_INSTANT.toISOString().replace('.000Z', 'Z')}`;

export function isInstantInRange(instant: Date): boolean {
  const t = instant.getTime();
  return t >= EARLIEST_INSTANT.getTime() && t < LATEST_INSTANT.getTime();
}

/** Local dates ("YYYY-MM-DD") taken from outside lie in the same years. */
export const EARLIEST_LOCAL_DATE = '2000-01-01';
export const LATEST_LOCAL_DATE = '2199-12-31';
export const LOCAL_DATE_RANGE_MESSAGE = `must be from ${EARLIEST_LOCAL_DATE} to ${LATEST_LOCAL_DATE}`;

/** For a well-formed "YYYY-MM-DD" (its string order is its date order). */
export function isLocalDateInRange(date: string): boolean {
  return date >= EARLIEST_LOCAL_DATE && date <= LATEST_LOCAL_DATE;
}
