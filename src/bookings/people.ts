import { inArray, sql } from 'drizzle-orm';
import { defaultSchedule, hostScheduleSchema, timeZoneSchema, type DateOverride, type HostSchedule, type WeeklyRule } from '../core/availability/index.js';
import { personIdSchema } from '../core/bookings/schemas.js';
import { text } from '../core/input.js';
import { availabilitySchedules, users } from '../db/schema.js';
import type { Tx } from '../db/tenant.js';
import { NotFoundError } from './errors.js';
import { parseInput } from './validate.js';
import { z } from 'zod';

export type Person = typeof users.$inferSelect;

const personSchema = z.object({
  slackUserId: personIdSchema,
  name: text().trim().min(1).max(200),
  email: z.email().max(320).nullish(),
  timeZone: timeZoneSchema,
  /** Left as it is when absent. */
  avatarUrl: text().max(1000).regex(/^https:\/\//, 'must be an https URL').nullish(),
});

/** Records a Slack member as last seen (users.info, or the API registering one). */
export async function upsertPerson(tx: Tx, teamId: string, input: z.input<typeof personSchema>): Promise<Person> {
  const person = parseInput(personSchema, input);
  const [row] = await tx
    .insert(users)
    .values({ teamId, slackUserId: person.slackUserId, name: person.name, email: person.email ?? null, timeZone: person.timeZone, avatarUrl: person.avatarUrl ?? null })
    .onConflictDoUpdate({
      target: [users.teamId, users.slackUserId],
      set: {
        name: person.name,
        email: person.email ?? null,
        timeZone: person.timeZone,
        ...(person.avatarUrl !== undefined ? { avatarUrl: person.avatarUrl } : {}),
        updatedAt: sql`now()`,
      },
    })
    .returning();
  return row!;
}

/** The people of `ids` who are known (no error for the others). */
export async function findPeople(tx: Tx, ids: readonly string[]): Promise<Map<string, Person>> {
  const unique = [...new Set(ids)];
  const rows = unique.length ? await tx.select().from(users).where(inArray(users.slackUserId, unique)) : [];
  return new Map(rows.map((r) => [r.slackUserId, r]));
}

export async function getPeople(tx: Tx, ids: readonly string[], field = 'hostIds'): Promise<Map<string, Person>> {
  const unique = [...new Set(ids)];
  const found = await findPeople(tx, unique);
  const missing = unique.find((id) => !found.has(id));
  if (missing) throw new NotFoundError('person', missing, field);
  return found;
}

export async function getPerson(tx: Tx, id: string, field = 'personId'): Promise<Person> {
  return (await getPeople(tx, [id], field)).get(id)!;
}

export type StoredSchedule = typeof availabilitySchedules.$inferSelect;

/** The schedules these people saved (people who never set hours have none). */
export async function loadStoredSchedules(tx: Tx, ids: readonly string[]): Promise<Map<string, StoredSchedule>> {
  const unique = [...new Set(ids)];
  const rows = unique.length ? await tx.select().from(availabilitySchedules).where(inArray(availabilitySchedules.slackUserId, unique)) : [];
  return new Map(rows.map((r) => [r.slackUserId, r]));
}

/** Each person's schedule; someone who never set hours works Monday to Friday, 9 to 5, in their own zone. */
export async function getSchedules(tx: Tx, people: Map<string, Person>): Promise<Map<string, HostSchedule & { isDefault: boolean }>> {
  return schedulesOf(people, await loadStoredSchedules(tx, [...people.keys()]));
}

export function schedulesOf(people: Map<string, Person>, stored: Map<string, StoredSchedule>): Map<string, HostSchedule & { isDefault: boolean }> {
  const schedules = new Map<string, HostSchedule & { isDefault: boolean }>();
  for (const [id, person] of people) schedules.set(id, scheduleOf(id, person.timeZone, stored.get(id)));
  return schedules;
}

/** A person's saved schedule, or the default one in their zone. */
export function scheduleOf(id: string, personZone: string, row: StoredSchedule | undefined): HostSchedule & { isDefault: boolean } {
  return row
    ? { hostId: id, timeZone: row.timeZone, rules: row.weeklyRules, overrides: row.dateOverrides, dailyLimit: row.dailyLimit, isDefault: false }
    : { ...defaultSchedule(id, personZone), dailyLimit: null, isDefault: true };
}

export async function getSchedule(tx: Tx, id: string): Promise<HostSchedule & { isDefault: boolean }> {
  const schedules = await getSchedules(tx, await getPeople(tx, [id], 'personId'));
  return schedules.get(id)!;
}

export interface ScheduleInput {
  timeZone: string;
  rules: WeeklyRule[];
  overrides: DateOverride[];
  /** The person's own limit of meetings a day: a number, null for none, absent to keep the current one. */
  dailyLimit?: number | null;
}

/** Replaces a person's weekly hours, time zone, date overrides (and, when given, their daily limit) in one write. */
export async function replaceSchedule(tx: Tx, teamId: string, id: string, input: ScheduleInput): Promise<HostSchedule & { dailyLimit: number | null }> {
  const current = await getSchedule(tx, id);
  const schedule = parseInput(hostScheduleSchema, { hostId: id, ...input }) as HostSchedule;
  const overrides = [...schedule.overrides].sort((a, b) => a.date.localeCompare(b.date));
  const dailyLimit = schedule.dailyLimit === undefined ? (current.dailyLimit ?? null) : schedule.dailyLimit;
  await tx
    .insert(availabilitySchedules)
    .values({ teamId, slackUserId: id, timeZone: schedule.timeZone, weeklyRules: schedule.rules, dateOverrides: overrides, dailyLimit })
    .onConflictDoUpdate({
      target: [availabilitySchedules.teamId, availabilitySchedules.slackUserId],
      set: { timeZone: schedule.timeZone, weeklyRules: schedule.rules, dateOverrides: overrides, dailyLimit, updatedAt: sql`now()` },
    });
  return { ...schedule, overrides, dailyLimit };
}

