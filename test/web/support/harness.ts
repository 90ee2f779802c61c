import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import { createApp } from '../../../src/app.js';
import { createBooking, type Booking } from '../../../src/bookings/index.js';
import type { Config } from '../../../src/config.js';
import type { DatabaseHandle } from '../../../src/db/client.js';
import { guestJoinUrl, joinUrl } from '../../../src/video/links.js';
import { openTestDatabase } from '../../support/databases.js';
import { seedTeam, type SeededTeam } from '../../support/fixtures.js';
import { fakeTwilio, testConfig } from '../../video/support.js';

/**
 * The call page in headless Chromium with a fake camera and microphone (real local tracks; two
 * fake cameras, as a phone has), the app serving it for real (PGlite, msw answering Twilio's REST
 * API), and twilio-video's connect() replaced at the page's boundary by fake-twilio-video.js.
 * Every page's console errors and uncaught exceptions are collected; `expectNoConsoleErrors`
 * fails a test on any but the HTTP statuses it expects.
 */

export const T = 'T0WEB';
export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 375, height: 740 };
export const VIEWPORTS = [
  ['phone', PHONE],
  ['desktop', DESKTOP],
] as const;
export const ARTIFACTS = new URL('../../../test-artifacts/', import.meta.url);
/** Where `npm run screenshots` writes the README's pictures. */
export const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS ? new URL('../../../docs/screenshots/', import.meta.url) : ARTIFACTS;

const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--use-fake-device-for-media-stream=device-count=2',
  '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
];

export interface Problem {
  page: string;
  text: string;
  url: string;
}

export interface Harness {
  base: string;
  unconfiguredBase: string;
  config: Config;
  handle: DatabaseHandle;
  team: SeededTeam;
  twilioMock: ReturnType<typeof fakeTwilio>;
  browser: Browser;
  clock: Date;
  problems: Problem[];
  book(options?: { title?: string; hostIds?: string[] }): Promise<Booking>;
  memberUrl(booking: Pick<Booking, 'id'>, participant?: string, origin?: string): Promise<string>;
  guestUrl(booking: Pick<Booking, 'id'>): Promise<string>;
  newContext(viewport?: { width: number; height: number }, options?: { fake?: boolean; initScript?: string }): Promise<BrowserContext>;
  openPage(url: string, options?: { viewport?: { width: number; height: number }; initScript?: string; fake?: boolean; context?: BrowserContext }): Promise<Page>;
  /** Fails on console errors and page exceptions, except "Failed to load resource" with one of these statuses. */
  expectNoConsoleErrors(allowedStatuses?: number[]): void;
  closeContexts(): Promise<void>;
  close(): Promise<void>;
}

async function listen(app: ReturnType<typeof createApp>): Promise<{ server: ServerType; url: string }> {
  return new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve({ server: s, url: `http://127.0.0.1:${info.port}` }));
  });
}

/** A harness for the test file: started before its tests, its browser contexts closed after each, all closed at the end. */
export function useHarness(): Harness {
  const h = {} as Harness;
  beforeAll(async () => {
    await startHarness(h);
  });
  afterEach(async () => {
    await h.closeContexts();
    h.problems.length = 0;
  });
  afterAll(() => h.close?.());
  return h;
}

export async function startHarness(h = {} as Harness, people: Record<string, string> = { U0ANA: 'Europe/London', U0BEN: 'America/New_York', U0CAL: 'Asia/Kolkata' }): Promise<Harness> {
  const twilioMock = fakeTwilio();
  twilioMock.server.listen({ onUnhandledRequest: 'bypass' });
  await mkdir(ARTIFACTS, { recursive: true });
  await mkdir(SCREENSHOTS, { recursive: true });
  const fakeVideo = await readFile(new URL('../fake-twilio-video.js', import.meta.url), 'utf8');
  const handle = await openTestDatabase('pglite');
  const team = await seedTeam(handle.db, T, people);
  const config = testConfig();
  const servers: ServerType[] = [];
  const contexts: BrowserContext[] = [];
  let slot = 0;
  // The browser tests book far more from one address than a visitor would.
  const publicRateLimits = { writesPerAddress: { limit: 10_000, windowMs: 60_000 }, readsPerAddress: { limit: 10_000, windowMs: 60_000 }, bookingsPerLink: { limit: 10_000, windowMs: 60_000 } };
  const started = await listen(createApp({ db: handle.db, dbKind: handle.kind, config, now: () => h.clock, publicRateLimits }));
  servers.push(started.server);
  config.publicUrl = started.url;
  const unconfigured = await listen(createApp({ db: handle.db, dbKind: handle.kind, config: { ...testConfig({ twilio: null }), publicUrl: started.url }, now: () => h.clock }));
  servers.push(unconfigured.server);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });

  const track = (context: BrowserContext) => {
    context.on('page', (page) => watch(page));
    contexts.push(context);
    return context;
  };
  const watch = (page: Page) => {
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() === 'error') h.problems.push({ page: page.url(), text: message.text(), url: message.location().url });
    });
    page.on('pageerror', (error) => h.problems.push({ page: page.url(), text: `uncaught: ${error.message}`, url: '' }));
  };

  Object.assign(h, {
    base: started.url,
    unconfiguredBase: unconfigured.url,
    config,
    handle,
    team,
    twilioMock,
    browser,
    clock: new Date(),
    problems: [],
    /** A fresh meeting at 15:00 UTC on a weekday from Monday 1 March 2027 (10:00 in New York), the clock 5 minutes before it. */
    async book(options = {}) {
      const n = slot++;
      const start = new Date(Date.UTC(2027, 2, 1 + Math.floor(n / 5) * 7 + (n % 5), 15, 0));
      const { booking } = await createBooking(
        handle.db,
        T,
        {
          meetingTypeId: team.types.m30.id,
          organizerId: 'U0ANA',
          hostIds: options.hostIds ?? ['U0BEN'],
          guests: [{ name: 'Dana Guest' }],
          start: start.toISOString(),
          source: 'api',
          title: options.title ?? 'Quarterly review',
        },
        { now: new Date(start.getTime() - 3 * 86_400_000) },
      );
      h.clock = new Date(start.getTime() - 5 * 60_000);
      return booking;
    },
    async memberUrl(booking, participant = 'U0ANA', origin = started.url) {
      return (await joinUrl(config, { teamId: T, bookingId: booking.id, participant })).replace(started.url, origin);
    },
    async guestUrl(booking) {
      return guestJoinUrl(config, { teamId: T, bookingId: booking.id });
    },
    async newContext(viewport = DESKTOP, options = {}) {
      const context = track(await browser.newContext({ viewport, timezoneId: 'America/New_York', locale: 'en-GB' }));
      if (options.fake !== false) await context.addInitScript({ content: fakeVideo });
      if (options.initScript) await context.addInitScript({ content: options.initScript });
      return context;
    },
    async openPage(url, options = {}) {
      const context = options.context ?? (await h.newContext(options.viewport, options));
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      await page.goto(url);
      return page;
    },
    expectNoConsoleErrors(allowedStatuses = []) {
      const unexpected = h.problems.filter((p) => {
        const status = /^Failed to load resource: the server responded with a status of (\d+)/.exec(p.text);
        return !(status && allowedStatuses.includes(Number(status[1])));
      });
      h.problems.length = 0;
      expect(unexpected).toEqual([]);
    },
    async closeContexts() {
      await Promise.all(contexts.splice(0).map((c) => c.close()));
      twilioMock.state.failWith = 0;
    },
    async close() {
      await browser.close();
      for (const s of servers) s.close();
      twilioMock.server.close();
      await handle.close();
    },
  } satisfies Omit<Harness, never>);
  return h;
}

/** True once the <video> shows moving, non-uniform frames. */
export async function expectLiveVideo(page: Page, selector: string): Promise<void> {
  await page.waitForFunction((sel) => {
    const video = document.querySelector<HTMLVideoElement>(sel);
    return Boolean(video && video.videoWidth > 0 && video.readyState >= 2 && video.currentTime > 0);
  }, selector);
  const sample = () =>
    page.evaluate((sel) => {
      const video = document.querySelector<HTMLVideoElement>(sel)!;
      const canvas = document.createElement('canvas');
      canvas.width = 64;
      canvas.height = 36;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(video, 0, 0, 64, 36);
      const data = ctx.getImageData(0, 0, 64, 36).data;
      let min = 255;
      let max = 0;
      let sum = 0;
      for (let i = 0; i < data.length; i += 4) {
        const luma = (data[i]! + data[i + 1]! + data[i + 2]!) / 3;
        min = Math.min(min, luma);
        max = Math.max(max, luma);
        sum += luma * (i + 1);
      }
      return { spread: max - min, checksum: sum, time: video.currentTime };
    }, selector);
  // Under load the first frames drawn can still be blank: wait for a picture (expect.poll's 10 s).
  let first!: Awaited<ReturnType<typeof sample>>;
  await expect.poll(async () => (first = await sample()).spread, { interval: 100 }).toBeGreaterThan(20);
  await page.waitForFunction(({ sel, t }) => document.querySelector<HTMLVideoElement>(sel)!.currentTime > t + 0.2, { sel: selector, t: first.time });
  const second = await sample();
  expect(second.checksum).not.toBe(first.checksum);
}

export async function join(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Join' }).click();
  await page.locator('#call').waitFor({ state: 'visible' });
}

const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core run in the page (evaluated, so the page's CSP does not stop it): no serious or critical violations. */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  await page.evaluate(await axeSource);
  const violations = await page.evaluate(async () => {
    const result = await (window as any).axe.run(document, { resultTypes: ['violations'] });
    return (result.violations as { id: string; impact: string; help: string; nodes: { target: string[] }[] }[]).map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')).slice(0, 5),
    }));
  });
  expect({ view: label, violations: violations.filter((v) => v.impact === 'serious' || v.impact === 'critical') }).toEqual({ view: label, violations: [] });
}

/** Every element whose text is cut off (overflowing its box without wrapping). */
export async function clippedText(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((sel) => {
    return [...document.querySelectorAll<HTMLElement>(sel)]
      .filter((e) => e.offsetParent !== null && (e.scrollWidth > e.clientWidth + 1 || getComputedStyle(e).textOverflow === 'ellipsis'))
      .map((e) => e.textContent ?? '');
  }, selector);
}
