import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/api/keys.js';
import type { DatabaseHandle } from '../../src/db/client.js';
import { listEvents } from '../../src/events/store.js';
import { reminders } from '../../src/db/schema.js';
import { withTeam } from '../../src/db/tenant.js';
import { openTestDatabase, urlOf } from '../support/databases.js';
import { FakeSlack } from '../slack/support/fake-slack.js';
import { BOT_TOKEN, LINK_SECRET } from '../slack/support/slack-app.js';
import { SIGNING_SECRET, sign } from '../slack/support/slack-requests.js';
import { startAppProcess, type AppProcess } from './support.js';

const TEAM = 'T0TWOPROC';

/** Two app processes on one Postgres, as a deployment with two instances runs: requests spread over both. */
describe.runIf(Boolean(process.env.DATABASE_URL))('two app processes on one Postgres', () => {
  const slack = new FakeSlack({ U0ANA: { tz: 'UTC', name: 'Ana Alvarez' }, U0BEN: { tz: 'UTC', name: 'Ben Brown' } });
  let handle: DatabaseHandle;
  let fakeSlack: { url: string; close(): Promise<void> };
  let dataDir: string;
  let apps: AppProcess[] = [];
  let key: string;
  let typeId: string;

  beforeAll(async () => {
    handle = await openTestDatabase('postgres');
    key = (await createApiKey(handle.db, { teamId: TEAM, name: 'two' })).key;
    fakeSlack = await slack.serveHttp();
    dataDir = await mkdtemp(join(tmpdir(), 'meetings-two-'));
    const env = {
      DATABASE_URL: urlOf(handle)!,
      DATA_DIR: dataDir,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fakeSlack.url,
      PUBLIC_URL: 'https://meet.test',
      LINK_SECRET,
    };
    apps = await Promise.all([startAppProcess(env), startAppProcess(env)]);
    for (const person of ['U0ANA', 'U0BEN']) {
      const put = await api(apps[0]!, 'PUT', `/api/meetings/availability/people/${person}`, { name: person, timeZone: 'UTC' });
      expect(put.status).toBe(200);
    }
    typeId = (await api(apps[1]!, 'GET', '/api/meetings/meeting-types')).body.meetingTypes.find((t: any) => t.durationMinutes === 30).id;
  }, 120_000);

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    await fakeSlack?.close();
    await handle?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  async function api(app: AppProcess, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const response = await fetch(`${app.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: response.status, body: await response.json() };
  }

  it('handles an event Slack retries to the other process once', async () => {
    slack.clearCalls();
    const event = JSON.stringify({
      type: 'event_callback',
      team_id: TEAM,
      api_app_id: 'A0TEST',
      event_id: 'Ev0TWOPROC',
      event_time: 1,
      event: { type: 'app_home_opened', user: 'U0ANA', channel: 'D0ANA', tab: 'home', event_ts: '1.1' },
      authorizations: [{ team_id: TEAM, user_id: 'UBOT', is_bot: true }],
    });
    const post = (app: AppProcess, retry?: string) =>
      fetch(`${app.base}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/json', ...sign(event), ...(retry ? { 'x-slack-retry-num': retry } : {}) }, body: event });
    const answers = await Promise.all([post(apps[0]!), post(apps[1]!, '1'), post(apps[1]!, '2')]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    await slack.waitFor('views.publish');
    await slack.settle(400);
    expect(slack.callsOf('views.publish')).toHaveLength(1);
  });

  it('delivers every booking event once: one meeting message, one link and one reminder per person, whichever process took it', async () => {
    slack.clearCalls();
    // Monday to Wednesday of next week, in working hours (the default Monday to Friday, 9 to 5).
    const today = new Date();
    const monday = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 7 + ((8 - today.getUTCDay()) % 7));
    const at = (day: number, hour: number) => new Date(monday + day * 86_400_000 + hour * 3_600_000).toISOString();
    const starts = Array.from({ length: 8 }, (_, i) => at(Math.floor(i / 4), 9 + (i % 4)));
    const created = await Promise.all(starts.map((start, i) => api(apps[i % 2]!, 'POST', '/api/meetings/bookings', { meetingTypeId: typeId, organizerId: 'U0ANA', hostIds: ['U0BEN'], start })));
    expect(created.map((c) => c.status)).toEqual(starts.map(() => 201));
    // Half of them move, each through the process that did not book it.
    const moved = await Promise.all(
      created.slice(0, 4).map((c, i) => api(apps[(i + 1) % 2]!, 'POST', `/api/meetings/bookings/${c.body.booking.id}/reschedule`, { start: at(2, 9 + i) })),
    );
    expect(moved.map((m) => m.status)).toEqual([200, 200, 200, 200]);

    await slack.waitForCount('chat.update', 4, () => true, 30_000);
    await slack.waitForCount('chat.postMessage', 8 * 2 + 4 * 2, (b) => /Booked:|Moved by the API/.test(JSON.stringify(b)), 30_000);
    await slack.settle(500, 30_000);
    const meetingMessages = slack.callsOf('chat.postMessage').filter((c) => c.body.blocks?.some((b: any) => b.block_id === 'meeting_actions'));
    expect(meetingMessages).toHaveLength(8);
    expect(slack.callsOf('chat.postMessage').filter((c) => JSON.stringify(c.body).includes('Booked:'))).toHaveLength(8 * 2);
    expect(slack.callsOf('chat.postMessage').filter((c) => JSON.stringify(c.body).includes('Moved by the API'))).toHaveLength(4 * 2);
    expect(slack.callsOf('chat.update')).toHaveLength(4);
    // One live reminder per person and meeting: whatever was scheduled for an old time was deleted,
    // and nothing was scheduled twice (a booking event handled late schedules for the meeting as it is now).
    const live = await withTeam(handle.db, TEAM, (tx) => tx.select().from(reminders));
    expect(live).toHaveLength(8 * 2);
    expect(live.every((r) => r.scheduledMessageId)).toBe(true);
    expect(slack.callsOf('chat.scheduleMessage').length - slack.callsOf('chat.deleteScheduledMessage').length).toBe(8 * 2);
    const reminderKeys = slack.callsOf('chat.scheduleMessage').map((c) => `${c.body.channel}@${c.body.post_at}`);
    expect(new Set(reminderKeys).size).toBe(reminderKeys.length);

    const { events } = await listEvents(handle.db, TEAM, { limit: 100 });
    expect(events).toHaveLength(12);
    for (const e of events) {
      expect(e.deliveries.map((d) => d.handler).sort()).toEqual(['slack', 'webhooks']);
      expect(e.deliveries.find((d) => d.handler === 'slack')).toEqual(expect.objectContaining({ status: 'delivered', attempts: 1 }));
    }
  }, 90_000);

  it("holds an API key's rate limit across both processes", async () => {
    const limited = (await createApiKey(handle.db, { teamId: TEAM, name: 'limited', rateLimit: 20 })).key;
    const answers = [];
    for (let i = 0; i < 26; i++) {
      const response = await fetch(`${apps[i % 2]!.base}/api/meetings/meeting-types`, { headers: { authorization: `Bearer ${limited}` } });
      answers.push({ status: response.status, limit: response.headers.get('RateLimit'), retryAfter: response.headers.get('Retry-After') });
    }
    expect(answers.filter((a) => a.status === 200)).toHaveLength(20);
    expect(answers.slice(20).map((a) => a.status)).toEqual(Array(6).fill(429));
    expect(answers[19]!.limit).toMatch(/^"per-key";r=0;t=\d+$/);
    expect(Number(answers[25]!.retryAfter)).toBeGreaterThanOrEqual(1);
  });
});
