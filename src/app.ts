import type { Hono } from 'hono';
import type { Config } from './config.js';
import type { Database } from './db/client.js';
import { slackSetupPage } from './pages/slack-setup.js';
import { slackRoutes } from './slack/http.js';
import { createWebApp } from './web-app.js';

export interface AppDeps {
  db: Database;
  dbKind: 'pglite' | 'postgres';
  config: Config;
  /** The clock, replaceable in tests. */
  now?: () => Date;
}

/**
 * The one HTTP app on Node: /healthz, the meetings API at /api/meetings (with /api/openapi.json
 * and /api/docs) and the web pages at / (all from createWebApp, which the Worker serves too),
 * plus the Slack endpoint at /slack and its set-up page at /setup, which need Node.
 */
export function createApp(deps: AppDeps): Hono {
  return createWebApp(deps, {
    slackSetupPath: '/setup',
    beforePages: (app) => {
      app.route('/slack', slackRoutes(deps));
      app.route('/setup', slackSetupPage(deps));
    },
  });
}
