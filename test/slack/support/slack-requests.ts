import { createHmac } from 'node:crypto';
import type { Hono } from 'hono';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

export function sign(body: string, timestamp = Math.floor(Date.now() / 1000), secret = SIGNING_SECRET): Record<string, string> {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return { 'x-slack-signature': signature, 'x-slack-request-timestamp': String(timestamp) };
}

/** Posts to /slack/events as Slack does: signed, with the body as Slack encodes it. */
export async function postSigned(
  app: Hono,
  body: string,
  contentType: string,
  options: { timestamp?: number; secret?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  return app.request('/slack/events', {
    method: 'POST',
    headers: { 'content-type': contentType, ...sign(body, options.timestamp, options.secret), ...(options.headers ?? {}) },
    body,
  });
}

export interface CommandFields {
  team_id: string;
  user_id: string;
  channel_id: string;
  text?: string;
  trigger_id?: string;
}

let triggers = 0;

export function commandBody(fields: CommandFields): string {
  return new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: fields.team_id,
    team_domain: 'test',
    channel_id: fields.channel_id,
    channel_name: 'general',
    user_id: fields.user_id,
    user_name: fields.user_id.toLowerCase(),
    command: '/meet',
    text: fields.text ?? '',
    api_app_id: 'A0TEST',
    is_enterprise_install: 'false',
    response_url: 'https://slack.test/commands/response',
    trigger_id: fields.trigger_id ?? `trigger-${++triggers}`,
  }).toString();
}

export function sendCommand(app: Hono, fields: CommandFields, options: { timestamp?: number; secret?: string } = {}): Promise<Response> {
  return postSigned(app, commandBody(fields), 'application/x-www-form-urlencoded', options);
}

/** Interactivity: a form field `payload` holding JSON. */
export function sendInteraction(app: Hono, payload: Record<string, unknown>): Promise<Response> {
  return postSigned(app, new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded');
}

export function sendEvent(app: Hono, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Response> {
  return postSigned(app, JSON.stringify(body), 'application/json', { headers });
}

export type StateValues = Record<string, Record<string, Record<string, unknown>>>;

/**
 * The state Slack would send for a view: every input block's current value (its initial value
 * unless `picks` says otherwise). A pick's key is a block id, or a prefix ending in `*`.
 */
export function stateOf(view: any, picks: Record<string, Record<string, unknown>> = {}): { values: StateValues } {
  const values: StateValues = {};
  for (const block of view.blocks as any[]) {
    if (block.type !== 'input') continue;
    const e = block.element;
    let value: Record<string, unknown>;
    switch (e.type) {
      case 'static_select':
      case 'external_select':
        value = { type: e.type, selected_option: e.initial_option ?? null };
        break;
      case 'multi_users_select':
        value = { type: e.type, selected_users: e.initial_users ?? [] };
        break;
      case 'datepicker':
        value = { type: e.type, selected_date: e.initial_date ?? null };
        break;
      case 'checkboxes':
        value = { type: e.type, selected_options: e.initial_options ?? [] };
        break;
      default:
        value = { type: e.type, value: e.initial_value ?? null };
    }
    const pick = picks[block.block_id] ?? Object.entries(picks).find(([k]) => k.endsWith('*') && block.block_id.startsWith(k.slice(0, -1)))?.[1];
    values[block.block_id] = { [e.action_id]: { ...value, ...(pick ?? {}) } };
  }
  return { values };
}

export function viewPayload(view: any, id: string, hash: string, picks: Record<string, Record<string, unknown>> = {}) {
  return { ...view, id, hash, state: stateOf(view, picks) };
}

/** The Events API's app_home_opened for `user`'s Home tab, as Slack sends it. */
export function homeOpenedEvent(teamId: string, user: string, eventId: string) {
  return {
    type: 'event_callback',
    team_id: teamId,
    api_app_id: 'A0TEST',
    event_id: eventId,
    event_time: 1,
    event: { type: 'app_home_opened', user, channel: 'D0X', tab: 'home', event_ts: '1.1' },
    authorizations: [{ team_id: teamId, user_id: 'UBOT', is_bot: true }],
  };
}

export function userOf(teamId: string, id: string) {
  return { id, username: id.toLowerCase(), name: id.toLowerCase(), team_id: teamId };
}
