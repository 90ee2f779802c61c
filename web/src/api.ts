import type { CallPageMeeting } from '../../src/video/page-html.js';

/** The token route's answer (POST /api/meetings/rooms/:booking/token). */
export interface TokenAnswer {
  token: string;
  identity: string;
  displayName: string;
  roomName: string;
  expiresAt: string;
  names: Record<string, string>;
  callStartedAt: string | null;
}

export type TokenResult =
  | { ok: true; answer: TokenAnswer }
  | { ok: false; code: string; message: string; opensAt?: Date; retry: boolean };

/** The status route's answer (POST /api/meetings/rooms/:booking/status). */
export interface MeetingStatus {
  meeting: {
    status: 'confirmed' | 'cancelled';
    title: string;
    startsAt: string;
    endsAt: string;
    opensAt: string;
    closesAt: string;
    window: 'open' | 'too_early' | 'over';
    cancelledAt: string | null;
    cancelReason: string | null;
  };
  call: { status: 'not_started' | 'in-progress' | 'ended'; startedAt: string | null; participants: { identity: string; name: string }[] | null };
  serverNow: string;
}

export const UNAVAILABLE = 'The video service is not available right now, so the call cannot start. Try again later, or tell the organizer.';

/** Asks for an access token: a fresh one each time (joining, and again before every reconnect). */
export async function requestToken(meeting: CallPageMeeting, name: string | undefined, device: string): Promise<TokenResult> {
  let response: Response;
  try {
    response = await fetch(meeting.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ k: meeting.linkToken, device, ...(name ? { name } : {}) }),
    });
  } catch {
    return { ok: false, code: 'offline', message: 'This page could not reach the server. Check your internet connection and try again.', retry: true };
  }
  const body = (await response.json().catch(() => null)) as (TokenAnswer & { error?: { code: string; message: string }; opensAt?: string }) | null;
  if (response.ok && body?.token) return { ok: true, answer: body };
  const code = body?.error?.code ?? `http_${response.status}`;
  if (code === 'meeting_not_open' && body?.opensAt) return { ok: false, code, message: 'The call is not open yet.', opensAt: new Date(body.opensAt), retry: false };
  if (response.status === 503) {
    return {
      ok: false,
      code,
      message: code === 'video_unconfigured' ? UNAVAILABLE : 'The video service could not be reached just now. Please try again in a moment.',
      retry: code !== 'video_unconfigured',
    };
  }
  return { ok: false, code, message: body?.error?.message ?? `Joining failed (HTTP ${response.status}). Try again in a moment.`, retry: response.status >= 500 };
}

/** What became of the meeting, and (when asked) who is in its call; null when the server cannot be reached. */
export async function requestStatus(meeting: CallPageMeeting, participants: boolean): Promise<MeetingStatus | null> {
  try {
    const response = await fetch(meeting.statusUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ k: meeting.linkToken, participants }),
    });
    return response.ok ? ((await response.json()) as MeetingStatus) : null;
  } catch {
    return null;
  }
}
