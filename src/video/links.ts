/**
 * Personal join links: `PUBLIC_URL/m/<booking>?k=<token>`.
 *
 * The token is `<payload>.<signature>`, both base64url: the payload is JSON naming the team, the
 * booking and the participant (a Slack member id, or 'guest'), the signature HMAC-SHA256 over the
 * payload text with LINK_SECRET, by node:crypto, which Cloudflare Workers have under nodejs_compat.
 *
 * Expiry has two layers. The signed `exp` is only a backstop (by default a year out), because the
 * meeting may be rescheduled to a later time and its links must keep working. The real expiry is
 * checked at use time against the booking (see access.ts): the link's booking is followed through
 * `rescheduled_to_id` to the current one, and the link is refused once that meeting's join window
 * has closed, or when it is cancelled.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface JoinClaims {
  teamId: string;
  bookingId: string;
  /**
   * Slack member id; `guest:<guest id>` for a guest's own link (their name is known); or 'guest'
   * for a shared guest link, where whoever opens it types a name.
   */
  participant: string;
}

export interface VerifiedJoinClaims extends JoinClaims {
  /** When the signature stops being accepted, whatever the booking says. */
  expiresAt: Date;
}

export const GUEST = 'guest';

/** The participant claim of a guest's own link. */
export function guestParticipant(guestId: string): string {
  return `${GUEST}:${guestId}`;
}

/** The guest id a participant claim names, if it is a guest's own link. */
export function guestIdOf(participant: string): string | undefined {
  return participant.startsWith(`${GUEST}:`) ? participant.slice(GUEST.length + 1) : undefined;
}

export type LinkErrorCode = 'malformed' | 'forged' | 'expired' | 'wrong_booking' | 'not_found' | 'cancelled' | 'not_participant' | 'meeting_over';

/** Why a join link is refused, in words for the person holding it. */
export class LinkError extends Error {
  constructor(
    readonly code: LinkErrorCode,
    message: string = linkErrorMessages[code],
  ) {
    super(message);
    this.name = 'LinkError';
  }
}

export const linkErrorMessages: Record<LinkErrorCode, string> = {
  malformed: 'This join link is incomplete or damaged. Open it again from the Slack message, or ask the organizer for a new link.',
  forged: 'This join link is not valid: it was not issued by Meetings for Slack or has been changed. Open it again from the Slack message.',
  expired: 'This join link has expired. Ask the organizer for a new link.',
  wrong_booking: 'This join link belongs to a different meeting. Open the link from the message about this meeting.',
  not_found: 'This meeting no longer exists. Ask the organizer whether it was moved.',
  cancelled: 'This meeting was cancelled, so its call cannot be joined.',
  not_participant: 'This join link is for someone who is no longer in this meeting. Ask the organizer to add you again.',
  meeting_over: 'This meeting is over, and its join link has expired.',
};

/** Default backstop for the signed expiry: long enough to survive rescheduling within the booking horizon. */
export const DEFAULT_LINK_LIFETIME_MS = 400 * 24 * 60 * 60 * 1000;

const encoder = new TextEncoder();
/**
 * HMAC-SHA256 of `data` under `secret`, with node:crypto (Workers have it under nodejs_compat):
 * WebCrypto's asynchronous sign cost a thread-pool round trip for each link of each answer.
 */
export function hmacSign(secret: string, data: string): Uint8Array {
  return createHmac('sha256', secret).update(data).digest();
}

/** Whether `signature` is the HMAC of `data`, compared in constant time. */
export function hmacVerify(secret: string, signature: Uint8Array, data: string): boolean {
  const expected = hmacSign(secret, data);
  return signature.length === expected.length && timingSafeEqual(signature, expected);
}

export async function signJoinToken(secret: string, claims: JoinClaims, expiresAt?: Date): Promise<string> {
  if (!secret) throw new Error('signJoinToken needs LINK_SECRET');
  for (const name of ['teamId', 'bookingId', 'participant'] as const) {
    if (!claims[name]) throw new Error(`signJoinToken: ${name} is required`);
  }
  const exp = Math.floor((expiresAt ?? new Date(Date.now() + DEFAULT_LINK_LIFETIME_MS)).getTime() / 1000);
  const payload = base64urlEncode(encoder.encode(JSON.stringify({ v: 1, t: claims.teamId, b: claims.bookingId, p: claims.participant, exp })));
  const signature = hmacSign(secret, payload);
  return `${payload}.${base64urlEncode(signature)}`;
}

/** The claims of a token this app signed; throws LinkError 'malformed', 'forged' or 'expired'. */
export async function verifyJoinToken(secret: string, token: string, now: Date = new Date()): Promise<VerifiedJoinClaims> {
  if (typeof token !== 'string' || !token) throw new LinkError('malformed');
  const parts = token.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) throw new LinkError('malformed');
  const [payload, signature] = parts as [string, string];
  const signatureBytes = base64urlDecode(signature);
  if (!signatureBytes || signatureBytes.length !== 32) throw new LinkError('malformed');
  if (!hmacVerify(secret, signatureBytes, payload)) throw new LinkError('forged');
  const body = parsePayload(payload);
  if (!body) throw new LinkError('malformed');
  const expiresAt = new Date(body.exp * 1000);
  if (expiresAt.getTime() <= now.getTime()) throw new LinkError('expired');
  return { teamId: body.t, bookingId: body.b, participant: body.p, expiresAt };
}

export async function joinUrl(config: { publicUrl: string; linkSecret: string }, claims: JoinClaims, expiresAt?: Date): Promise<string> {
  const token = await signJoinToken(config.linkSecret, claims, expiresAt);
  return `${config.publicUrl.replace(/\/+$/, '')}/m/${encodeURIComponent(claims.bookingId)}?k=${token}`;
}

/** A guest's own join link: it names them, follows the meeting's moves, and joins the call under their name. */
export async function personalGuestJoinUrl(
  config: { publicUrl: string; linkSecret: string },
  booking: { teamId: string; bookingId: string },
  guestId: string,
  expiresAt?: Date,
): Promise<string> {
  return joinUrl(config, { teamId: booking.teamId, bookingId: booking.bookingId, participant: guestParticipant(guestId) }, expiresAt);
}

/** A link for someone outside Slack, who types their name on the page. */
export async function guestJoinUrl(
  config: { publicUrl: string; linkSecret: string },
  booking: { teamId: string; bookingId: string },
  expiresAt?: Date,
): Promise<string> {
  return joinUrl(config, { teamId: booking.teamId, bookingId: booking.bookingId, participant: GUEST }, expiresAt);
}

function parsePayload(payload: string): { t: string; b: string; p: string; exp: number } | undefined {
  const bytes = base64urlDecode(payload);
  if (!bytes) return undefined;
  try {
    const body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as Record<string, unknown>;
    if (body.v !== 1) return undefined;
    const { t, b, p, exp } = body;
    if (typeof t !== 'string' || !t || typeof b !== 'string' || !b || typeof p !== 'string' || !p) return undefined;
    if (typeof exp !== 'number' || !Number.isFinite(exp)) return undefined;
    return { t, b, p, exp };
  } catch {
    return undefined;
  }
}

export function base64urlEncode(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function base64urlDecode(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    // Only the canonical spelling: otherwise unused trailing bits would let an altered token pass.
    return base64urlEncode(bytes) === text ? bytes : undefined;
  } catch {
    return undefined;
  }
}
