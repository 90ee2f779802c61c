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
/** Twilio's "Status is invalid": the room is not in progress, so it cannot be completed. */
export const ROOM_NOT_IN_PROGRESS = 53112;

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

/** What Twilio says of a room: going on, over (or unknown to it), or no answer. */
export type TwilioRoomState = { state: 'in-progress'; room: TwilioRoom } | { state: 'ended'; endedAt?: Date; durationSeconds?: number } | { state: 'unknown'; reason: string };

/**
 * Asks Twilio about the in-progress room of this unique name. When there is none, the room of
 * `lastSid` (the one we last recorded) says when it ended. Never throws: a failure to find out is
 * 'unknown', which callers treat as "not going on" without recording anything.
 */
export async function findTwilioRoom(creds: TwilioCredentials, uniqueName: string, lastSid?: string | null): Promise<TwilioRoomState> {
  let answer: TwilioAnswer;
  try {
    answer = await twilioRequest(creds, 'GET', `/v1/Rooms/${encodeURIComponent(uniqueName)}`);
    if (answer.status === 404 && lastSid) {
      const last = await twilioRequest(creds, 'GET', `/v1/Rooms/${encodeURIComponent(lastSid)}`);
      if (last.ok && last.body?.status !== 'in-progress') answer = last;
    }
  } catch (error) {
    return { state: 'unknown', reason: error instanceof Error ? error.message : String(error) };
  }
  if (answer.status === 404) return { state: 'ended' };
  if (!answer.ok) return { state: 'unknown', reason: unavailable(answer.status, answer.body).message };
  if (answer.body?.status === 'in-progress') {
    try {
      return { state: 'in-progress', room: roomOf(answer.body) };
    } catch (error) {
      return { state: 'unknown', reason: (error as Error).message };
    }
  }
  return { state: 'ended', ...endOf(answer.body) };
}

/**
 * Ends a room now (Status=completed): everyone in it is disconnected (twilio-video reports 53118).
 * 'ended' when Twilio completed it, 'already_over' when it was not in progress (404, or 53112).
 * Throws VideoServiceError when Twilio fails or cannot be reached, so the caller can retry.
 */
export async function completeTwilioRoom(
  creds: TwilioCredentials,
  nameOrSid: string,
): Promise<{ outcome: 'ended' | 'already_over'; endedAt?: Date; durationSeconds?: number }> {
  const answer = await twilioRequest(creds, 'POST', `/v1/Rooms/${encodeURIComponent(nameOrSid)}`, { Status: 'completed' });
  if (answer.ok) return { outcome: 'ended', ...endOf(answer.body) };
  if (answer.status === 404 || answer.body?.code === ROOM_NOT_IN_PROGRESS) return { outcome: 'already_over' };
  throw unavailable(answer.status, answer.body);
}

export interface TwilioParticipant {
  identity: string;
  connectedAt: Date | null;
}

/** The participants connected to a room now (one page of up to 50: a group room holds at most 50). */
export async function listTwilioParticipants(creds: TwilioCredentials, roomSid: string): Promise<TwilioParticipant[]> {
  const answer = await twilioRequest(creds, 'GET', `/v1/Rooms/${encodeURIComponent(roomSid)}/Participants?Status=connected&PageSize=50`);
  if (!answer.ok) throw unavailable(answer.status, answer.body);
  const list = Array.isArray(answer.body?.participants) ? (answer.body.participants as Record<string, unknown>[]) : [];
  return list
    .filter((p) => typeof p.identity === 'string' && (p.status === undefined || p.status === 'connected'))
    .map((p) => ({ identity: p.identity as string, connectedAt: typeof p.start_time === 'string' ? new Date(p.start_time) : null }));
}

function endOf(body: Record<string, unknown> | undefined): { endedAt?: Date; durationSeconds?: number } {
  const end = typeof body?.end_time === 'string' ? new Date(body.end_time) : undefined;
  const duration = typeof body?.duration === 'number' ? body.duration : undefined;
  return { ...(end && !Number.isNaN(end.getTime()) ? { endedAt: end } : {}), ...(duration !== undefined ? { durationSeconds: duration } : {}) };
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
