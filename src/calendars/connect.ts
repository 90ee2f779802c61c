/**
 * Connecting an account: CalDAV (server, user name, app password) and iCal feeds directly; Google
 * and Microsoft through their consent pages (a personal signed link starts it, the callback
 * finishes it). Each lists the account's calendars with the credentials first, so only working
 * credentials are stored.
 */
import { z } from 'zod';
import { getPerson } from '../bookings/people.js';
import { withTeam } from '../db/tenant.js';
import { base64urlDecode, base64urlEncode, hmacSign, hmacVerify } from '../video/links.js';
import { PROVIDER_TIMEOUT_MS } from './http.js';
import { exchangeCode, oauthClientOf, TokenKeeper, type OAuthProvider } from './oauth.js';
import { caldavSession } from './providers/caldav.js';
import { googleSession } from './providers/google.js';
import { feedUrl, icalFeedSession } from './providers/ical-feed.js';
import { microsoftMailbox, microsoftSession } from './providers/microsoft.js';
import type { CalendarService } from './service.js';
import type { CalendarAccountView } from './store.js';
import { CalendarError } from './types.js';

/** Connecting waits longer than reading: discovery takes several requests. */
const CONNECT_TIMEOUT_MS = 15_000;

const httpUrl = z
  .string()
  .trim()
  .max(2000)
  .transform((v) => feedUrl(v))
  .pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) address' }));

export const caldavInputSchema = z.object({
  provider: z.literal('caldav'),
  serverUrl: httpUrl.meta({ description: 'The CalDAV server or calendar home, e.g. https://caldav.fastmail.com/', example: 'https://caldav.fastmail.com/' }),
  username: z.string().trim().min(1, 'a user name is needed').max(320),
  password: z.string().min(1, 'an app password is needed').max(1000).meta({ description: 'Preferably an app-specific password' }),
});

export const icalInputSchema = z.object({
  provider: z.literal('ical'),
  url: httpUrl.meta({ description: 'The secret address of the calendar in iCal format (https:// or webcal://)' }),
  name: z.string().trim().min(1).max(100).optional().meta({ description: 'A name for it (default: the feed\'s own)' }),
});

export const connectInputSchema = z.discriminatedUnion('provider', [caldavInputSchema, icalInputSchema]);
export type ConnectInput = z.infer<typeof connectInputSchema>;

export async function connectAccount(service: CalendarService, teamId: string, personId: string, input: ConnectInput): Promise<CalendarAccountView> {
  if (!service.configured) throw new CalendarError('not_configured', 'Calendars are not configured on this server (SECRETS_KEY is not set)');
  const person = await withTeam(service.db, teamId, (tx) => getPerson(tx, personId));
  const options = { timeoutMs: CONNECT_TIMEOUT_MS, ownerEmails: person.email ? [person.email] : [] };
  if (input.provider === 'caldav') {
    const secret = { serverUrl: input.serverUrl, username: input.username, password: input.password };
    const remote = await caldavSession(secret, options).listCalendars();
    if (remote.length === 0) throw new CalendarError('rejected', 'That CalDAV account has no calendars with events');
    return service.saveAccount(teamId, personId, {
      provider: 'caldav',
      label: `${input.username} (${new URL(input.serverUrl).hostname})`,
      settings: { serverUrl: input.serverUrl, username: input.username },
      secret,
      remote,
    });
  }
  const remote = await icalFeedSession({ url: input.url }, { ...options, name: input.name }).listCalendars();
  return service.saveAccount(teamId, personId, {
    provider: 'ical',
    label: input.name ?? remote[0]!.name,
    settings: {},
    secret: { url: input.url },
    remote,
  });
}

// ---------- OAuth: links, state, the callback's work ----------

export const CONNECT_LINK_LIFETIME_MS = 2 * 3_600_000;
export const OAUTH_STATE_LIFETIME_MS = 15 * 60_000;

export interface ConnectClaims {
  teamId: string;
  personId: string;
  provider: OAuthProvider;
  /** The state of one consent round: ties the callback to the browser that started it. */
  nonce?: string;
}

const encoder = new TextEncoder();

/** A signed token naming a person and a provider, for `purpose` ("connect" link or OAuth "state"). */
export async function signClaims(secret: string, purpose: 'connect' | 'state', claims: ConnectClaims, expiresAt: Date): Promise<string> {
  const payload = base64urlEncode(encoder.encode(JSON.stringify({ t: claims.teamId, p: claims.personId, v: claims.provider, n: claims.nonce, exp: Math.floor(expiresAt.getTime() / 1000) })));
  return `${payload}.${base64urlEncode(hmacSign(secret, `${purpose}.${payload}`))}`;
}

export type ClaimsProblem = 'malformed' | 'forged' | 'expired';

export async function verifyClaims(secret: string, purpose: 'connect' | 'state', token: string | undefined, now: Date): Promise<ConnectClaims | ClaimsProblem> {
  const [payload, signature] = (token ?? '').split('.');
  if (!payload || !signature) return 'malformed';
  const given = base64urlDecode(signature);
  if (!given || !hmacVerify(secret, given, `${purpose}.${payload}`)) return 'forged';
  try {
    const body = JSON.parse(new TextDecoder().decode(base64urlDecode(payload)!)) as { t: string; p: string; v: string; n?: string; exp: number };
    if (body.v !== 'google' && body.v !== 'microsoft') return 'malformed';
    if (body.exp * 1000 <= now.getTime()) return 'expired';
    return { teamId: body.t, personId: body.p, provider: body.v, nonce: body.n };
  } catch {
    return 'malformed';
  }
}

/** The personal link (on our own pages) that starts connecting a Google or Microsoft account. */
export async function connectLink(service: CalendarService, teamId: string, personId: string, provider: OAuthProvider): Promise<{ url: string; expiresAt: Date }> {
  if (!service.configured) throw new CalendarError('not_configured', 'Calendars are not configured on this server (SECRETS_KEY is not set)');
  if (!oauthClientOf(service.config.calendars, provider)) {
    const names = provider === 'google' ? 'GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET' : 'MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET';
    throw new CalendarError('not_configured', `${provider === 'google' ? 'Google Calendar' : 'Microsoft 365'} is not configured on this server (set ${names})`);
  }
  const expiresAt = new Date(service.now().getTime() + CONNECT_LINK_LIFETIME_MS);
  const token = await signClaims(service.config.linkSecret, 'connect', { teamId, personId, provider }, expiresAt);
  return { url: `${service.config.publicUrl}/calendars/connect/${provider}?t=${token}`, expiresAt };
}

export function redirectUri(publicUrl: string, provider: OAuthProvider): string {
  return `${publicUrl}/calendars/oauth/${provider}/callback`;
}

/** The consent came back with a code: exchange it, find the account's calendars, store it. */
export async function finishOAuth(service: CalendarService, claims: ConnectClaims, code: string, verifier: string): Promise<CalendarAccountView> {
  const client = oauthClientOf(service.config.calendars, claims.provider);
  if (!client) throw new CalendarError('not_configured', 'This provider is no longer configured on this server');
  const tokens = await exchangeCode(claims.provider, client, code, redirectUri(service.config.publicUrl, claims.provider), verifier, service.now().getTime());
  const keeper = new TokenKeeper(claims.provider, client, tokens, { timeoutMs: PROVIDER_TIMEOUT_MS });
  if (claims.provider === 'google') {
    const remote = await googleSession(keeper).listCalendars();
    const primary = remote.find((r) => r.primary) ?? remote[0];
    if (!primary) throw new CalendarError('rejected', 'This Google account has no calendars');
    return service.saveAccount(claims.teamId, claims.personId, { provider: 'google', label: primary.externalId, settings: { username: primary.externalId, scope: tokens.scope }, secret: keeper.secret, remote });
  }
  const mailbox = await microsoftMailbox(keeper);
  const remote = await microsoftSession(keeper, mailbox).listCalendars();
  return service.saveAccount(claims.teamId, claims.personId, { provider: 'microsoft', label: mailbox, settings: { username: mailbox, scope: tokens.scope }, secret: keeper.secret, remote });
}
