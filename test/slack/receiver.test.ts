import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../support/databases.js';
import { FakeSlack } from './support/fake-slack.js';
import { TEAM, startSlackTestApp, type SlackTestApp } from './support/slack-app.js';
import { commandBody, postSigned, sendEvent, sign } from './support/slack-requests.js';

const slack = new FakeSlack({ U0ANA: { tz: 'Europe/London', name: 'Ana Alvarez' } });
beforeAll(() => slack.listen());
afterEach(async () => {
  await slack.settle();
  slack.reset();
});
afterAll(() => slack.close());

describe.each(databaseKinds())('POST /slack/events on %s', (kind) => {
  let t: SlackTestApp;
  beforeAll(async () => {
    t = await startSlackTestApp(kind, new Date('2027-03-01T08:00:00Z'));
  });
  afterAll(() => t?.handle.close());

  const help = () => commandBody({ team_id: TEAM, user_id: 'U0ANA', channel_id: 'C0GENERAL', text: 'help' });

  it('answers a correctly signed command', async () => {
    const response = await postSigned(t.app, help(), 'application/x-www-form-urlencoded');
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.response_type).toBe('ephemeral');
    expect(JSON.stringify(body.blocks)).toContain('/meet availability');
  });

  it('refuses a request signed with another secret', async () => {
    const response = await postSigned(t.app, help(), 'application/x-www-form-urlencoded', { secret: 'not-the-signing-secret' });
    expect(response.status).toBe(401);
  });

  it('refuses a body changed after signing', async () => {
    const body = help();
    const response = await t.app.request('/slack/events', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...sign(body) },
      body: body.replace('text=help', 'text=list'),
    });
    expect(response.status).toBe(401);
  });

  it('refuses a request without signature headers', async () => {
    const response = await t.app.request('/slack/events', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: help() });
    expect(response.status).toBe(401);
  });

  it('refuses a replay: a once valid request whose timestamp is more than five minutes old', async () => {
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;
    const response = await postSigned(t.app, help(), 'application/x-www-form-urlencoded', { timestamp: sixMinutesAgo });
    expect(response.status).toBe(401);
    // Four minutes old is still accepted.
    const recent = await postSigned(t.app, help(), 'application/x-www-form-urlencoded', { timestamp: Math.floor(Date.now() / 1000) - 4 * 60 });
    expect(recent.status).toBe(200);
  });

  it('refuses a timestamp from the future beyond five minutes', async () => {
    const response = await postSigned(t.app, help(), 'application/x-www-form-urlencoded', { timestamp: Math.floor(Date.now() / 1000) + 6 * 60 });
    expect(response.status).toBe(401);
  });

  it('answers url_verification with the challenge', async () => {
    const response = await sendEvent(t.app, { type: 'url_verification', token: 'x', challenge: 'abc123' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ challenge: 'abc123' });
  });

  it('handles an event once when Slack retries it (X-Slack-Retry-Num)', async () => {
    const event = {
      type: 'event_callback',
      team_id: TEAM,
      api_app_id: 'A0TEST',
      event_id: 'Ev0RETRY',
      event_time: 1,
      event: { type: 'app_home_opened', user: 'U0ANA', channel: 'D0ANA', tab: 'home', event_ts: '1.1' },
      authorizations: [{ team_id: TEAM, user_id: 'UBOT', is_bot: true }],
    };
    expect((await sendEvent(t.app, event)).status).toBe(200);
    await slack.waitFor('views.publish');
    const retried = await sendEvent(t.app, event, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    expect(retried.status).toBe(200);
    await slack.settle();
    expect(slack.callsOf('views.publish')).toHaveLength(1);
  });

  it('says Slack is not configured when it is not, and still serves the rest', async () => {
    const { createApp } = await import('../../src/app.js');
    const { testConfig } = await import('./support/slack-app.js');
    const app = createApp({ db: t.handle.db, dbKind: t.handle.kind, config: testConfig({ botToken: undefined, signingSecret: undefined }) });
    const response = await postSigned(app, help(), 'application/x-www-form-urlencoded');
    expect(response.status).toBe(503);
    expect((await app.request('/healthz')).status).toBe(200);
  });
});
