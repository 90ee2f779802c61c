import type { Context, Hono } from 'hono';
import type { Config } from './config.js';
import type { Database } from './db/client.js';
import { slackSetupPage } from './pages/slack-setup.js';
import type { PublicRateLimits } from './public/rate-limits.js';
import { slackRoutes } from './slack/http.js';
import { createWebApp } from './web-app.js';

export interface AppDeps {
  db: Database;
  dbKind: 'pglite' | 'postgres';
  config: Config;
  /** The clock, replaceable in tests. */
  now?: () => Date;
  /** The address a request came from, for the public pages' rate limits (the socket's on Node, Cloudflare's header on the Worker). */
  clientIp?: (c: Context) => string | undefined;
  /** The public pages' rate limits (defaults in src/public/rate-limits.ts). */
  publicRateLimits?: Partial<PublicRateLimits>;
}

/**
 * The one HTTP app on Node: /healthz, the meetings API at /api/meetings (with /api/openapi.json
 * and /api/docs) and the web pages at / (all from createWebApp, which the Worker serves too),
 * plus the Slack endpoint at /slack and its set-up page at /setup, which need Node.
 */
export function createApp(deps: AppDeps): Hono {
  return createWebApp(
    { clientIp: socketAddress, ...deps },
    {
      slackSetupPath: '/setup',
      beforePages: (app) => {
        app.route('/slack', slackRoutes(deps));
        app.route('/setup', slackSetupPage(deps));
      },
    },
  );
}

/** The peer address of the request's socket (@hono/node-server passes the Node request as c.env.incoming). */
function socketAddress(c: Context): string | undefined {
  return (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress;
}
