import { existsSync } from 'node:fs';
import { serve } from '@hono/node-server';
import { createApp } from './app.js';
import { ConfigError, describeMissing, loadConfig, pgliteDir, prepareDataDir } from './config.js';
import { openDatabase } from './db/client.js';
import { DataDirectoryLockedError } from './db/directory-lock.js';
import { startEvents } from './events/index.js';
import { startSocketMode, type SlackApp } from './slack/index.js';
import { startWebhookSender } from './webhooks/index.js';

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = await loadConfig();
  await prepareDataDir(config);
  const started = performance.now();
  const database = await openDatabase(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: pgliteDir(config) });
  console.log(
    `Database: ${database.kind === 'pglite' ? `embedded PGlite in ${database.location}` : `Postgres at ${database.location}`}, migrated in ${Math.round(performance.now() - started)} ms`,
  );
  for (const line of describeMissing(config)) console.log(line);

  const deps = { db: database.db, dbKind: database.kind, config };
  const app = createApp(deps);
  // Booking events (from every surface and every process) reach Slack and the other consumers.
  const events = await startEvents(deps, database);
  // Webhook deliveries, each endpoint on its own retry schedule, shared by every process.
  const webhooks = await startWebhookSender(deps, database);
  let socketMode: SlackApp | undefined;
  if (config.slack.appToken && config.slack.botToken) {
    console.log(`Slack: connecting over Socket Mode (SLACK_APP_TOKEN) to ${config.slack.apiUrl}; retries until Slack answers`);
    // Not awaited before serving: the API and pages run even while Slack is unreachable.
    startSocketMode(deps).then(
      (slack) => {
        socketMode = slack;
        console.log('Slack: Socket Mode connected (SLACK_APP_TOKEN); no public URL needed');
      },
      (error) => console.error(`Slack: Socket Mode could not connect: ${error instanceof Error ? error.message : error}`),
    );
  } else if (config.slack.botToken && config.slack.signingSecret) {
    console.log(`Slack: requests at ${config.publicUrl}/slack/events`);
  }
  const server = serve({ fetch: app.fetch, port: config.port }, (info) => {
    console.log(`Listening on http://localhost:${info.port} (public URL ${config.publicUrl})`);
  });

  const shutdown = async (signal: string) => {
    console.log(`${signal}: shutting down`);
    server.close();
    await events.stop();
    await webhooks.stop();
    await socketMode?.bolt.stop();
    await database.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error) => {
  console.error(error instanceof ConfigError || error instanceof DataDirectoryLockedError ? error.message : error);
  process.exit(1);
});
