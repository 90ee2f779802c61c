import type { WebhookDeliveryView } from '../../webhooks/deliveries.js';
import type { WebhookEndpoint } from '../../webhooks/endpoints.js';
import { LIMITS, clip, escapeMrkdwn, mrkdwn, plain } from './limits.js';
import { slackDate } from './format.js';

export const WebhookActions = {
  add: 'webhook_add',
  /** Each endpoint's menu: send test, disable, enable (the value says which, and of which endpoint). */
  menu: 'webhook_menu',
} as const;
export type WebhookMenuChoice = 'test' | 'disable' | 'enable';
export const WEBHOOK_FORM_CALLBACK = 'webhook_form';
export const WEBHOOK_EVENT_LABELS: Record<string, string> = {
  'booking.created': 'Booked',
  'booking.rescheduled': 'Moved',
  'booking.cancelled': 'Cancelled',
  'meeting.started': 'Call started',
  'meeting.ended': 'Call ended',
};
/** Endpoints listed on the App Home: all of a team's (at most 20), one block each. */
const SHOWN = 20;

/** A URL as a Slack link's text: it must not close or split the link. */
function shownUrl(url: string): string {
  return escapeMrkdwn(clip(url, 120));
}

function lastLine(last: WebhookDeliveryView | undefined): string {
  if (!last) return 'Nothing sent yet.';
  const when = slackDate(last.createdAt, '{date_short_pretty} {time}');
  if (last.status === 'delivered') return `Last: ${last.eventType} ${when}, delivered (HTTP ${last.lastStatusCode}).`;
  if (last.status === 'pending') return `Last: ${last.eventType} ${when}, retrying (${escapeMrkdwn(clip(last.lastError ?? 'waiting', 200))}).`;
  return `Last: ${last.eventType} ${when}, failed: ${escapeMrkdwn(clip(last.lastError ?? 'unknown error', 200))}.`;
}

/** The App Home's webhooks section (workspace admins only): each endpoint, its state, and test/disable/enable. */
export function webhookHomeBlocks(endpoints: WebhookEndpoint[], last: Map<string, WebhookDeliveryView>): any[] {
  const blocks: any[] = [
    { type: 'divider', block_id: 'd_webhooks' },
    { type: 'header', block_id: 'h_webhooks', text: plain('Webhooks', LIMITS.headerText) },
    {
      type: 'context',
      block_id: 'webhooks_about',
      elements: [mrkdwn('Booking changes are POSTed to these URLs, signed per Standard Webhooks, and retried for about a day. Only workspace admins see this; the API manages them too (`/api/meetings/webhooks`).')],
    },
  ];
  if (endpoints.length === 0) blocks.push({ type: 'section', block_id: 'webhooks_none', text: mrkdwn('No endpoints yet.') });
  for (const e of endpoints.slice(0, SHOWN)) {
    const state = e.status === 'enabled' ? (e.failingSince ? ':warning: failing' : ':large_green_circle: enabled') : ':red_circle: disabled';
    const lines = [
      `*${shownUrl(e.url)}* ${state}`,
      e.description ? escapeMrkdwn(clip(e.description, 200)) : '',
      `Events: ${e.eventTypes.map((k) => WEBHOOK_EVENT_LABELS[k] ?? k).join(', ')}`,
      e.status === 'disabled' && e.disabledReason ? `Disabled: ${escapeMrkdwn(clip(e.disabledReason, 300))}` : lastLine(last.get(e.id)),
    ].filter(Boolean);
    const choices: [string, WebhookMenuChoice][] = [['Send test message', 'test'], e.status === 'enabled' ? ['Disable', 'disable'] : ['Enable', 'enable']];
    blocks.push({
      type: 'section',
      block_id: `webhook_${e.id}`,
      text: mrkdwn(lines.join('\n')),
      accessory: {
        type: 'overflow',
        action_id: WebhookActions.menu,
        options: choices.map(([label, choice]) => ({ text: plain(label, LIMITS.optionText), value: `${choice}:${e.id}` })),
      },
    });
  }
  blocks.push({
    type: 'actions',
    block_id: 'webhook_add_actions',
    elements: [{ type: 'button', action_id: WebhookActions.add, text: plain('Add webhook endpoint', LIMITS.buttonText) }],
  });
  return blocks;
}

/** The modal to add an endpoint: its URL, what it is for, the events it receives. */
export function webhookFormModal() {
  return {
    type: 'modal' as const,
    callback_id: WEBHOOK_FORM_CALLBACK,
    title: plain('Add webhook', LIMITS.modalTitle),
    submit: plain('Add', LIMITS.modalButton),
    close: plain('Cancel', LIMITS.modalButton),
    blocks: [
      {
        type: 'input',
        block_id: 'url',
        label: plain('Endpoint URL', LIMITS.inputLabel),
        element: { type: 'url_text_input', action_id: 'url', placeholder: plain('https://help.example.com/hooks/meetings', LIMITS.placeholder) },
        hint: plain('Booking changes are POSTed here as JSON. Use HTTPS.', 2000),
      },
      {
        type: 'input',
        block_id: 'description',
        optional: true,
        label: plain('What it is for', LIMITS.inputLabel),
        element: { type: 'plain_text_input', action_id: 'description', max_length: 200, placeholder: plain('Helpdesk: update the ticket', LIMITS.placeholder) },
      },
      {
        type: 'input',
        block_id: 'events',
        label: plain('Events', LIMITS.inputLabel),
        element: {
          type: 'checkboxes',
          action_id: 'events',
          options: Object.entries(WEBHOOK_EVENT_LABELS).map(([value, label]) => ({ text: plain(`${label} (${value})`, LIMITS.optionText), value })),
          initial_options: Object.entries(WEBHOOK_EVENT_LABELS).map(([value, label]) => ({ text: plain(`${label} (${value})`, LIMITS.optionText), value })),
        },
      },
    ],
  };
}

/** Shown once, after adding: the signing secret and how to check a signature. */
export function webhookCreatedModal(endpoint: WebhookEndpoint, secret: string) {
  return {
    type: 'modal' as const,
    title: plain('Webhook added', LIMITS.modalTitle),
    close: plain('Done', LIMITS.modalButton),
    blocks: [
      { type: 'section', block_id: 'added', text: mrkdwn(`*${shownUrl(endpoint.url)}* will receive ${endpoint.eventTypes.join(', ')}.`) },
      { type: 'section', block_id: 'secret', text: mrkdwn(`Signing secret (shown only now; copy it to the receiving side):\n\`\`\`${secret}\`\`\``) },
      {
        type: 'context',
        block_id: 'verify',
        elements: [mrkdwn('Check each request with a Standard Webhooks library (the `webhook-id`, `webhook-timestamp` and `webhook-signature` headers). Use *Send test* to try it.')],
      },
    ],
  };
}

/** The direct message to an endpoint's owner when it was disabled for failing. */
export function endpointDisabledMessage(endpoint: WebhookEndpoint) {
  const text = `:red_circle: Webhook endpoint ${shownUrl(endpoint.url)} was disabled: ${escapeMrkdwn(clip(endpoint.disabledReason ?? 'it kept failing', 1500))}`;
  return {
    text: clip(text, 3000),
    blocks: [
      { type: 'section', block_id: 'disabled', text: mrkdwn(text) },
      {
        type: 'context',
        block_id: 'disabled_help',
        elements: [mrkdwn('It receives nothing until it is enabled again (the app\'s Home tab → Webhooks → Enable, or the API). Messages it missed can be sent again from the API\'s delivery log.')],
      },
    ],
  };
}

/** What a test message got back, for the person who clicked "Send test". */
export function testResultText(url: string, attempt: { succeeded: boolean; statusCode: number | null; durationMs: number; error: string | null }): string {
  return attempt.succeeded
    ? `:white_check_mark: ${shownUrl(url)} answered HTTP ${attempt.statusCode} in ${attempt.durationMs} ms to a signed test message.`
    : `:x: The test message to ${shownUrl(url)} failed: ${escapeMrkdwn(clip(attempt.error ?? `HTTP ${attempt.statusCode}`, 500))}`;
}
