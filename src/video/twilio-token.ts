import { SignJWT } from 'jose';

export interface VideoTokenInput {
  accountSid: string;
  apiKey: string;
  apiSecret: string;
  identity: string;
  room: string;
  /** Seconds; Twilio allows up to 24 h, we issue at most one hour. */
  ttlSeconds: number;
  now: Date;
}

export const MAX_TOKEN_TTL_SECONDS = 3600;

/**
 * A Twilio Video access token: an HS256 JWT signed with the API key secret, in the shape the
 * `twilio` package's AccessToken produces (header cty "twilio-fpa;v=1", iss = API key,
 * sub = account, grants.identity, grants.video.room), minted with jose so it runs on Workers.
 */
export async function videoAccessToken(input: VideoTokenInput): Promise<{ token: string; expiresAt: Date }> {
  const ttl = Math.max(1, Math.min(MAX_TOKEN_TTL_SECONDS, Math.floor(input.ttlSeconds)));
  const iat = Math.floor(input.now.getTime() / 1000);
  const exp = iat + ttl;
  const token = await new SignJWT({ grants: { identity: input.identity, video: { room: input.room } } })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1' })
    .setJti(`${input.apiKey}-${iat}`)
    .setIssuer(input.apiKey)
    .setSubject(input.accountSid)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(input.apiSecret));
  return { token, expiresAt: new Date(exp * 1000) };
}
