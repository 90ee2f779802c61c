import { Hono } from 'hono';
import type { AppDeps } from '../app.js';

/** POST /slack/events: Slack's signed HTTP requests (commands, interactivity, events) into Bolt. */
export function slackRoutes(_deps: AppDeps): Hono {
  return new Hono();
}
