import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/api/keys.js';
import { createBookingLink, ensureTeam, listMeetingTypes, upsertPerson } from '../../src/bookings/index.js';
import { withTeam } from '../../src/db/tenant.js';
import type { DatabaseHandle } from '../../src/db/client.js';
import { openTestDatabase } from '../support/databases.js';

const run = promisify(execFile);
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) console.warn('test/worker: skipped, it needs Postgres: set DATABASE_URL (the Worker reaches Postgres through Hyperdrive)');

/**
 * Builds the Worker bundle the way `wrangler deploy` does (--dry-run --outdir), then serves
 * requests through it in workerd (Miniflare) with a Hyperdrive binding to the local Postgres.
 */
describe.skipIf(!databaseUrl)('the Cloudflare Worker in workerd, against Postgres', () => {
  let outdir: string;
  let handle: DatabaseHandle;
  let mf: Miniflare;
  let key: string;

  beforeAll(async () => {
    outdir = await mkdtemp(join(tmpdir(), 'meetings-worker-'));
    await mkdir('web/dist', { recursive: true }); // wrangler.toml's [assets] directory (npm run build:web fills it)
    await run(join('node_modules', '.bin', 'wrangler'), ['deploy', '--dry-run', '--outdir', outdir], {
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' },
      maxBuffer: 16 * 1024 * 1024,
    });
    handle = await openTestDatabase('postgres');
    key = (await createApiKey(handle.db, { teamId: 'T0WORKER', name: 'edge' })).key;
    const url = new URL(databaseUrl!);
    url.pathname = `/${handle.location.split('/').pop()}`;
    // Miniflare insists on a password; a trust-auth server ignores it.
    if (!url.password) url.password = 'unused';
    mf = new Miniflare({
      modules: true,
      scriptPath: join(outdir, 'worker.js'),
      modulesRoot: outdir,
      compatibilityDate: '2025-09-01',
      compatibilityFlags: ['nodejs_compat'],
      hyperdrives: { HYPERDRIVE: url.toString() },
      bindings: { LINK_SECRET: 'worker-test-link-secret-worker-test-0123' },
    });
    await mf.ready;
  }, 120_000);

  afterAll(async () => {
    await mf?.dispose();
    await handle?.close();
    if (outdir) await rm(outdir, { recursive: true, force: true });
  });

  it('bundles into one module', async () => {
    expect(await readdir(outdir)).toContain('worker.js');
  });

  it('answers the health check from Postgres', async () => {
    const response = await mf.dispatchFetch('http://worker.test/healthz');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ok', database: { kind: 'postgres', ok: true } });
  });

  it('serves the API with a team key, inside the team\'s row-level security', async () => {
    const unauthorized = await mf.dispatchFetch('http://worker.test/api/meetings/meeting-types');
    expect(unauthorized.status).toBe(401);
    expect(((await unauthorized.json()) as any).error.code).toBe('unauthorized');

    const response = await mf.dispatchFetch('http://worker.test/api/meetings/meeting-types', { headers: { Authorization: `Bearer ${key}` } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as any;
    expect(body.meetingTypes.map((t: any) => t.durationMinutes)).toEqual([15, 30, 60]);
  });

  it('books through the Worker, and the booking is in Postgres', async () => {
    const auth = { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' };
    const types = (await (await mf.dispatchFetch('http://worker.test/api/meetings/meeting-types', { headers: auth })).json()) as any;
    const put = await mf.dispatchFetch('http://worker.test/api/meetings/availability/people/U0EDGE', {
      method: 'PUT',
      headers: auth,
      body: JSON.stringify({ name: 'Edge', timeZone: 'UTC' }),
    });
    expect(put.status).toBe(200);
    const start = nextWeekdayAt(10);
    const created = await mf.dispatchFetch('http://worker.test/api/meetings/bookings', {
      method: 'POST',
      headers: { ...auth, 'Idempotency-Key': 'edge-1' },
      body: JSON.stringify({ meetingTypeId: types.meetingTypes[1].id, organizerId: 'U0EDGE', start: start.toISOString(), timeZone: 'Asia/Tokyo' }),
    });
    const body = (await created.json()) as any;
    expect(created.status, JSON.stringify(body)).toBe(201);
    expect(body.booking.startUtc).toBe(start.toISOString());
    expect(body.booking.start).toMatch(/\+09:00$/);
    const rows = await handle.db.execute(`select id, status from bookings where id = '${body.booking.id}'` as never);
    expect([...(rows as any)]).toEqual([{ id: body.booking.id, status: 'confirmed' }]);

    const later = new Date(start.getTime() + 3_600_000);
    const second = await mf.dispatchFetch('http://worker.test/api/meetings/bookings', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ meetingTypeId: types.meetingTypes[1].id, organizerId: 'U0EDGE', start: later.toISOString() }),
    });
    expect(second.status).toBe(201);
    const clash = await mf.dispatchFetch('http://worker.test/api/meetings/bookings', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ meetingTypeId: types.meetingTypes[1].id, organizerId: 'U0EDGE', start: later.toISOString() }),
    });
    expect(clash.status).toBe(409);
    expect(((await clash.json()) as any).nextSlots.length).toBeGreaterThan(0);

    // Paging uses cursors (base64url via Buffer, from nodejs_compat).
    const page1 = (await (await mf.dispatchFetch('http://worker.test/api/meetings/bookings?limit=1', { headers: auth })).json()) as any;
    expect(page1.bookings).toHaveLength(1);
    const page2 = (await (await mf.dispatchFetch(`http://worker.test/api/meetings/bookings?limit=1&cursor=${page1.nextCursor}`, { headers: auth })).json()) as any;
    expect(page2.bookings.map((b: any) => b.startUtc)).toEqual([later.toISOString()]);
  });

  it('serves a booking page, its free times, a booking, the confirmation page, its .ics, and a cancel', async () => {
    await withTeam(handle.db, 'T0WORKER', async (tx) => {
      await ensureTeam(tx, 'T0WORKER', 'Edge');
      await upsertPerson(tx, 'T0WORKER', { slackUserId: 'U0HOST', name: 'Hana Host', timeZone: 'UTC' });
      const [type] = await listMeetingTypes(tx);
      await createBookingLink(tx, 'T0WORKER', { slug: 'edge-intro', title: 'Edge intro', meetingTypeId: type!.id, mode: 'one', hostIds: ['U0HOST'] }, 'U0HOST');
    });
    const page = await mf.dispatchFetch('http://worker.test/book/T0WORKER/edge-intro', { headers: { 'cf-connecting-ip': '203.0.113.9' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Edge intro');
    expect(html).toContain('/assets/booking.js');
    const start = nextWeekdayAt(11);
    const slots = (await (await mf.dispatchFetch(`http://worker.test/book/T0WORKER/edge-intro/slots?from=${start.toISOString().slice(0, 10)}T00:00:00Z&to=${start.toISOString().slice(0, 10)}T23:59:00Z`)).json()) as any;
    expect(slots.slots).toContain(start.toISOString());
    const booked = await mf.dispatchFetch('http://worker.test/book/T0WORKER/edge-intro', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'cf-connecting-ip': '203.0.113.9' },
      body: JSON.stringify({ start: start.toISOString(), timeZone: 'Asia/Tokyo', idempotencyKey: crypto.randomUUID(), name: 'Edge Guest', email: 'edge@example.com', answers: {} }),
    });
    const answer = (await booked.json()) as any;
    expect(booked.status, JSON.stringify(answer)).toBe(201);
    const confirmation = await mf.dispatchFetch(`http://worker.test${answer.confirmationUrl}`);
    expect(confirmation.status).toBe(200);
    const text = await confirmation.text();
    expect(text).toContain('You are booked');
    expect(text).toContain('(Asia/Tokyo)');
    const manage = answer.confirmationUrl.split('?')[0];
    const ics = await mf.dispatchFetch(`http://worker.test${manage}/meeting.ics`);
    expect(ics.headers.get('content-type')).toContain('text/calendar');
    expect(await ics.text()).toContain('BEGIN:VEVENT');
    const cancel = await mf.dispatchFetch(`http://worker.test${manage}/cancel`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'reason=Edge', redirect: 'manual' });
    expect(cancel.status).toBe(303);
    expect(await (await mf.dispatchFetch(`http://worker.test${manage}`)).text()).toContain('This meeting was cancelled');
    const missing = await mf.dispatchFetch('http://worker.test/book/T0WORKER/nope');
    expect(missing.status).toBe(404);
    // The rate limits' counters are in Postgres, keyed by Cloudflare's address header.
    const rows = await handle.db.execute(`select key from rate_limit_hits where team_id = 'T0WORKER' order by key` as never);
    expect([...(rows as any)].map((r: any) => r.key)).toContain('reads:ip:203.0.113.9');
  });

  it('serves the OpenAPI document and the reference page', async () => {
    const doc = (await (await mf.dispatchFetch('http://worker.test/api/openapi.json')).json()) as any;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/api/meetings/bookings');
    const page = await mf.dispatchFetch('http://worker.test/api/docs');
    expect(page.headers.get('content-type')).toContain('text/html');
  });
});

/** 10:00 UTC on a weekday at least two days ahead (the default hours are Monday to Friday, 9 to 5). */
function nextWeekdayAt(hour: number): Date {
  const d = new Date(Date.now() + 2 * 86_400_000);
  d.setUTCHours(hour, 0, 0, 0);
  while (d.getUTCDay() === 0 || d.getUTCDay() === 6) d.setUTCDate(d.getUTCDate() + 1);
  return d;
}
