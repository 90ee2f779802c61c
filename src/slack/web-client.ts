import { LogLevel } from '@slack/web-api';
import type { WebClientOptions } from '@slack/web-api';
import type { AppDeps } from '../app.js';

/**
 * Web API client settings: every call goes to SLACK_API_URL; a 429 is retried after its
 * Retry-After (the client does that), other failures a few times with backoff.
 */
export function webClientOptions(deps: Pick<AppDeps, 'config'>): WebClientOptions {
  return {
    slackApiUrl: deps.config.slack.apiUrl,
    retryConfig: { retries: 2, factor: 2, minTimeout: 200, maxTimeout: 2_000 },
    logLevel: LogLevel.ERROR,
  };
}
