/** The `error` code of a failed Web API call ("not_in_channel", "expired_trigger_id", ...), if it is one. */
export function slackErrorCode(error: unknown): string | undefined {
  const e = error as { code?: string; data?: { error?: string } } | undefined;
  if (e?.data && typeof e.data.error === 'string') return e.data.error;
  if (e?.code === 'slack_webapi_rate_limited_error') return 'ratelimited';
  return undefined;
}

/** A Slack call that failed in a way the person should hear about, worded for them. */
export class SlackApiProblem extends Error {
  constructor(
    message: string,
    readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'SlackApiProblem';
  }
}
