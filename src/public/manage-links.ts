import { base64urlDecode, base64urlEncode, hmacSign, hmacVerify } from '../video/links.js';

/**
 * A guest's manage link: `PUBLIC_URL/book/manage/<token>`, where they cancel or reschedule the
 * meeting they booked. The token names the team, the meeting (stable across moves) and the guest;
 * it is signed with LINK_SECRET under its own purpose, so a join token can never pass for one.
 * Like join links it is checked against the meeting at each use (the guest must still be in it).
 */
export interface ManageClaims {
  teamId: string;
  meetingId: string;
  guestId: string;
}

export class ManageLinkError extends Error {
  constructor(readonly code: 'malformed' | 'forged') {
    super(code === 'malformed' ? 'This link is incomplete or damaged. Open it again from your confirmation email or page.' : 'This link is not valid: it was not issued by us or has been changed.');
    this.name = 'ManageLinkError';
  }
}

const PURPOSE = 'manage:v1:';
const encoder = new TextEncoder();

export async function signManageToken(secret: string, claims: ManageClaims): Promise<string> {
  if (!secret) throw new Error('signManageToken needs LINK_SECRET');
  const payload = base64urlEncode(encoder.encode(JSON.stringify({ t: claims.teamId, m: claims.meetingId, g: claims.guestId })));
  const signature = hmacSign(secret, PURPOSE + payload);
  return `${payload}.${base64urlEncode(signature)}`;
}

export async function verifyManageToken(secret: string, token: string): Promise<ManageClaims> {
  const [payload, signature, extra] = typeof token === 'string' ? token.split('.') : [];
  if (!payload || !signature || extra !== undefined) throw new ManageLinkError('malformed');
  const signatureBytes = base64urlDecode(signature);
  if (!signatureBytes || signatureBytes.length !== 32) throw new ManageLinkError('malformed');
  if (!hmacVerify(secret, signatureBytes, PURPOSE + payload)) throw new ManageLinkError('forged');
  const bytes = base64urlDecode(payload);
  try {
    const body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as Record<string, unknown>;
    if (typeof body.t === 'string' && typeof body.m === 'string' && typeof body.g === 'string' && body.t && body.m && body.g) {
      return { teamId: body.t, meetingId: body.m, guestId: body.g };
    }
  } catch {
    // fall through
  }
  throw new ManageLinkError('malformed');
}

export async function manageUrl(config: { publicUrl: string; linkSecret: string }, claims: ManageClaims): Promise<string> {
  return `${config.publicUrl.replace(/\/+$/, '')}/book/manage/${await signManageToken(config.linkSecret, claims)}`;
}
