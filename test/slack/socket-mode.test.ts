import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/client.js';
import { startSocketMode, type SlackApp } from '../../src/slack/index.js';
import { openTestDatabase } from '../support/databases.js';
import { FakeSlack } from './support/fake-slack.js';
import { TEAM, testConfig } from './support/slack-app.js';

const WebSocket = createRequire(import.meta.url)('ws');

const slack = new FakeSlack({ U0ANA: { tz: 'Europe/London', name: 'Ana Alvarez' } });

/** Slack's side of Socket Mode: apps.connections.open hands out a websocket URL; envelopes come over it and are acknowledged by id. */
describe('Socket Mode (SLACK_APP_TOKEN)', () => {
  let handle: DatabaseHandle;
  let server: any;
  let socket: any;
  let app: SlackApp;
  const received: any[] = [];

  beforeAll(async () => {
    slack.listen();
    handle = await openTestDatabase('pglite');
    server = new WebSocket.Server({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => server.once('listening', resolve));
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/link`;
    slack.override('apps.connections.open', () => ({ ok: true, url }), { once: false });
    const connected = new Promise<void>((resolve) =>
      server.on('connection', (ws: any) => {
        socket = ws;
        ws.on('message', (data: Buffer) => received.push(JSON.parse(data.toString())));
        ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'test' }, connection_info: { app_id: 'A0TEST' } }));
        resolve();
      }),
    );
    app = await startSocketMode({ db: handle.db, dbKind: handle.kind, config: testConfig({ appToken: 'xapp-1-test', signingSecret: undefined }), now: () => new Date('2027-03-01T08:00:00Z') });
    await connected;
  });

  afterAll(async () => {
    await app?.bolt.stop().catch(() => {});
    // Close the socket as Slack does (a close frame), not by dropping it, which the client logs as an error.
    await Promise.all([...(server?.clients ?? [])].map((ws: any) => new Promise((resolve) => ws.once('close', resolve).close(1000))));
    server?.close();
    await slack.settle();
    slack.close();
    await handle?.close();
  });

  it('connects with the app token at SLACK_API_URL, acknowledges /meet over the socket and opens the modal', async () => {
    const open = slack.callsOf('apps.connections.open')[0]!;
    expect(open.token).toBe('Bearer xapp-1-test');
    socket.send(
      JSON.stringify({
        envelope_id: 'env-1',
        type: 'slash_commands',
        accepts_response_payload: true,
        payload: { team_id: TEAM, user_id: 'U0ANA', channel_id: 'C0GENERAL', command: '/meet', text: '', trigger_id: 'trigger-socket', api_app_id: 'A0TEST', response_url: 'https://slack.test/r' },
      }),
    );
    const opened = await slack.waitFor('views.open');
    expect(opened.body.trigger_id).toBe('trigger-socket');
    expect(opened.token).toBe('Bearer xoxb-test-token');
    for (let i = 0; i < 200 && !received.some((m) => m.envelope_id === 'env-1'); i++) await new Promise((r) => setTimeout(r, 10));
    expect(received).toContainEqual(expect.objectContaining({ envelope_id: 'env-1' }));
    const filled = await slack.waitFor('views.update', (b) => b.view?.blocks?.some((x: any) => x.block_id === 'day'));
    expect(filled.body.view.blocks.find((b: any) => b.block_id === 'people').element.initial_users).toEqual(['U0ANA']);
  });
});
