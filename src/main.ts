import { existsSync } from 'node:fs';
import { ConfigError, describeMissing, loadConfig, pgliteDir, prepareDataDir } from './config.js';
import { openDatabase } from './db/client.js';
import { DataDirectoryLockedError } from './db/directory-lock.js';
import { CalendarRefresher } from './calendars/refresher.js';
import { calendarsOf } from './calendars/service.js';
import { startWebhookSender } from './webhooks/index.js';

async function main(): Promise<void> {
  const started = performance.now();
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = await loadConfig();
  await prepareDataDir(config);
  // The app's modules load while the database opens: PGlite spends part of its opening reading
  // and compiling its WebAssembly Postgres, time in which this thread is free. The Slack app
  // (Bolt and its dependencies, most of the bundle) loads only when Slack is configured.
  const [{ database, openedMs }, { createApp }, { serve }, { startEvents }, slack] = await Promise.all([
    openDatabase(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: pgliteDir(config) }).then((database) => ({
      database,
      openedMs: Math.round(performance.now() - started),
    })),
    import('./app.js'),
    import('@hono/node-server'),
    import('./events/index.js'),
    config.slack.botToken ? import('./slack/index.js') : undefined,
  ]);
  console.log(
    `Database: ${database.kind === 'pglite' ? `embedded PGlite in ${database.location}` : `Postgres at ${database.location}`}, opened and migrated in ${openedMs} ms`,
  );
  for (const line of describeMissing(config)) console.log(line);

  const deps = { db: database.db, dbKind: database.kind, config };
  const app = createApp(deps);
  // Booking events (from every surface and every process) reach Slack and the other consumers.
  const events = await startEvents(deps, database);
  // People's calendars that are in use are read again before their busy time goes stale.
  const calendarRefresher = new CalendarRefresher(calendarsOf(deps));
  calendarRefresher.start();
  // Webhook deliveries, each endpoint on its own retry schedule, shared by every process.
  const webhooks = await startWebhookSender(deps, database);
  let socketMode: import('./slack/index.js').SlackApp | undefined;
  if (slack && config.slack.appToken) {
    console.log(`Slack: connecting over Socket Mode (SLACK_APP_TOKEN) to ${config.slack.apiUrl}; retries until Slack answers`);
    // Not awaited before serving: the API and pages run even while Slack is unreachable.
    slack.startSocketMode(deps).then(
      (connected) => {
        socketMode = connected;
        console.log('Slack: Socket Mode connected (SLACK_APP_TOKEN); no public URL needed');
      },
      (error) => console.error(`Slack: Socket Mode could not connect: ${error instanceof Error ? error.message : error}`),
    );
  } else if (config.slack.botToken && config.slack.signingSecret) {
    console.log(`Slack: requests at ${config.publicUrl}/slack/events`);
  }
  const server = serve({ fetch: app.fetch, port: config.port }, (info) => {
    console.log(`Listening on http://localhost:${info.port} (public URL ${config.publicUrl}), ready in ${Math.round(performance.now())} ms`);
  });

  const shutdown = async (signal: string) => {
    console.log(`${signal}: shutting down`);
    server.close();
    await events.stop();
    await calendarRefresher.stop();
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
