import { sql } from 'drizzle-orm';
import type { Hono } from 'hono';
import { createApp } from '../../../src/app.js';
import type { Config } from '../../../src/config.js';
import type { DatabaseHandle } from '../../../src/db/client.js';
import { startEvents, type EventDispatcher } from '../../../src/events/index.js';
import { startWebhookSender, type WebhookSender, type WebhookSenderOptions } from '../../../src/webhooks/index.js';
import { openTestDatabase, type DatabaseKind } from '../../support/databases.js';
import { rawRows } from '../../support/sql.js';
import { SLACK_API } from './fake-slack.js';
import { SIGNING_SECRET } from './slack-requests.js';

export const TEAM = 'T0TEST';
export const BOT_TOKEN = 'xoxb-test-token';
export const LINK_SECRET = 'link-secret-for-tests-0123456789abcdef';

export function testConfig(overrides: Partial<Config['slack']> = {}): Config {
  return {
    port: 0,
    publicUrl: 'https://meet.test',
    dataDir: '/tmp/meetings-slack-tests',
    linkSecret: LINK_SECRET,
    slack: { botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, apiUrl: SLACK_API, ...overrides },
    twilio: { apiUrl: 'https://video.twilio.test' },
    email: {},
  };
}

export interface SlackTestApp {
  app: Hono;
  /** close() stops the event dispatcher before closing the database. */
  handle: DatabaseHandle;
  config: Config;
  clock: { now: Date };
  events: EventDispatcher;
  webhooks: WebhookSender;
}

/**
 * The whole app as production builds it (createApp with real deps, and the booking-event
 * dispatcher and webhook sender main.ts starts), on a fresh database and a settable clock.
 */
export async function startSlackTestApp(kind: DatabaseKind, now: Date, options: { config?: Config; webhooks?: WebhookSenderOptions } = {}): Promise<SlackTestApp> {
  const opened = await openTestDatabase(kind);
  const config = options.config ?? testConfig();
  const clock = { now };
  const deps = { db: opened.db, dbKind: opened.kind, config, now: () => clock.now };
  const app = createApp(deps);
  const events = await startEvents(deps, opened, { pollMs: 100, jobPollMs: 100 });
  const webhooks = await startWebhookSender(deps, opened, { pollMs: 100, ...options.webhooks });
  const handle: DatabaseHandle = {
    ...opened,
    close: async () => {
      await events.stop();
      await webhooks.stop();
      await opened.close();
    },
  };
  return { app, handle, config, clock, events, webhooks };
}

/**
 * Waits until every booking event so far has been handled (nothing waiting to be fanned out,
 * no delivery due or in hand; retries waiting out their backoff do not count): what the app does
 * after answering Slack is then done.
 */
export async function eventsSettled(t: SlackTestApp, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [row] = await rawRows<{ busy: boolean }>(
      t.handle.db,
      sql`select exists (select 1 from booking_events where fanned_out_at is null)
             or exists (select 1 from event_deliveries where status = 'pending' and next_attempt_at <= now()) as busy`,
    );
    if (!row?.busy) return;
    if (Date.now() > deadline) throw new Error(`booking events still pending after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
