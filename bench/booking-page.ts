import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { chromium } from 'playwright-core';
import { createApp } from '../src/app.js';
import { createBookingLink, ensureTeam, listMeetingTypes, replaceSchedule, upsertPerson } from '../src/bookings/index.js';
import type { Config } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { withTeam } from '../src/db/tenant.js';
import { measureInterleaved, type PageFigures } from './stats.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const TEAM = 'T0BENCH';
const MARK = 'booking:first-times';

/**
 * The floor: a page that arrives with 16 time buttons already in its HTML and marks the first
 * frame that shows them, the same way the booking page's script does.
 */
const BARE_TIMES = `<!doctype html><html><head><meta name="viewport" content="width=device-width"><link rel="stylesheet" href="/assets/booking.css"></head><body><ul>${Array.from(
  { length: 16 },
  (_, i) => `<li><button type="button">${String(9 + Math.floor(i / 2)).padStart(2, '0')}:${i % 2 ? '30' : '00'}</button></li>`,
).join('')}</ul><script src="/bench/mark.js" defer></script></body></html>`;
const MARK_SCRIPT = `requestAnimationFrame(() => performance.mark('${MARK}'));`;

/**
 * Navigation to the first free times on the screen, in headless Chromium: from the start of
 * navigation (performance.timeOrigin) to the first animation frame after the booking page's
 * script drew the chosen day's times (its performance mark). Beside it, measured the same way in
 * the same run: a bare page whose times are already in its HTML (the floor), and a blank page
 * (the browser's own cost). Each run is a fresh browser context (nothing cached), against the
 * real app on PGlite, a round-robin link of three hosts.
 */
export async function benchBookingPage(): Promise<Record<string, PageFigures & { 'vs bare times'?: string }>> {
  const database = await openDatabase({ dataDir: 'memory://' });
  const config: Config = {
    port: 0,
    publicUrl: 'http://127.0.0.1',
    dataDir: '/nonexistent',
    linkSecret: 'bench-link-secret-0123456789abcdef',
    slack: { apiUrl: 'https://slack.bench/api/' },
    email: {},
    twilio: { apiUrl: 'https://video.twilio.bench' },
  };
  const now = new Date('2027-03-01T07:00:00Z');
  await withTeam(database.db, TEAM, async (tx) => {
    await ensureTeam(tx, TEAM, 'Bench');
    for (const [id, zone] of [['U0ANA', 'Europe/London'], ['U0BEN', 'America/New_York'], ['U0CAL', 'Asia/Kolkata']] as const) {
      await upsertPerson(tx, TEAM, { slackUserId: id, name: `Host ${id}`, timeZone: zone });
      await replaceSchedule(tx, TEAM, id, { timeZone: zone, rules: [{ rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', start: '09:00', end: '17:00' }], overrides: [] });
    }
    const types = await listMeetingTypes(tx);
    await createBookingLink(tx, TEAM, { slug: 'intro', meetingTypeId: types[1]!.id, mode: 'any', hostIds: ['U0ANA', 'U0BEN', 'U0CAL'] }, 'U0ANA');
  });

  const app = new Hono();
  app.get('/bench/blank', (c) => c.html('<!doctype html><title>blank</title>'));
  app.get('/bench/bare', (c) => c.html(BARE_TIMES));
  app.get('/bench/mark.js', (c) => c.body(MARK_SCRIPT, 200, { 'content-type': 'text/javascript' }));
  app.route('/', createApp({ db: database.db, dbKind: 'pglite', config, now: () => now, publicRateLimits: { readsPerAddress: { limit: 1_000_000, windowMs: 60_000 } } }));
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });

  // A string, not a function: tsx's transform would put helpers in a function's source that the page lacks.
  const firstTimes = `new Promise((resolve) => {
    const check = () => {
      const mark = performance.getEntriesByName('${MARK}')[0];
      if (mark) resolve(mark.startTime);
      else setTimeout(check, 2);
    };
    check();
  })`;
  const measure = async (url: string, until: 'load' | 'times'): Promise<number> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, timezoneId: 'America/New_York' });
    const page = await context.newPage();
    await page.goto(url, { waitUntil: until === 'load' ? 'load' : 'commit' });
    const ms = until === 'load' ? await page.evaluate<number>(`performance.getEntriesByType('navigation')[0].duration`) : await page.evaluate<number>(firstTimes);
    if (until === 'times' && url.includes('/book/') && !(await page.locator('#times-list button[data-time]').count())) throw new Error('the booking page showed no free times');
    await context.close();
    return ms;
  };

  try {
    const cases = { blank: [`${base}/bench/blank`, 'load'], bare: [`${base}/bench/bare`, 'times'], booking: [`${base}/book/${TEAM}/intro`, 'times'] } as const;
    const figures = await measureInterleaved(cases, ([url, until]) => measure(url, until), RUNS);
    const { bare, booking } = figures;
    return {
      'navigation → load, blank page': figures.blank,
      'navigation → times on screen, bare page (times in its HTML)': { ...bare, 'vs bare times': '1.00' },
      'navigation → first free times on screen, booking page': { ...booking, 'vs bare times': (booking['p50 ms'] / bare['p50 ms']).toFixed(2) },
    };
  } finally {
    await browser.close();
    server.close();
    await database.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.table(await benchBookingPage());
  process.exit(0);
}
