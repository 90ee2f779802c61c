import { CalendarError } from './types.js';

/** Every request to a calendar provider gives up after this long unless the caller sets less. */
export const PROVIDER_TIMEOUT_MS = 10_000;

export interface FetchOptions {
  /** Aborts the request (the caller's own deadline). */
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** fetch with a deadline; network failures and timeouts become CalendarErrors naming the service. */
export async function providerFetch(service: string, url: string, init: RequestInit, options: FetchOptions = {}): Promise<Response> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? PROVIDER_TIMEOUT_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    return await fetch(url, { ...init, signal, redirect: init.redirect ?? 'follow' });
  } catch (error) {
    if (timeout.aborted || options.signal?.aborted) throw new CalendarError('timeout', `${service} did not answer in time`);
    throw new CalendarError('unreachable', `${service} could not be reached (${describeCause(error)})`);
  }
}

/** A fetch for libraries that take one (tsdav), with the same deadline and errors. */
export function deadlineFetch(service: string, options: FetchOptions): typeof fetch {
  return ((input: RequestInfo | URL, init?: RequestInit) =>
    providerFetch(service, typeof input === 'string' ? input : input instanceof URL ? input.href : input.url, init ?? {}, options)) as typeof fetch;
}

function describeCause(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

/** An HTTP answer that is not a success, as a CalendarError; `what` says what was attempted. */
export async function statusError(service: string, what: string, response: Response): Promise<CalendarError> {
  const detail = (await response.text().catch(() => '')).slice(0, 300).replace(/\s+/g, ' ').trim();
  const status = response.status;
  if (status === 401 || status === 403) return new CalendarError('auth', `${service} refused ${what} (${status}): the access was revoked or the password changed`, status);
  if (status === 429) return new CalendarError('rate_limited', `${service} asked us to slow down (429) while ${what}`, status);
  if (status >= 500) return new CalendarError('unreachable', `${service} failed (${status}) while ${what}`, status);
  return new CalendarError('rejected', `${service} refused ${what} (${status}${detail ? `: ${detail}` : ''})`, status);
}
