import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import { serve, type ServerType } from '@hono/node-server';
import type { Browser, Page } from 'playwright-core';
import { parse } from 'yaml';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import type { Config } from '../../src/config.js';
import type { DatabaseHandle } from '../../src/db/client.js';
import { MANIFEST_URL_FIELDS } from '../../src/pages/slack-setup.js';
import { createWebApp } from '../../src/web-app.js';
import { openTestDatabase } from '../support/databases.js';
import { testConfig } from '../video/support.js';
import { accessibilityViolations, launchChromium } from './support/browser.js';

/** The server's own pages, GET / and GET /setup, in Chromium: found by role and name, checked by axe-core. */

let handle: DatabaseHandle;
let server: ServerType;
let base: string;
let browser: Browser;
const pages: Page[] = [];

const slackSettings = (slack: Partial<Config['slack']>): Config => {
  const config = testConfig({ publicUrl: 'https://meet.acme.test' });
  return { ...config, slack: { ...config.slack, ...slack } };
};

beforeAll(async () => {
  handle = await openTestDatabase('pglite');
  const app = createApp({ db: handle.db, dbKind: handle.kind, config: testConfig({ publicUrl: 'http://localhost:3000', twilio: null }) });
  ({ server, base } = await new Promise<{ server: ServerType; base: string }>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve({ server: s, base: `http://127.0.0.1:${info.port}` }));
  }));
  browser = await launchChromium();
});

afterEach(async () => {
  await Promise.all(pages.splice(0).map((page) => page.context().close()));
});

afterAll(async () => {
  await browser?.close();
  server?.close();
  await handle?.close();
});

async function open(path: string, colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1024, height: 768 }, colorScheme })).newPage();
  pages.push(page);
  await page.goto(`${base}${path}`);
  return page;
}

describe('GET /', () => {
  it('says what this server is and leads to the API reference, the health check and the Slack set-up', async () => {
    const page = await open('/');
    await expect(page.title()).resolves.toBe('Home · Meetings for Slack');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Meetings for Slack');
    expect(await page.getByRole('main').textContent()).toContain('books video meetings from Slack');
    const nav = page.getByRole('navigation', { name: 'This server' });
    expect(await nav.getByRole('link').allTextContents()).toEqual(['API reference', 'OpenAPI document', 'Health check', 'Slack set-up']);
    // Not set up yet: says so, next to what is.
    expect(await page.getByRole('definition').allTextContents()).toEqual(['not set up yet', 'not set up yet: join links open, calls cannot start', 'embedded (PGlite)']);
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(await accessibilityViolations(await open('/', 'dark'))).toEqual([]);

    await nav.getByRole('link', { name: 'API reference' }).click();
    await page.waitForURL(`${base}/api/docs`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBeTruthy();

    await page.goBack();
    await nav.getByRole('link', { name: 'Health check' }).click();
    await page.waitForURL(`${base}/healthz`);
    expect(JSON.parse((await page.locator('body').textContent())!)).toMatchObject({ status: 'ok', database: { kind: 'pglite' } });

    await page.goBack();
    await nav.getByRole('link', { name: 'Slack set-up' }).click();
    await page.waitForURL(`${base}/setup`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Slack set-up');
  });

  it('on the Worker, where Slack is served by the Node app, says so and has no set-up link', async () => {
    const worker = createWebApp({ db: handle.db, dbKind: 'postgres', config: testConfig() });
    const html = await (await worker.request('/')).text();
    expect(html).not.toContain('href="/setup"');
    expect(html).toContain('handled by the Node server, not here');
    expect((await worker.request('/setup')).status).toBe(404);
  });
});

describe('GET /setup', () => {
  it('walks through creating the Slack app, with the manifest filled in for this server', async () => {
    const page = await open('/setup');
    expect(await page.getByRole('status').textContent()).toMatch(/^Slack is not configured yet/);
    const steps = page.getByRole('list').first();
    expect(await steps.getByRole('listitem').first().textContent()).toContain('Create New App');
    // PUBLIC_URL is localhost here: Slack cannot reach it, and the page says what to do instead.
    expect(await page.getByText('is not reachable from Slack').textContent()).toContain('Socket Mode');
    const manifest = parse((await page.getByRole('region', { name: 'Manifest for this server' }).locator('code').textContent())!);
    const urls = [
      manifest.features.slash_commands[0].url,
      manifest.settings.event_subscriptions.request_url,
      manifest.settings.interactivity.request_url,
      manifest.settings.interactivity.message_menu_options_url,
    ];
    expect(urls).toEqual(Array(4).fill('http://localhost:3000/slack/events'));
    expect(MANIFEST_URL_FIELDS).toHaveLength(4);
    for (const [field] of MANIFEST_URL_FIELDS) expect(await page.getByText(field, { exact: true }).count()).toBe(1);
    expect(await accessibilityViolations(page)).toEqual([]);
    expect(await accessibilityViolations(await open('/setup', 'dark'))).toEqual([]);
  });

  it('says how Slack is connected once it is configured, over HTTP or Socket Mode', async () => {
    const http = createApp({ db: handle.db, dbKind: handle.kind, config: slackSettings({ botToken: 'xoxb-1', signingSecret: 'secret' }) });
    const httpPage = await (await http.request('/setup')).text();
    expect(httpPage).toContain('Slack is configured over HTTP');
    expect(httpPage).toContain('https://meet.acme.test/slack/events');
    expect(httpPage).not.toContain('is not reachable from Slack');
    const socket = createApp({ db: handle.db, dbKind: handle.kind, config: slackSettings({ botToken: 'xoxb-1', appToken: 'xapp-1' }) });
    expect(await (await socket.request('/setup')).text()).toContain('Slack is configured over Socket Mode');
    expect(await (await socket.request('/')).text()).toContain('connected over Socket Mode');
  });

  it('lists exactly the request URLs manifest.yml has', async () => {
    const file = await readFile(new URL('../../manifest.yml', import.meta.url), 'utf8');
    expect(file.match(/https:\/\/meet\.example\.com\/slack\/events/g)).toHaveLength(MANIFEST_URL_FIELDS.length);
  });
});
