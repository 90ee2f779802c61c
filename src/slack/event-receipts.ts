import type { Middleware, AnyMiddlewareArgs } from '@slack/bolt';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { slackEventReceipts } from '../db/schema.js';
import { withTeam } from '../db/tenant.js';

const KEEP_RECEIPTS = '1 day';

/**
 * Records an Events API delivery; false when it was already taken in (Slack re-sends an event it
 * thinks was not received, possibly to another of our processes). Old receipts are pruned now and then.
 */
export async function claimEventReceipt(db: Database, teamId: string, eventId: string): Promise<boolean> {
  return withTeam(db, teamId, async (tx) => {
    const inserted = await tx.insert(slackEventReceipts).values({ teamId, eventId }).onConflictDoNothing().returning({ eventId: slackEventReceipts.eventId });
    if (Math.random() < 0.01) await tx.execute(sql`delete from slack_event_receipts where received_at < now() - ${KEEP_RECEIPTS}::interval`);
    return inserted.length > 0;
  });
}

/** Bolt global middleware: an event already handled (by this or another process) goes no further. */
export function dedupeEvents(db: Database): Middleware<AnyMiddlewareArgs> {
  return async ({ body, next }) => {
    const envelope = body as { type?: string; event_id?: unknown; team_id?: unknown };
    if (envelope.type === 'event_callback' && typeof envelope.event_id === 'string' && typeof envelope.team_id === 'string') {
      if (!(await claimEventReceipt(db, envelope.team_id, envelope.event_id))) return;
    }
    await next();
  };
}
