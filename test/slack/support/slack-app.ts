import type { Hono } from 'hono';
import { createApp } from '../../../src/app.js';
import type { Config } from '../../../src/config.js';
import type { DatabaseHandle } from '../../../src/db/client.js';
import { startEvents, type EventDispatcher } from '../../../src/events/index.js';
import { openTestDatabase, type DatabaseKind } from '../../support/databases.js';
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
  };
}

export interface SlackTestApp {
  app: Hono;
  /** close() stops the event dispatcher before closing the database. */
  handle: DatabaseHandle;
  config: Config;
  clock: { now: Date };
  events: EventDispatcher;
}

/**
 * The whole app as production builds it (createApp with real deps, and the booking-event
 * dispatcher main.ts starts), on a fresh database and a settable clock.
 */
export async function startSlackTestApp(kind: DatabaseKind, now: Date, options: { config?: Config } = {}): Promise<SlackTestApp> {
  const opened = await openTestDatabase(kind);
  const config = options.config ?? testConfig();
  const clock = { now };
  const deps = { db: opened.db, dbKind: opened.kind, config, now: () => clock.now };
  const app = createApp(deps);
  const events = await startEvents(deps, opened, { pollMs: 100 });
  const handle: DatabaseHandle = {
    ...opened,
    close: async () => {
      await events.stop();
      await opened.close();
    },
  };
  return { app, handle, config, clock, events };
}
