import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listEndpoints } from '../../src/webhooks/endpoints.js';
import { limitViolations } from '../../src/slack/blocks/limits.js';
import { WebhookReceiver } from '../webhooks/support/receiver.js';
import { databaseKinds } from '../support/databases.js';
import { FakeSlack } from './support/fake-slack.js';
import { TEAM, startSlackTestApp, type SlackTestApp } from './support/slack-app.js';
import { sendEvent, sendInteraction, userOf, viewPayload } from './support/slack-requests.js';

const NOW = new Date('2027-03-01T08:00:00Z');
const slack = new FakeSlack({
  U0ADM: { tz: 'Europe/London', name: 'Ada Admin', admin: true },
  U0MEM: { tz: 'Europe/London', name: 'Mo Member' },
});
beforeAll(() => slack.listen());
afterEach(async () => {
  await slack.settle();
  slack.reset();
});
afterAll(() => slack.close());

let eventN = 0;
const openHome = (t: SlackTestApp, user: string) =>
  sendEvent(t.app, {
    type: 'event_callback',
    team_id: TEAM,
    api_app_id: 'A0TEST',
    event_id: `Ev${++eventN}${user}`,
    event_time: 1,
    event: { type: 'app_home_opened', user, channel: 'D0X', tab: 'home', event_ts: '1.1' },
    authorizations: [{ team_id: TEAM, user_id: 'UBOT', is_bot: true }],
  });

const clickMenu = (t: SlackTestApp, user: string, value: string) =>
  sendInteraction(t.app, {
    type: 'block_actions',
    team: { id: TEAM },
    user: userOf(TEAM, user),
    trigger_id: 'trigger-menu',
    view: { id: 'VHOME', type: 'home' },
    actions: [{ type: 'overflow', action_id: 'webhook_menu', block_id: 'webhook_x', selected_option: { text: { type: 'plain_text', text: 'x' }, value } }],
  });

describe.each(databaseKinds())('webhooks on the App Home on %s', (kind) => {
  let t: SlackTestApp;
  const receiver = new WebhookReceiver();
  beforeAll(async () => {
    t = await startSlackTestApp(kind, NOW);
    await receiver.start();
  });
  afterAll(async () => {
    await receiver.close();
    await t?.handle.close();
  });

  it('shows webhooks to workspace admins only; an admin adds one through the form, sees the secret once, tests and disables it', async () => {
    await openHome(t, 'U0MEM');
    const memberHome = (await slack.waitFor('views.publish', (b) => b.user_id === 'U0MEM')).body.view;
    expect(memberHome.blocks.some((b: any) => b.block_id === 'h_webhooks')).toBe(false);

    await openHome(t, 'U0ADM');
    const adminHome = (await slack.waitFor('views.publish', (b) => b.user_id === 'U0ADM')).body.view;
    expect(adminHome.blocks.map((b: any) => b.block_id)).toEqual(expect.arrayContaining(['h_webhooks', 'webhooks_none', 'webhook_add_actions']));
    expect(limitViolations(adminHome, 'home')).toEqual([]);

    await sendInteraction(t.app, {
      type: 'block_actions',
      team: { id: TEAM },
      user: userOf(TEAM, 'U0ADM'),
      trigger_id: 'trigger-add',
      view: { id: 'VHOME', type: 'home' },
      actions: [{ type: 'button', action_id: 'webhook_add', block_id: 'webhook_add_actions' }],
    });
    const form = (await slack.waitFor('views.open')).body.view;
    expect(form.callback_id).toBe('webhook_form');
    expect(limitViolations(form, 'modal')).toEqual([]);

    const submit = (picks: Record<string, Record<string, unknown>>) =>
      sendInteraction(t.app, { type: 'view_submission', team: { id: TEAM }, user: userOf(TEAM, 'U0ADM'), view: viewPayload(form, 'VFORM', 'h1', picks) });
    const wrong = await (await submit({ url: { value: 'javascript:alert(1)' }, events: { selected_options: [] } })).json();
    expect(wrong.response_action).toBe('errors');
    expect(Object.keys(wrong.errors).sort()).toEqual(['events', 'url']);
    expect(wrong.errors.url).toMatch(/http or https/);
    expect(await listEndpoints(t.handle.db, TEAM)).toEqual([]);

    const added = await (await submit({ url: { value: receiver.url }, description: { value: 'Helpdesk' } })).json();
    expect(added.response_action).toBe('update');
    expect(limitViolations(added.view, 'modal')).toEqual([]);
    const secret = /whsec_[A-Za-z0-9+/=]+/.exec(JSON.stringify(added.view))?.[0];
    expect(secret).toBeDefined();
    receiver.secret = secret!;
    const [endpoint] = await listEndpoints(t.handle.db, TEAM);
    expect(endpoint).toMatchObject({ url: receiver.url, description: 'Helpdesk', createdBy: { kind: 'slack', id: 'U0ADM' }, notifySlackUserId: 'U0ADM', status: 'enabled' });
    expect(endpoint!.eventTypes).toHaveLength(5);
    const redrawn = (await slack.waitFor('views.publish', (b) => b.user_id === 'U0ADM' && b.view.blocks.some((x: any) => x.block_id === `webhook_${endpoint!.id}`))).body.view;
    expect(limitViolations(redrawn, 'home')).toEqual([]);
    expect(JSON.stringify(redrawn)).not.toContain(secret!);
    const menu = redrawn.blocks.find((b: any) => b.block_id === `webhook_${endpoint!.id}`).accessory;
    expect(menu.options.map((o: any) => o.value)).toEqual([`test:${endpoint!.id}`, `disable:${endpoint!.id}`]);

    // A member who is not an admin cannot use the menu, even by sending the action directly.
    await clickMenu(t, 'U0MEM', `disable:${endpoint!.id}`);
    await slack.waitFor('chat.postMessage', (b) => b.channel === 'U0MEM' && /Only workspace admins/.test(b.text));
    expect((await listEndpoints(t.handle.db, TEAM))[0]!.status).toBe('enabled');

    slack.clearCalls();
    await clickMenu(t, 'U0ADM', `test:${endpoint!.id}`);
    const told = await slack.waitFor('chat.postMessage', (b) => b.channel === 'U0ADM' && /test message/.test(b.text));
    expect(told.body.text).toMatch(/answered HTTP 200/);
    expect(receiver.of('webhook.test')).toEqual([expect.objectContaining({ verified: true })]);

    slack.clearCalls();
    await clickMenu(t, 'U0ADM', `disable:${endpoint!.id}`);
    await slack.waitFor('views.publish', (b) => b.user_id === 'U0ADM' && JSON.stringify(b.view).includes(`enable:${endpoint!.id}`));
    expect((await listEndpoints(t.handle.db, TEAM))[0]).toMatchObject({ status: 'disabled', disabledReason: 'Disabled by hand' });
    slack.clearCalls();
    await clickMenu(t, 'U0ADM', `enable:${endpoint!.id}`);
    await slack.waitFor('views.publish', (b) => b.user_id === 'U0ADM' && JSON.stringify(b.view).includes(`disable:${endpoint!.id}`));
    expect((await listEndpoints(t.handle.db, TEAM))[0]!.status).toBe('enabled');
  });
});
