import { Hono } from 'hono';
import type { AppDeps } from './app.js';
import { apiDocsRoutes } from './api/docs.js';
import { onApiError, onApiNotFound, requestIdMiddleware } from './api/errors.js';
import { limitBody } from './api/body-limit.js';
import { MAX_BODY_BYTES, MEETINGS_API_BASE, createMeetingsApi, meetingsApiDocument } from './api/index.js';
import { calendarPages } from './calendars/pages.js';
import { checkDatabase } from './db/health.js';
import { homePage } from './pages/home.js';
import { embedPages } from './public/embed.js';
import { publicPages } from './public/pages.js';
import { videoPages } from './video/pages.js';

export interface WebAppOptions {
  /** Mounts what only the Node app has (the Slack endpoint and its set-up page) ahead of the pages' catch-all routes. */
  beforePages?: (app: Hono) => void;
  /** The Slack set-up page the home page links to, where this app has one. */
  slackSetupPath?: string;
}

/**
 * Everything that runs on Node and on Cloudflare Workers alike: health, the meetings API with
 * its OpenAPI document and reference page, the home page, the booking pages with embed.js, and the call pages.
 */
export function createWebApp(deps: AppDeps, options: WebAppOptions = {}): Hono {
  const app = new Hono();
  app.use(requestIdMiddleware());
  // Every body (the API's, Slack's, Twilio's) is read whole and bounded before any handler runs.
  app.use(limitBody({ maxBytes: MAX_BODY_BYTES, drainBytes: 8 * 1024 * 1024, drainMs: 2_000 }));
  app.onError(onApiError);
  app.notFound(onApiNotFound);

  app.get('/healthz', async (c) => {
    const database = await checkDatabase(deps.db);
    return c.json({ status: database.ok ? 'ok' : 'degraded', database: { kind: deps.dbKind, ...database } }, database.ok ? 200 : 503);
  });

  const meetingsApi = createMeetingsApi(deps);
  app.route(MEETINGS_API_BASE, meetingsApi);
  app.route('/api', apiDocsRoutes(() => meetingsApiDocument(meetingsApi)));

  // Browsers ask for /favicon.ico on pages that name none (the API reference).
  app.get('/favicon.ico', (c) => c.redirect('/assets/favicon.svg', 301));

  options.beforePages?.(app);
  app.route('/book', publicPages(deps));
  app.route('/', embedPages(deps));
  app.route('/calendars', calendarPages(deps));
  app.route('/', homePage(deps, { slackSetupPath: options.slackSetupPath }));
  app.route('/', videoPages(deps));
  return app;
}
