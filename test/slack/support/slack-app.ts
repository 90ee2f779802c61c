import type { Hono } from 'hono';
import { createApp } from '../../../src/app.js';
import type { Config } from '../../../src/config.js';
import type { DatabaseHandle } from '../../../src/db/client.js';
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
  handle: DatabaseHandle;
  config: Config;
  clock: { now: Date };
}

/** The whole app as production builds it (createApp with real deps), on a fresh database and a settable clock. */
export async function startSlackTestApp(kind: DatabaseKind, now: Date): Promise<SlackTestApp> {
  const handle = await openTestDatabase(kind);
  const config = testConfig();
  const clock = { now };
  const app = createApp({ db: handle.db, dbKind: handle.kind, config, now: () => clock.now });
  return { app, handle, config, clock };
}
