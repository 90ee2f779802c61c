/**
 * OAuth 2.0 for Google and Microsoft calendars: the consent URL (authorization code with PKCE),
 * the code exchange, and access tokens refreshed before they expire (or when a call answers 401).
 * A refresh the provider refuses (invalid_grant: access revoked, password changed) means the
 * person must connect the account again.
 */
import type { CalendarsConfig } from '../config.js';
import { providerFetch, type FetchOptions } from './http.js';
import { CalendarError } from './types.js';

export type OAuthProvider = 'google' | 'microsoft';

export interface OAuthSecret {
  accessToken: string;
  refreshToken?: string;
  /** Epoch ms. */
  expiresAt: number;
  scope?: string;
}

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  tenant?: string;
}

interface ProviderEndpoints {
  name: string;
  authorize: string;
  token: string;
  scopes: string[];
  extra: Record<string, string>;
}

export function endpointsOf(provider: OAuthProvider, client: OAuthClient): ProviderEndpoints {
  if (provider === 'google') {
    return {
      name: 'Google',
      authorize: 'https://accounts.google.com/o/oauth2/v2/auth',
      token: 'https://oauth2.googleapis.com/token',
      // Read the calendars and their free/busy time; add and change the events we write.
      scopes: ['https://www.googleapis.com/auth/calendar.readonly', 'https://www.googleapis.com/auth/calendar.events'],
      extra: { access_type: 'offline', prompt: 'consent', include_granted_scopes: 'true' },
    };
  }
  const tenant = encodeURIComponent(client.tenant ?? 'common');
  return {
    name: 'Microsoft',
    authorize: `https://login.microsoftonline.com/${tenant}/oauth2/v2.0/authorize`,
    token: `https://login.microsoftonline.com/${tenant}/oauth2/v2.0/token`,
    scopes: ['offline_access', 'User.Read', 'Calendars.ReadWrite'],
    extra: { prompt: 'select_account' },
  };
}

export function oauthClientOf(config: CalendarsConfig | undefined, provider: OAuthProvider): OAuthClient | undefined {
  return provider === 'google' ? config?.google : config?.microsoft;
}

export function authorizeUrl(provider: OAuthProvider, client: OAuthClient, redirectUri: string, state: string, codeChallenge: string): string {
  const e = endpointsOf(provider, client);
  const url = new URL(e.authorize);
  const params = {
    client_id: client.clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: e.scopes.join(' '),
    state,
    code_challenge: codeChallenge,
    code_challenge_method: 'S256',
    ...e.extra,
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.href;
}

/** A PKCE verifier and its S256 challenge. */
export async function pkcePair(): Promise<{ verifier: string; challenge: string }> {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  return { verifier, challenge };
}

function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

export async function exchangeCode(provider: OAuthProvider, client: OAuthClient, code: string, redirectUri: string, verifier: string, now = Date.now()): Promise<OAuthSecret> {
  return tokenRequest(provider, client, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier }, now);
}

export async function refreshTokens(provider: OAuthProvider, client: OAuthClient, secret: OAuthSecret, now = Date.now(), options: FetchOptions = {}): Promise<OAuthSecret> {
  if (!secret.refreshToken) throw new CalendarError('auth', `${endpointsOf(provider, client).name} gave no refresh token: connect the account again`);
  const fresh = await tokenRequest(provider, client, { grant_type: 'refresh_token', refresh_token: secret.refreshToken }, now, options);
  // Google keeps the refresh token; Microsoft sends a new one each time.
  return { ...fresh, refreshToken: fresh.refreshToken ?? secret.refreshToken };
}

async function tokenRequest(provider: OAuthProvider, client: OAuthClient, grant: Record<string, string>, now: number, options: FetchOptions = {}): Promise<OAuthSecret> {
  const e = endpointsOf(provider, client);
  const body = new URLSearchParams({ client_id: client.clientId, client_secret: client.clientSecret, ...grant });
  if (provider === 'microsoft') body.set('scope', e.scopes.join(' '));
  const response = await providerFetch(e.name, e.token, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body }, options);
  const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    const code = String(json.error ?? response.status);
    const description = typeof json.error_description === 'string' ? `: ${json.error_description.split('\r\n')[0]}` : '';
    if (code === 'invalid_grant' || code === 'unauthorized_client' || code === 'invalid_client') {
      throw new CalendarError('auth', `${e.name} no longer accepts this connection (${code}${description}); connect the account again`, response.status);
    }
    throw new CalendarError(response.status >= 500 ? 'unreachable' : 'rejected', `${e.name} refused the token request (${code}${description})`, response.status);
  }
  if (typeof json.access_token !== 'string') throw new CalendarError('rejected', `${e.name} answered the token request without an access token`);
  return {
    accessToken: json.access_token,
    refreshToken: typeof json.refresh_token === 'string' ? json.refresh_token : undefined,
    expiresAt: now + Number(json.expires_in ?? 3600) * 1000,
    scope: typeof json.scope === 'string' ? json.scope : undefined,
  };
}

/** Refresh a minute before the token expires. */
const EXPIRY_MARGIN_MS = 60_000;

/**
 * Holds an account's tokens for one piece of work: calls go out with a fresh access token, a 401
 * refreshes once and retries, and `changed` tells the caller to store the new tokens.
 */
export class TokenKeeper {
  changed = false;

  constructor(
    private readonly provider: OAuthProvider,
    private readonly client: OAuthClient,
    public secret: OAuthSecret,
    private readonly options: FetchOptions = {},
  ) {}

  private async refresh(): Promise<void> {
    this.secret = await refreshTokens(this.provider, this.client, this.secret, Date.now(), this.options);
    this.changed = true;
  }

  /** fetch with the bearer token; JSON bodies are sent as JSON. */
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    if (this.secret.expiresAt - EXPIRY_MARGIN_MS <= Date.now()) await this.refresh();
    const name = endpointsOf(this.provider, this.client).name;
    const send = () => providerFetch(name, url, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${this.secret.accessToken}` } }, this.options);
    const response = await send();
    if (response.status !== 401) return response;
    await this.refresh();
    return send();
  }
}
