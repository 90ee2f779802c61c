import type { Slot } from '../core/availability/index.js';
import type { Database } from '../db/client.js';
import type { ExternalReference } from '../core/bookings/schemas.js';
import type { BookingAnswer } from '../db/schema.js';
import { withTeam, type Tx } from '../db/tenant.js';
import { findSlots, type FindSlotsInput } from './availability.js';
import type { BookingLink } from './booking-links.js';
import { getMeetingType } from './meeting-types.js';
import { createBooking, createRoundRobinBooking, type Clock, type CreateBookingResult } from './service.js';

export interface LinkBookingInput {
  start: Date;
  guest: { name: string; email: string; timeZone?: string };
  notes?: string;
  answers: BookingAnswer[];
  /** The ticket the visitor books about, when the page was opened for one. */
  externalReference?: ExternalReference;
  idempotencyKey?: string;
}

/**
 * A visitor books a link: one person, everyone (all must be free), or whoever's turn it is among
 * the free hosts (round robin, chosen under the hosts' locks). The first host organizes unless
 * the turn falls to another; the link's channel hears of it.
 */
export async function bookThroughLink(db: Database, teamId: string, link: BookingLink, input: LinkBookingInput, clock: Clock = {}): Promise<CreateBookingResult> {
  const typeName = link.title ?? (await withTeam(db, teamId, (tx) => getMeetingType(tx, link.meetingTypeId, { activeOnly: true, field: 'meetingTypeId' }))).name;
  const common = {
    meetingTypeId: link.meetingTypeId,
    guests: [input.guest],
    start: input.start,
    title: `${typeName} with ${input.guest.name}`.slice(0, 200),
    notes: input.notes || undefined,
    source: 'web' as const,
    slackChannelId: link.slackChannelId ?? undefined,
    idempotencyKey: input.idempotencyKey,
    bookingLinkId: link.id,
    answers: input.answers,
    externalReference: input.externalReference,
  };
  if (link.mode === 'any') return createRoundRobinBooking(db, teamId, { ...common, candidateIds: link.hostIds }, clock);
  const [organizerId, ...hostIds] = link.hostIds;
  return createBooking(db, teamId, { ...common, organizerId: organizerId!, hostIds }, clock);
}

/**
 * The link's free times in [from, to): every host free, or (round robin) any one of them, with
 * the hosts' calendars' busy time (read before the transaction). Who is free is not said.
 */
export async function linkSlots(
  tx: Tx,
  link: Pick<BookingLink, 'meetingTypeId' | 'hostIds' | 'mode'>,
  from: Date,
  to: Date,
  now: Date,
  external?: FindSlotsInput['external'],
): Promise<Slot[]> {
  const { slots } = await findSlots(tx, { meetingTypeId: link.meetingTypeId, hostIds: link.hostIds, from, to, mode: link.mode === 'any' ? 'any' : 'all', now, external });
  return slots;
}
