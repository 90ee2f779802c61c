import type { WebClient } from '@slack/web-api';
import { ensureTeam, upsertPerson } from '../bookings/index.js';
import { isValidTimeZone } from '../core/availability/index.js';
import type { Database } from '../db/client.js';
import { withTeam } from '../db/tenant.js';
import { SlackApiProblem, slackErrorCode } from './slack-errors.js';

export interface SlackPerson {
  id: string;
  name: string;
  timeZone: string;
  email: string | null;
  avatarUrl: string | null;
  isBot: boolean;
  deleted: boolean;
  /** A workspace admin or owner (who may manage the team's webhooks). */
  isAdmin: boolean;
}

const FRESH_MS = 10 * 60_000;

/**
 * People as Slack knows them (users.info: name, email, time zone), recorded in our users table as
 * they are seen. A person is looked up again after ten minutes, so a changed time zone arrives.
 */
export class PeopleDirectory {
  private readonly seen = new Map<string, { person: SlackPerson; at: number }>();
  private readonly teams = new Set<string>();

  constructor(private readonly db: Database) {}

  async ensureTeam(teamId: string, name?: string): Promise<void> {
    if (this.teams.has(teamId)) return;
    await withTeam(this.db, teamId, (tx) => ensureTeam(tx, teamId, name));
    this.teams.add(teamId);
  }

  /** Each id's person, in the order given; Slack is asked only about the ones not seen lately. */
  async see(client: WebClient, teamId: string, ids: readonly string[]): Promise<SlackPerson[]> {
    await this.ensureTeam(teamId);
    const unique = [...new Set(ids)];
    const stale = unique.filter((id) => {
      const hit = this.seen.get(`${teamId}:${id}`);
      return !hit || Date.now() - hit.at > FRESH_MS;
    });
    if (stale.length) {
      const fetched = await Promise.all(stale.map((id) => lookUp(client, id)));
      const humans = fetched.filter((p) => !p.isBot && !p.deleted);
      if (humans.length) {
        await withTeam(this.db, teamId, async (tx) => {
          for (const p of humans) await upsertPerson(tx, teamId, { slackUserId: p.id, name: p.name, email: p.email, timeZone: p.timeZone, avatarUrl: p.avatarUrl });
        });
      }
      for (const p of fetched) this.seen.set(`${teamId}:${p.id}`, { person: p, at: Date.now() });
    }
    return unique.map((id) => this.seen.get(`${teamId}:${id}`)!.person);
  }

  async one(client: WebClient, teamId: string, id: string): Promise<SlackPerson> {
    return (await this.see(client, teamId, [id]))[0]!;
  }
}

async function lookUp(client: WebClient, id: string): Promise<SlackPerson> {
  try {
    const result = await client.users.info({ user: id });
    const user = result.user as Record<string, any>;
    const tz = typeof user.tz === 'string' && isValidTimeZone(user.tz) ? user.tz : 'UTC';
    const email = typeof user.profile?.email === 'string' && user.profile.email.includes('@') ? user.profile.email : null;
    const image = user.profile?.image_72;
    const avatarUrl = typeof image === 'string' && image.startsWith('https://') && image.length <= 1000 ? image : null;
    return {
      id,
      avatarUrl,
      name: user.real_name || user.profile?.real_name || user.profile?.display_name || user.name || id,
      timeZone: tz,
      email,
      isBot: Boolean(user.is_bot) || id === 'USLACKBOT',
      deleted: Boolean(user.deleted),
      isAdmin: Boolean(user.is_admin || user.is_owner || user.is_primary_owner),
    };
  } catch (error) {
    const code = slackErrorCode(error);
    if (code === 'user_not_found') return { id, name: id, timeZone: 'UTC', email: null, avatarUrl: null, isBot: false, deleted: true, isAdmin: false };
    throw new SlackApiProblem(`Could not look up <@${id}> in Slack (${code ?? 'no answer'}).`, error);
  }
}
