import type { WebClient } from '@slack/web-api';
import type { AppDeps } from '../app.js';
import { calendarsOf, type CalendarService } from '../calendars/service.js';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { PeopleDirectory } from './people.js';

/** What every listener works with, built once per Slack app. */
export interface SlackContext {
  db: Database;
  config: Config;
  now: () => Date;
  people: PeopleDirectory;
  /** A bot-token client for work outside a Slack request (room events). */
  client: WebClient;
  log: Pick<Console, 'info' | 'warn' | 'error'>;
  /** People's own calendars: busy time, accounts, the consent links. */
  calendars: CalendarService;
}

export function slackContext(deps: AppDeps, client: WebClient): SlackContext {
  return {
    db: deps.db,
    config: deps.config,
    now: deps.now ?? (() => new Date()),
    people: new PeopleDirectory(deps.db),
    client,
    log: console,
    calendars: calendarsOf(deps),
  };
}
