import { and, asc, eq } from 'drizzle-orm';
import { isUuid } from '../core/ids.js';
import { meetingTypeFieldsSchema, type MeetingTypeFields } from '../core/bookings/schemas.js';
import { meetingTypes } from '../db/schema.js';
import type { Tx } from '../db/tenant.js';
import { InvalidInputError, NotFoundError, sqlState } from './errors.js';
import { parseInput } from './validate.js';

export type MeetingType = typeof meetingTypes.$inferSelect;

export async function listMeetingTypes(tx: Tx, options: { includeInactive?: boolean } = {}): Promise<MeetingType[]> {
  return tx
    .select()
    .from(meetingTypes)
    .where(options.includeInactive ? undefined : eq(meetingTypes.active, true))
    .orderBy(asc(meetingTypes.durationMinutes), asc(meetingTypes.name));
}

export async function getMeetingType(tx: Tx, id: string, options: { activeOnly?: boolean; field?: string } = {}): Promise<MeetingType> {
  if (!isUuid(id)) throw new NotFoundError('meeting_type', id, options.field);
  const [row] = await tx
    .select()
    .from(meetingTypes)
    .where(options.activeOnly ? and(eq(meetingTypes.id, id), eq(meetingTypes.active, true)) : eq(meetingTypes.id, id));
  if (!row) throw new NotFoundError('meeting_type', id, options.field);
  return row;
}

export async function createMeetingType(tx: Tx, teamId: string, input: unknown): Promise<MeetingType> {
  const fields = parseInput(meetingTypeFieldsSchema, input);
  try {
    const [row] = await tx.insert(meetingTypes).values({ ...fields, teamId }).returning();
    return row!;
  } catch (error) {
    throw duplicateName(error, fields.name);
  }
}

export async function updateMeetingType(tx: Tx, id: string, input: unknown): Promise<MeetingType> {
  const current = await getMeetingType(tx, id);
  const fields: MeetingTypeFields = parseInput(meetingTypeFieldsSchema, { ...current, ...(input as object) });
  try {
    const [row] = await tx
      .update(meetingTypes)
      .set({ ...fields, updatedAt: new Date() })
      .where(eq(meetingTypes.id, id))
      .returning();
    return row!;
  } catch (error) {
    throw duplicateName(error, fields.name);
  }
}

export async function deactivateMeetingType(tx: Tx, id: string): Promise<MeetingType> {
  await getMeetingType(tx, id);
  const [row] = await tx.update(meetingTypes).set({ active: false, updatedAt: new Date() }).where(eq(meetingTypes.id, id)).returning();
  return row!;
}

function duplicateName(error: unknown, name: string): unknown {
  return sqlState(error) === '23505' ? new InvalidInputError(`A meeting type named "${name}" already exists`, 'name') : error;
}
