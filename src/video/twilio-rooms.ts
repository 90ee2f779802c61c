import type { Config } from '../config.js';

export interface TwilioCredentials {
  accountSid: string;
  apiKey: string;
  apiSecret: string;
  authToken: string;
  apiUrl: string;
}

export interface TwilioRoom {
  sid: string;
  uniqueName: string;
  status: string;
}

/** The video service cannot be used now: not configured, or Twilio failed or was unreachable. */
export class VideoServiceError extends Error {
  constructor(
    readonly reason: 'unconfigured' | 'unavailable',
    message: string,
  ) {
    super(message);
    this.name = 'VideoServiceError';
  }
}

/** Twilio's "a room with this unique name is already in progress". */
export const ROOM_EXISTS = 53113;

const REQUEST_TIMEOUT_MS = 10_000;

/** The complete Twilio settings, or undefined when any is missing. */
export function twilioCredentials(twilio: Config['twilio']): TwilioCredentials | undefined {
  const { accountSid, apiKey, apiSecret, authToken, apiUrl } = twilio;
  if (!accountSid || !apiKey || !apiSecret || !authToken) return undefined;
  return { accountSid, apiKey, apiSecret, authToken, apiUrl };
}

/** The room's unique name carries the team, so a status callback finds its tenant without an API key. */
export function roomUniqueName(teamId: string, bookingId: string): string {
  return `mfs_${teamId}_${bookingId}`;
}

export function parseRoomUniqueName(name: string): { teamId: string; bookingId: string } | undefined {
  const match = /^mfs_(.+)_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i.exec(name);
  return match ? { teamId: match[1]!, bookingId: match[2]!.toLowerCase() } : undefined;
}

/**
 * The in-progress Twilio room of this unique name: created (type group, with our status callback)
 * or, when a concurrent first join created it a moment ago (error 53113), the one that exists.
 */
export async function ensureTwilioRoom(
  creds: TwilioCredentials,
  room: { uniqueName: string; statusCallback: string },
): Promise<{ room: TwilioRoom; created: boolean }> {
  const created = await twilioRequest(creds, 'POST', '/v1/Rooms', {
    UniqueName: room.uniqueName,
    Type: 'group',
    StatusCallback: room.statusCallback,
    StatusCallbackMethod: 'POST',
  });
  if (created.ok) return { room: roomOf(created.body), created: true };
  if (created.body?.code !== ROOM_EXISTS) throw unavailable(created.status, created.body);
  const existing = await twilioRequest(creds, 'GET', `/v1/Rooms/${encodeURIComponent(room.uniqueName)}`);
  if (!existing.ok) throw unavailable(existing.status, existing.body);
  return { room: roomOf(existing.body), created: false };
}

/**
 * Whether Twilio still has the room in progress. Asked only when our own record cannot say (no
 * status callback reached us); any failure to find out counts as "not in progress".
 */
export async function isTwilioRoomInProgress(creds: TwilioCredentials, uniqueName: string): Promise<boolean> {
  try {
    const answer = await twilioRequest(creds, 'GET', `/v1/Rooms/${encodeURIComponent(uniqueName)}`);
    return answer.ok && answer.body?.status === 'in-progress';
  } catch {
    return false;
  }
}

interface TwilioAnswer {
  ok: boolean;
  status: number;
  body: Record<string, unknown> | undefined;
}

async function twilioRequest(creds: TwilioCredentials, method: 'GET' | 'POST', path: string, form?: Record<string, string>): Promise<TwilioAnswer> {
  let response: Response;
  try {
    response = await fetch(`${creds.apiUrl}${path}`, {
      method,
      headers: {
        authorization: `Basic ${btoa(`${creds.apiKey}:${creds.apiSecret}`)}`,
        accept: 'application/json',
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: form ? new URLSearchParams(form).toString() : undefined,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    throw new VideoServiceError('unavailable', `Twilio could not be reached (${error instanceof Error ? error.message : String(error)})`);
  }
  let body: Record<string, unknown> | undefined;
  try {
    body = (await response.json()) as Record<string, unknown>;
  } catch {
    body = undefined;
  }
  return { ok: response.ok, status: response.status, body };
}

function roomOf(body: Record<string, unknown> | undefined): TwilioRoom {
  const sid = body?.sid;
  const uniqueName = body?.unique_name;
  if (typeof sid !== 'string' || typeof uniqueName !== 'string') {
    throw new VideoServiceError('unavailable', 'Twilio answered without a room');
  }
  return { sid, uniqueName, status: typeof body?.status === 'string' ? body.status : 'in-progress' };
}

function unavailable(status: number, body: Record<string, unknown> | undefined): VideoServiceError {
  const detail = body && typeof body.message === 'string' ? `: ${body.message}${body.code ? ` (${body.code})` : ''}` : '';
  return new VideoServiceError('unavailable', `Twilio answered ${status}${detail}`);
}
