import type { Hono } from 'hono';
import { createApp } from '../../src/app.js';
import { createApiKey } from '../../src/api/keys.js';
import { createBookingLink, type BookingLink } from '../../src/bookings/index.js';
import type { Config } from '../../src/config.js';
import type { DatabaseHandle } from '../../src/db/client.js';
import { withTeam } from '../../src/db/tenant.js';
import type { PublicRateLimits } from '../../src/public/rate-limits.js';
import { openTestDatabase, type DatabaseKind } from '../support/databases.js';
import { seedTeam, type SeededTeam } from '../support/fixtures.js';

export const T = 'T0PUBLIC';
export const LINK_SECRET = 'public-pages-link-secret-0123456789ab';

export function publicConfig(overrides: Partial<Config> = {}): Config {
  return {
    port: 0,
    publicUrl: 'https://meet.test',
    dataDir: '/nonexistent',
    linkSecret: LINK_SECRET,
    slack: { apiUrl: 'https://slack.invalid/api/' },
    twilio: { apiUrl: 'https://video.twilio.invalid' },
    email: {},
    ...overrides,
  };
}

export interface PublicHarness {
  handle: DatabaseHandle;
  team: SeededTeam;
  clock: { now: Date };
  key: string;
  /** An app on the shared database; the visitor's address comes from the X-Test-Ip header. */
  app(options?: { limits?: Partial<PublicRateLimits>; config?: Partial<Config> }): Hono;
  link(input: Record<string, unknown>): Promise<BookingLink>;
  close(): Promise<void>;
}

/** A team (default meeting types; Ana and Ben in London, Cal in Kolkata) on a fresh database, a settable clock. */
export async function openPublicHarness(kind: DatabaseKind, now: Date): Promise<PublicHarness> {
  const handle = await openTestDatabase(kind);
  const team = await seedTeam(handle.db, T, { U0ANA: 'Europe/London', U0BEN: 'Europe/London', U0CAL: 'Asia/Kolkata' });
  const clock = { now };
  const key = (await createApiKey(handle.db, { teamId: T, name: 'tests' })).key;
  return {
    handle,
    team,
    clock,
    key,
    app: (options = {}) =>
      createApp({
        db: handle.db,
        dbKind: handle.kind,
        config: publicConfig(options.config),
        now: () => clock.now,
        clientIp: (c) => c.req.header('x-test-ip') ?? '203.0.113.1',
        // Generous unless a test sets its own: one test file books far more than a visitor would.
        publicRateLimits: { readsPerAddress: { limit: 10_000, windowMs: 60_000 }, writesPerAddress: { limit: 10_000, windowMs: 60_000 }, bookingsPerLink: { limit: 10_000, windowMs: 60_000 }, ...options.limits },
      }),
    link: (input) => withTeam(handle.db, T, (tx) => createBookingLink(tx, T, { meetingTypeId: team.types.m30.id, mode: 'one', hostIds: ['U0ANA'], ...input }, 'U0ANA')),
    close: () => handle.close(),
  };
}

export interface Answer {
  status: number;
  body: any;
  text: string;
  headers: Headers;
}

export async function request(app: Hono, method: string, path: string, options: { json?: unknown; form?: Record<string, string>; ip?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (options.ip) headers['x-test-ip'] = options.ip;
  let body: string | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  }
  const response = await app.request(path, { method, headers, body, redirect: 'manual' });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed, text, headers: response.headers };
}

/** The data the booking page hands its script. */
export function pageData(html: string): any {
  const json = /<script type="application\/json" id="booking-data">([\s\S]*?)<\/script>/.exec(html)?.[1];
  if (!json) throw new Error('the page has no booking data');
  return JSON.parse(json);
}

export function booking(start: string, extra: Record<string, unknown> = {}) {
  return { start, timeZone: 'Europe/London', idempotencyKey: crypto.randomUUID(), name: 'Dana Guest', email: 'dana@example.com', answers: {}, ...extra };
}
