/** @jsxImportSource hono/jsx */
/**
 * The consent flow's pages: /calendars/connect/:provider (a person's signed link from Slack or the
 * API) sends the browser to Google or Microsoft with a PKCE challenge and a signed state, the
 * verifier kept in a short-lived cookie; /calendars/oauth/:provider/callback finishes it and says
 * what was connected, or why not.
 */
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { jsxRenderer } from 'hono/jsx-renderer';
import type { AppDeps } from '../app.js';
import { finishOAuth, OAUTH_STATE_LIFETIME_MS, redirectUri, signClaims, verifyClaims, type ClaimsProblem } from './connect.js';
import { authorizeUrl, oauthClientOf, pkcePair, type OAuthProvider } from './oauth.js';
import { calendarsOf } from './service.js';
import { CalendarError, PROVIDER_NAMES } from './types.js';


declare module 'hono' {
  interface ContextRenderer {
    (content: string | Promise<string>, props: { title: string }): Response | Promise<Response>;
  }
}

const pageHeaders = {
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

const problems: Record<ClaimsProblem, { status: 400 | 403 | 410; text: string }> = {
  malformed: { status: 400, text: 'This link is incomplete. Open it again from the Meetings app in Slack.' },
  forged: { status: 403, text: 'This link is not valid: it was not issued by Meetings for Slack, or it was changed.' },
  expired: { status: 410, text: 'This link has expired. Open the Meetings app\'s Home tab in Slack again and choose Connect.' },
};

function Layout({ children, title }: { children?: unknown; title: string }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title} · Meetings for Slack</title>
        <style>{`body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1d1c1d}h1{font-size:1.5rem}ul{padding-left:1.2rem}.muted{color:#616061}`}</style>
      </head>
      <body>
        <main>{children}</main>
      </body>
    </html>
  );
}

function Message({ heading, text, list }: { heading: string; text: string; list?: string[] }) {
  return (
    <>
      <h1>{heading}</h1>
      <p>{text}</p>
      {list?.length ? (
        <ul>
          {list.map((item) => (
            <li>{item}</li>
          ))}
        </ul>
      ) : null}
      <p class="muted">You can close this tab and go back to Slack.</p>
    </>
  );
}

function isProvider(value: string): value is OAuthProvider {
  return value === 'google' || value === 'microsoft';
}

export function calendarPages(deps: AppDeps): Hono {
  const pages = new Hono();
  const now = () => deps.now?.() ?? new Date();
  pages.use('*', jsxRenderer(({ children, title }: { children?: unknown; title?: string }) => <Layout title={title ?? 'Calendars'}>{children}</Layout>, { docType: true }));
  const page = (c: Context, status: 200 | 400 | 403 | 404 | 410 | 502, heading: string, text: string, list?: string[]) => {
    c.status(status);
    for (const [k, v] of Object.entries(pageHeaders)) c.header(k, v);
    return c.render(<Message heading={heading} text={text} list={list} />, { title: heading });
  };

  pages.get('/connect/:provider', async (c) => {
    const provider = c.req.param('provider');
    if (!isProvider(provider)) return page(c, 404, 'Unknown calendar provider', 'Only Google Calendar and Microsoft 365 connect through this page.');
    const claims = await verifyClaims(deps.config.linkSecret, 'connect', c.req.query('t'), now());
    if (typeof claims === 'string') return page(c, problems[claims].status, 'This link cannot be used', problems[claims].text);
    if (claims.provider !== provider) return page(c, 400, 'This link cannot be used', 'This link is for another calendar provider.');
    const client = oauthClientOf(deps.config.calendars, provider);
    if (!client || !deps.config.calendars?.secretsKey) return page(c, 404, `${PROVIDER_NAMES[provider]} is not available`, 'This server is not set up to connect it. Ask whoever runs Meetings for Slack.');
    const nonce = crypto.randomUUID();
    const { verifier, challenge } = await pkcePair();
    const state = await signClaims(deps.config.linkSecret, 'state', { ...claims, nonce }, new Date(now().getTime() + OAUTH_STATE_LIFETIME_MS));
    setCookie(c, `mfs_oauth_${nonce}`, verifier, {
      path: '/calendars/oauth',
      httpOnly: true,
      secure: deps.config.publicUrl.startsWith('https:'),
      sameSite: 'Lax',
      maxAge: OAUTH_STATE_LIFETIME_MS / 1000,
    });
    c.header('cache-control', 'no-store');
    c.header('referrer-policy', 'no-referrer');
    return c.redirect(authorizeUrl(provider, client, redirectUri(deps.config.publicUrl, provider), state, challenge), 302);
  });

  pages.get('/oauth/:provider/callback', async (c) => {
    const provider = c.req.param('provider');
    if (!isProvider(provider)) return page(c, 404, 'Unknown calendar provider', 'Only Google Calendar and Microsoft 365 connect through this page.');
    const name = PROVIDER_NAMES[provider];
    const claims = await verifyClaims(deps.config.linkSecret, 'state', c.req.query('state'), now());
    if (typeof claims === 'string') return page(c, problems[claims].status, `${name} was not connected`, problems[claims].text);
    const cookie = `mfs_oauth_${claims.nonce}`;
    const verifier = getCookie(c, cookie);
    deleteCookie(c, cookie, { path: '/calendars/oauth' });
    const error = c.req.query('error');
    if (error) {
      const text = error === 'access_denied' ? 'You did not allow access, so nothing was connected.' : `${name} answered: ${error}${c.req.query('error_description') ? ` (${c.req.query('error_description')})` : ''}.`;
      return page(c, 400, `${name} was not connected`, text);
    }
    const code = c.req.query('code');
    if (!code || !verifier || claims.provider !== provider) {
      return page(c, 400, `${name} was not connected`, 'This answer does not belong to a connection started in this browser. Start again from the Meetings app in Slack.');
    }
    try {
      const account = await finishOAuth(calendarsOf(deps), claims, code, verifier);
      const counted = account.calendars.filter((cal) => cal.countsAsBusy).map((cal) => cal.name);
      return page(
        c,
        200,
        `${name} connected`,
        `${account.label} is connected. Its busy times now count when people book you${counted.length ? '; these calendars count:' : '.'}`,
        counted,
      );
    } catch (failure) {
      const message = failure instanceof CalendarError ? failure.message : 'Something went wrong while connecting. Try again in a moment.';
      if (!(failure instanceof CalendarError)) console.error('Calendars: finishing a connection failed', failure);
      return page(c, 502, `${name} was not connected`, message);
    }
  });

  return pages;
}
