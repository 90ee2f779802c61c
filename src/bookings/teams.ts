import { sql } from 'drizzle-orm';
import { meetingTypes, teams } from '../db/schema.js';
import type { Tx } from '../db/tenant.js';

/** What a team starts with: 15, 30 and 60 minute meetings. */
export const DEFAULT_MEETING_TYPES = [
  { name: '15 min chat', durationMinutes: 15, slotIntervalMinutes: 15 },
  { name: '30 min meeting', durationMinutes: 30, slotIntervalMinutes: 30 },
  { name: '60 min meeting', durationMinutes: 60, slotIntervalMinutes: 30 },
] as const;

/** Creates the team with its default meeting types on first use; a no-op afterwards. */
export async function ensureTeam(tx: Tx, teamId: string, name?: string): Promise<void> {
  const created = await tx
    .insert(teams)
    .values({ id: teamId, name: name ?? null })
    .onConflictDoNothing()
    .returning({ id: teams.id });
  if (created.length === 0) {
    if (name) await tx.update(teams).set({ name, updatedAt: sql`now()` }).where(sql`${teams.id} = ${teamId} and ${teams.name} is distinct from ${name}`);
    return;
  }
  await tx.insert(meetingTypes).values(DEFAULT_MEETING_TYPES.map((t) => ({ ...t, teamId })));
}
