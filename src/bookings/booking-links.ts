import { and, asc, eq, sql } from 'drizzle-orm';
import { isUuid } from '../core/ids.js';
import { bookingLinkFieldsSchema, slugify, type BookingLinkFields } from '../core/bookings/links.js';
import { bookingLinks, type BookingLinkQuestion } from '../db/schema.js';
import type { Tx } from '../db/tenant.js';
import { InvalidInputError, NotFoundError, sqlState } from './errors.js';
import { getMeetingType } from './meeting-types.js';
import { getPeople } from './people.js';
import { parseInput } from './validate.js';

export type BookingLink = typeof bookingLinks.$inferSelect;

/** Creates a link; its hosts must be known people and its meeting type active. `createdBy` is a member id or "api-key:<prefix>". */
export async function createBookingLink(tx: Tx, teamId: string, input: unknown, createdBy: string): Promise<BookingLink> {
  const fields = await checked(tx, parseInput(bookingLinkFieldsSchema, input));
  try {
    const [row] = await tx
      .insert(bookingLinks)
      .values({ ...fields, questions: withIds(fields.questions), teamId, createdBy })
      .returning();
    return row!;
  } catch (error) {
    throw slugTaken(error, fields.slug);
  }
}

/** Changes some fields; those left out keep their value (`active: false` turns the link off). */
export async function updateBookingLink(tx: Tx, id: string, input: Record<string, unknown>): Promise<BookingLink> {
  const current = await getBookingLink(tx, id);
  const fields = parseInput(bookingLinkFieldsSchema, { ...pickFields(current), ...input });
  // Reactivating or changing who and what is booked checks them again; turning a link off never fails on them.
  const changesBooking = ['meetingTypeId', 'hostIds', 'mode'].some((k) => k in input) || (fields.active && !current.active);
  if (changesBooking) await checked(tx, fields);
  try {
    const [row] = await tx
      .update(bookingLinks)
      .set({ ...fields, questions: withIds(fields.questions), updatedAt: new Date() })
      .where(eq(bookingLinks.id, id))
      .returning();
    return row!;
  } catch (error) {
    throw slugTaken(error, fields.slug);
  }
}

export async function setBookingLinkActive(tx: Tx, id: string, active: boolean): Promise<BookingLink> {
  return updateBookingLink(tx, id, { active });
}

export async function getBookingLink(tx: Tx, id: string): Promise<BookingLink> {
  if (!isUuid(id)) throw new NotFoundError('booking_link', id, 'id');
  const [row] = await tx.select().from(bookingLinks).where(eq(bookingLinks.id, id));
  if (!row) throw new NotFoundError('booking_link', id, 'id');
  return row;
}

/** The link at a slug, on or off; undefined when there is none. */
export async function findBookingLinkBySlug(tx: Tx, slug: string): Promise<BookingLink | undefined> {
  const [row] = await tx.select().from(bookingLinks).where(eq(bookingLinks.slug, slug));
  return row;
}

/** The team's links, newest first; only those a person hosts when `hostId` is given. */
export async function listBookingLinks(tx: Tx, options: { hostId?: string; includeInactive?: boolean } = {}): Promise<BookingLink[]> {
  return tx
    .select()
    .from(bookingLinks)
    .where(
      and(
        options.includeInactive ? undefined : eq(bookingLinks.active, true),
        options.hostId ? sql`${bookingLinks.hostIds} @> ${JSON.stringify([options.hostId])}::jsonb` : undefined,
      ),
    )
    .orderBy(asc(bookingLinks.createdAt), asc(bookingLinks.slug));
}

/** A free slug: `base`, else `base-2`, `base-3`… */
export async function freeSlug(tx: Tx, name: string): Promise<string> {
  const base = slugify(name).slice(0, 55).replace(/-+$/, '');
  const taken = new Set(
    (await tx.select({ slug: bookingLinks.slug }).from(bookingLinks).where(sql`${bookingLinks.slug} = ${base} or ${bookingLinks.slug} like ${`${base}-%`}`)).map((r) => r.slug),
  );
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** The link's public address. */
export function bookingLinkUrl(config: { publicUrl: string }, teamId: string, slug: string): string {
  return `${config.publicUrl.replace(/\/+$/, '')}/book/${encodeURIComponent(teamId)}/${slug}`;
}

async function checked(tx: Tx, fields: BookingLinkFields): Promise<BookingLinkFields> {
  await getMeetingType(tx, fields.meetingTypeId, { activeOnly: true, field: 'meetingTypeId' });
  await getPeople(tx, fields.hostIds, 'hostIds');
  return fields;
}

/** Each question keeps its id (answers are stored under it); a new one gets the first free "q<n>". */
function withIds(questions: BookingLinkFields['questions']): BookingLinkQuestion[] {
  const used = new Set(questions.map((q) => q.id).filter(Boolean));
  let n = 1;
  return questions.map((q) => {
    if (q.id) return { id: q.id, label: q.label, required: q.required, multiline: q.multiline };
    while (used.has(`q${n}`)) n++;
    used.add(`q${n}`);
    return { id: `q${n}`, label: q.label, required: q.required, multiline: q.multiline };
  });
}

function pickFields(link: BookingLink): Record<string, unknown> {
  const { slug, meetingTypeId, title, description, mode, hostIds, askNotes, questions, slackChannelId, active } = link;
  return { slug, meetingTypeId, title, description, mode, hostIds, askNotes, questions, slackChannelId, active };
}

function slugTaken(error: unknown, slug: string): unknown {
  return sqlState(error) === '23505' ? new InvalidInputError(`slug: the address "${slug}" is already used by another link of this team`, 'slug') : error;
}
