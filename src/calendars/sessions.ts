import type { CalendarsConfig } from '../config.js';
import type { CalendarAccountSettings } from '../db/schema.js';
import type { FetchOptions } from './http.js';
import { TokenKeeper, oauthClientOf, type OAuthSecret } from './oauth.js';
import { caldavSession, type CalDavSecret } from './providers/caldav.js';
import { googleSession } from './providers/google.js';
import { icalFeedSession, type ICalFeedSecret } from './providers/ical-feed.js';
import { microsoftSession } from './providers/microsoft.js';
import { CalendarError, type CalendarProvider, type CalendarSession } from './types.js';

export interface OpenedAccount {
  session: CalendarSession;
  /** OAuth accounts: the tokens after the work (changed when they were refreshed). */
  tokens?: TokenKeeper;
}

/** The provider's session for an account, from its decrypted secret. */
export function openSession(
  config: CalendarsConfig | undefined,
  account: { provider: CalendarProvider; settings: CalendarAccountSettings; label: string },
  secret: unknown,
  options: FetchOptions & { ownerEmails?: string[] } = {},
): OpenedAccount {
  switch (account.provider) {
    case 'caldav':
      return { session: caldavSession(secret as CalDavSecret, options) };
    case 'ical':
      return { session: icalFeedSession(secret as ICalFeedSecret, { ...options, name: account.label }) };
    case 'google':
    case 'microsoft': {
      const client = oauthClientOf(config, account.provider);
      if (!client) {
        const names = account.provider === 'google' ? 'GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET' : 'MICROSOFT_CLIENT_ID and MICROSOFT_CLIENT_SECRET';
        throw new CalendarError('not_configured', `This server no longer has ${names} set, so the account cannot be read`);
      }
      const tokens = new TokenKeeper(account.provider, client, secret as OAuthSecret, options);
      const session = account.provider === 'google' ? googleSession(tokens) : microsoftSession(tokens, account.settings.username ?? '');
      return { session, tokens };
    }
  }
}
