import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { chromium } from 'playwright-core';
import { createApp } from '../src/app.js';
import { createBooking, createMeetingType, ensureTeam, replaceSchedule, upsertPerson } from '../src/bookings/index.js';
import type { Config } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { withTeam } from '../src/db/tenant.js';
import { joinUrl } from '../src/video/links.js';
import { measureInterleaved, type PageFigures } from './stats.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const TEAM = 'T0BENCH';

/** A page with nothing but a camera preview: the floor for "navigation to live video" in this browser. */
const BARE_PREVIEW = `<!doctype html><html><body><video id="preview" autoplay muted playsinline></video>
<script src="/bench/bare.js"></script></body></html>`;
const BARE_SCRIPT = `navigator.mediaDevices.getUserMedia({ audio: true, video: { width: { ideal: 1280 }, height: { ideal: 720 } } })
  .then((s) => { document.getElementById('preview').srcObject = s; });`;

/**
 * Navigation to a live camera preview on the call page, in headless Chromium with the fake
 * camera: from the start of navigation (performance.timeOrigin) to the first frame the preview
 * <video> plays. Beside it, measured the same way in the same run, a bare page that only asks for
 * the camera and shows it (the floor), and navigation to a blank page (the browser's own cost).
 * Each run is a fresh browser context (nothing cached), against the real app on PGlite.
 */
export async function benchCallPage(): Promise<Record<string, PageFigures & { 'vs bare preview'?: string }>> {
  const database = await openDatabase({ dataDir: 'memory://' });
  const linkSecret = 'bench-link-secret-0123456789abcdef';
  const config: Config = {
    port: 0,
    publicUrl: 'http://127.0.0.1',
    dataDir: '/nonexistent',
    linkSecret,
    email: {},
    slack: { apiUrl: 'https://slack.bench/api/' },
    twilio: { accountSid: 'AC0', apiKey: 'SK0', apiSecret: 'secret', authToken: 'token', apiUrl: 'https://video.twilio.bench' },
  };
  const now = new Date('2027-03-01T14:55:00Z');
  const bookingId = await withTeam(database.db, TEAM, async (tx) => {
    await ensureTeam(tx, TEAM, 'Bench');
    await upsertPerson(tx, TEAM, { slackUserId: 'U0ANA', name: 'Ana', timeZone: 'UTC' });
    await replaceSchedule(tx, TEAM, 'U0ANA', { timeZone: 'UTC', rules: [{ rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', start: '00:00', end: '23:59' }], overrides: [] });
    return (await createMeetingType(tx, TEAM, { name: 'Bench call', durationMinutes: 30, slotIntervalMinutes: 30 })).id;
  }).then(async (typeId) => {
    const { booking } = await createBooking(database.db, TEAM, { meetingTypeId: typeId, organizerId: 'U0ANA', start: '2027-03-01T15:00:00Z', source: 'api', title: 'Bench call' }, { now: new Date('2027-02-26T12:00:00Z') });
    return booking.id;
  });

  const app = new Hono();
  app.get('/bench/blank', (c) => c.html('<!doctype html><title>blank</title>'));
  app.get('/bench/bare', (c) => c.html(BARE_PREVIEW));
  app.get('/bench/bare.js', (c) => c.body(BARE_SCRIPT, 200, { 'content-type': 'text/javascript' }));
  app.route('/', createApp({ db: database.db, dbKind: 'pglite', config, now: () => now }));
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  config.publicUrl = base;
  const callUrl = await joinUrl(config, { teamId: TEAM, bookingId, participant: 'U0ANA' });
  const fakeVideo = await readFile(new URL('../test/web/fake-twilio-video.js', import.meta.url), 'utf8');
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
  });

  // A string, not a function: tsx's transform would put helpers in a function's source that the page lacks.
  const firstFrame = `new Promise((resolve) => {
    const check = () => {
      const video = document.getElementById('preview');
      if (video && video.videoWidth > 0 && video.currentTime > 0) resolve(performance.now());
      else setTimeout(check, 2);
    };
    check();
  })`;
  const measure = async (url: string, until: 'load' | 'preview'): Promise<number> => {
    const context = await browser.newContext();
    await context.addInitScript({ content: fakeVideo });
    const page = await context.newPage();
    await page.goto(url, { waitUntil: until === 'load' ? 'load' : 'commit' });
    const ms = until === 'load' ? await page.evaluate<number>(`performance.getEntriesByType('navigation')[0].duration`) : await page.evaluate<number>(firstFrame);
    await context.close();
    return ms;
  };

  try {
    const cases = { blank: [`${base}/bench/blank`, 'load'], bare: [`${base}/bench/bare`, 'preview'], call: [callUrl, 'preview'] } as const;
    const figures = await measureInterleaved(cases, ([url, until]) => measure(url, until), RUNS);
    const { bare, call } = figures;
    return {
      'navigation → load, blank page': figures.blank,
      'navigation → live preview, bare getUserMedia page': { ...bare, 'vs bare preview': '1.00' },
      'navigation → live preview, call page': { ...call, 'vs bare preview': (call['p50 ms'] / bare['p50 ms']).toFixed(2) },
    };
  } finally {
    await browser.close();
    server.close();
    await database.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.table(await benchCallPage());
  process.exit(0);
}
