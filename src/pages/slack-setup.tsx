/** @jsxImportSource hono/jsx */
import { readFile } from 'node:fs/promises';
import { Hono } from 'hono';
import type { AppDeps } from '../app.js';
import { pagesRenderer } from './layout.js';

/** The address manifest.yml uses for this server; the set-up page puts PUBLIC_URL in its place. */
export const MANIFEST_PLACEHOLDER_URL = 'https://meet.example.com';

/** The four places in manifest.yml where Slack is told this server's address. */
export const MANIFEST_URL_FIELDS = [
  ['features.slash_commands[0].url', 'the /meet command'],
  ['settings.event_subscriptions.request_url', 'the Home tab’s event'],
  ['settings.interactivity.request_url', 'buttons and modals'],
  ['settings.interactivity.message_menu_options_url', 'the time list on busy days'],
] as const;

/**
 * GET /setup (Node only: the Slack endpoint runs there): how to create the Slack app for this
 * server, with manifest.yml's URLs already set to PUBLIC_URL, and whether Slack is configured.
 */
export function slackSetupPage(deps: Pick<AppDeps, 'config'>): Hono {
  const page = new Hono();
  page.use('/', pagesRenderer());
  page.get('/', async (c) => {
    const file = await readFile(new URL('../../manifest.yml', import.meta.url), 'utf8');
    // Its opening comment tells how to fill in the URLs, which this page has done.
    const manifest = file.replace(/^(#.*\n)+/, '').replaceAll(MANIFEST_PLACEHOLDER_URL, deps.config.publicUrl);
    return c.render(<SlackSetup config={deps.config} manifest={manifest} />, { title: 'Slack set-up' });
  });
  return page;
}

function SlackSetup({ config, manifest }: { config: AppDeps['config']; manifest: string }) {
  const { slack, publicUrl } = config;
  const events = `${publicUrl}/slack/events`;
  const local = /^http:\/\/(localhost|127\.|\[::1\])/.test(publicUrl);
  const state =
    slack.botToken && slack.appToken
      ? 'Slack is configured over Socket Mode (SLACK_BOT_TOKEN and SLACK_APP_TOKEN are set): Slack reaches this server without a public URL.'
      : slack.botToken && slack.signingSecret
        ? `Slack is configured over HTTP (SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set): Slack sends its requests to ${events}.`
        : 'Slack is not configured yet: follow the steps below, then set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode) and restart the server.';
  return (
    <>
      <h1>Slack set-up</h1>
      <p role="status">{state}</p>
      <h2>Steps</h2>
      <ol>
        <li>
          On Slack's app management page (api.slack.com/apps) choose <strong>Create New App</strong>, then <strong>From a manifest</strong>, and
          pick your workspace.
        </li>
        <li>
          Paste the manifest below. Its four request URLs already point at this server, <code>{events}</code>:
          <ul>
            {MANIFEST_URL_FIELDS.map(([field, what]) => (
              <li>
                <code>{field}</code> ({what})
              </li>
            ))}
          </ul>
          {local ? (
            <p class="note">
              <code>{publicUrl}</code> is not reachable from Slack. Set <code>PUBLIC_URL</code> to an HTTPS address that reaches this server
              (a tunnel to it, for example), or use Socket Mode: set <code>settings.socket_mode_enabled: true</code> in the manifest, and the
              request URLs are not used.
            </p>
          ) : null}
        </li>
        <li>
          <strong>Create</strong>, then <strong>Install to Workspace</strong>.
        </li>
        <li>
          Copy the <strong>Bot User OAuth Token</strong> (<code>xoxb-…</code>, under OAuth &amp; Permissions) into <code>SLACK_BOT_TOKEN</code>,
          and the <strong>Signing Secret</strong> (Basic Information) into <code>SLACK_SIGNING_SECRET</code>. For Socket Mode, generate an
          app-level token with the <code>connections:write</code> scope (Basic Information) and set it as <code>SLACK_APP_TOKEN</code>.
        </li>
        <li>
          Restart the server, then type <code>/meet</code> in a channel.
        </li>
      </ol>
      <section aria-labelledby="manifest-heading">
        <h2 id="manifest-heading">Manifest for this server</h2>
        {/* Focusable, so a keyboard can scroll its long lines. */}
        <pre tabindex={0}>
          <code>{manifest}</code>
        </pre>
      </section>
    </>
  );
}
