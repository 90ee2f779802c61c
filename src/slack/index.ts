import { App, LogLevel, SocketModeReceiver, type Receiver } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { webClientOptions } from './web-client.js';

export { webClientOptions } from './web-client.js';
import type { AppDeps } from '../app.js';
import { slackContext, type SlackContext } from './context.js';
import { dedupeEvents } from './event-receipts.js';
import { registerListeners } from './listeners/index.js';
import { HonoReceiver } from './receiver.js';

export interface SlackApp {
  bolt: App;
  ctx: SlackContext;
}

/** The Bolt app with our listeners, on the given receiver (HTTP on our Hono app, or Socket Mode). */
export function createSlackApp(deps: AppDeps, receiver: Receiver): SlackApp {
  const botToken = deps.config.slack.botToken;
  if (!botToken) throw new Error('Slack: SLACK_BOT_TOKEN is not set');
  const clientOptions = webClientOptions(deps);
  const bolt = new App({
    receiver,
    // One workspace's bot token; the team of each request comes from the request itself.
    authorize: async () => ({ botToken }),
    // The app listens to no messages, so it needs no bot user id (and no auth.test round trip).
    ignoreSelf: false,
    clientOptions,
    logLevel: LogLevel.WARN,
  });
  const ctx = slackContext(deps, new WebClient(botToken, clientOptions));
  // Slack's retries of an event are recognised in the database, so several processes handle it once.
  bolt.use(dedupeEvents(deps.db));
  registerListeners(bolt, ctx);
  bolt.error(async (error) => {
    ctx.log.error('Slack: a listener failed', error);
  });
  return { bolt, ctx };
}

/** The HTTP receiver mounted at POST /slack/events. */
export function createHttpSlackApp(deps: AppDeps): (SlackApp & { receiver: HonoReceiver }) | undefined {
  const { botToken, signingSecret } = deps.config.slack;
  if (!botToken || !signingSecret) return undefined;
  const receiver = new HonoReceiver({ signingSecret, logger: console });
  return { ...createSlackApp(deps, receiver), receiver };
}

/** Socket Mode (SLACK_APP_TOKEN): Slack's requests arrive over a websocket the app opens; no public URL needed. */
export async function startSocketMode(deps: AppDeps): Promise<SlackApp> {
  const { appToken } = deps.config.slack;
  if (!appToken) throw new Error('Slack: SLACK_APP_TOKEN is not set');
  const receiver = new SocketModeReceiver({ appToken, installerOptions: { clientOptions: { slackApiUrl: deps.config.slack.apiUrl } }, logLevel: LogLevel.WARN });
  const app = createSlackApp(deps, receiver);
  await app.bolt.start();
  return app;
}

