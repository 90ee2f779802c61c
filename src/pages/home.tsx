/** @jsxImportSource hono/jsx */
import { Hono } from 'hono';
import type { AppDeps } from '../app.js';
import { pagesRenderer } from './layout.js';

export interface HomeOptions {
  /** Where this server explains the Slack set-up; absent where the Slack endpoint runs elsewhere (the Worker). */
  slackSetupPath?: string;
}

/** GET /: what this server is, with the way to its API reference, its health check and the Slack set-up. */
export function homePage(deps: Pick<AppDeps, 'config' | 'dbKind'>, options: HomeOptions = {}): Hono {
  const page = new Hono();
  page.use('/', pagesRenderer());
  page.get('/', (c) => c.render(<Home {...homeProps(deps, options)} />, { title: 'Home' }));
  return page;
}

interface HomeProps {
  slack: string;
  video: string;
  database: string;
  slackSetupPath?: string;
}

function homeProps({ config, dbKind }: Pick<AppDeps, 'config' | 'dbKind'>, options: HomeOptions): HomeProps {
  const { slack, twilio } = config;
  const slackState = !options.slackSetupPath
    ? 'handled by the Node server, not here'
    : slack.botToken && slack.appToken
      ? 'connected over Socket Mode'
      : slack.botToken && slack.signingSecret
        ? `requests at ${config.publicUrl}/slack/events`
        : 'not set up yet';
  const videoReady = twilio.accountSid && twilio.apiKey && twilio.apiSecret && twilio.authToken;
  return {
    slack: slackState,
    video: videoReady ? 'Twilio Video' : 'not set up yet: join links open, calls cannot start',
    database: dbKind === 'pglite' ? 'embedded (PGlite)' : 'Postgres',
    slackSetupPath: options.slackSetupPath,
  };
}

function Home(props: HomeProps) {
  return (
    <>
      <h1>Meetings for Slack</h1>
      <p>
        This server books video meetings from Slack: <code>/meet</code> finds a time that suits everyone and posts the meeting with a
        link to its video call. The same bookings are open to other tools through an HTTP API.
      </p>
      <nav aria-label="This server">
        <ul>
          <li>
            <a href="/api/docs">API reference</a>
            <p>
              The meetings API under <code>/api/meetings</code>, with the <a href="/api/openapi.json">OpenAPI document</a>.
            </p>
          </li>
          <li>
            <a href="/healthz">Health check</a>
            <p>Whether the server and its database answer.</p>
          </li>
          {props.slackSetupPath ? (
            <li>
              <a href={props.slackSetupPath}>Slack set-up</a>
              <p>Create the Slack app from its manifest and connect it to this server.</p>
            </li>
          ) : null}
        </ul>
      </nav>
      <h2>Status</h2>
      <dl>
        <dt>Slack</dt>
        <dd>{props.slack}</dd>
        <dt>Video calls</dt>
        <dd>{props.video}</dd>
        <dt>Database</dt>
        <dd>{props.database}</dd>
      </dl>
    </>
  );
}
