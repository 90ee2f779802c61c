import { Hono } from 'hono';
import type { Config } from './config.js';
import { checkDatabase, type Database } from './db/client.js';
import { createMeetingsApi } from './api/index.js';
import { onApiError, onApiNotFound, requestIdMiddleware } from './api/errors.js';
import { slackRoutes } from './slack/http.js';
import { videoPages } from './video/pages.js';

export interface AppDeps {
  db: Database;
  dbKind: 'pglite' | 'postgres';
  config: Config;
  /** The clock, replaceable in tests. */
  now?: () => Date;
  /** Told when a booking's video room starts or ends (the Slack app updates the meeting message). */
  onRoomEvent?: (event: RoomEvent) => Promise<void>;
}

export interface RoomEvent {
  teamId: string;
  bookingId: string;
  status: 'in-progress' | 'completed';
  startedAt: Date | null;
  endedAt: Date | null;
  durationSeconds: number | null;
}

/** The one HTTP app: health, the meetings API, the web pages (and, on Node, the Slack endpoint). */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.use(requestIdMiddleware());
  app.onError(onApiError);
  app.notFound(onApiNotFound);
  app.get('/healthz', async (c) => {
    const database = await checkDatabase(deps.db);
    return c.json({ status: database.ok ? 'ok' : 'degraded', database: { kind: deps.dbKind, ...database } }, database.ok ? 200 : 503);
  });
  app.route('/api/meetings', createMeetingsApi(deps));
  app.route('/slack', slackRoutes(deps));
  app.route('/', videoPages(deps));
  return app;
}
