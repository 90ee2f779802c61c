import { z } from 'zod';
import { personIdSchema, teamIdSchema } from '../core/bookings/schemas.js';
import { SLACK_ID_MAX_LENGTH, text } from '../core/input.js';

/**
 * The outer shape of the Slack requests this app handles, checked before Bolt sees them: Bolt and
 * the listeners read these fields without asking, so a signed body without them (`{"type":
 * "view_submission"}`, an event that is null) would fail inside Bolt. Only what is read is
 * required; everything else passes through. Kinds not listed here go to Bolt unchecked.
 */

const user = z.looseObject({ id: personIdSchema });
const team = z.looseObject({ id: teamIdSchema }).nullish();
const stateValues = z.record(z.string(), z.record(z.string(), z.looseObject({})));
const view = z.looseObject({
  id: z.string().optional(),
  hash: z.string().optional(),
  callback_id: z.string().optional(),
  private_metadata: z.string().optional(),
  state: z.looseObject({ values: stateValues }).optional(),
});

const slashCommand = z.looseObject({
  command: z.string(),
  team_id: teamIdSchema,
  user_id: personIdSchema,
  channel_id: text().max(SLACK_ID_MAX_LENGTH),
  text: z.string().optional(),
  trigger_id: z.string().optional(),
});

const byType: Record<string, z.ZodType> = {
  event_callback: z.looseObject({ event: z.looseObject({ type: z.string() }), team_id: teamIdSchema.optional(), event_id: z.string().optional() }),
  view_submission: z.looseObject({ user, team, view: view.extend({ state: z.looseObject({ values: stateValues }) }) }),
  view_closed: z.looseObject({ user, team, view }),
  block_actions: z.looseObject({ user, team, actions: z.array(z.looseObject({ action_id: z.string() })), view: view.optional() }),
  block_suggestion: z.looseObject({ user, team, action_id: z.string(), view: view.optional() }),
};

/** Why a parsed body is not a Slack request this app can handle, or null when it is. */
export function envelopeProblem(body: Record<string, unknown>): string | null {
  let schema: z.ZodType | undefined;
  if (typeof body.command === 'string' || (body.type === undefined && 'user_id' in body)) schema = slashCommand;
  else if (typeof body.type === 'string') schema = byType[body.type];
  else return 'The body is not a Slack request: it has neither "type" nor "command"';
  if (!schema) return null;
  const result = schema.safeParse(body);
  if (result.success) return null;
  const issue = result.error.issues[0]!;
  const field = issue.path.map(String).join('.');
  return `The body is not a Slack ${typeof body.type === 'string' ? body.type : 'command'}: ${field ? `${field}: ` : ''}${issue.message}`;
}
