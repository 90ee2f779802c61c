import type { Database } from '../../src/db/client.js';
import { withTeam } from '../../src/db/tenant.js';
import { ensureTeam, listMeetingTypes, upsertPerson, type MeetingType } from '../../src/bookings/index.js';

export interface SeededTeam {
  teamId: string;
  types: { m15: MeetingType; m30: MeetingType; m60: MeetingType };
}

/** A team with its default meeting types and the given people (Slack id → IANA zone). */
export async function seedTeam(db: Database, teamId: string, people: Record<string, string>): Promise<SeededTeam> {
  return withTeam(db, teamId, async (tx) => {
    await ensureTeam(tx, teamId, `Team ${teamId}`);
    for (const [id, timeZone] of Object.entries(people)) {
      await upsertPerson(tx, teamId, { slackUserId: id, name: `Person ${id}`, email: `${id.toLowerCase()}@example.com`, timeZone });
    }
    const types = await listMeetingTypes(tx);
    const byDuration = (d: number) => types.find((t) => t.durationMinutes === d)!;
    return { teamId, types: { m15: byDuration(15), m30: byDuration(30), m60: byDuration(60) } };
  });
}
