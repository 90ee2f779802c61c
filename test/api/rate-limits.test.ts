import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { createApiKey } from '../../src/api/keys.js';
import { loadConfig } from '../../src/config.js';
import { rateLimitHits } from '../../src/db/schema.js';
import { withTeam } from '../../src/db/tenant.js';
import { captureLogs } from '../support/console.js';
import { databaseKinds } from '../support/databases.js';
import { call, expectErrorShape, openApiHarness, type ApiHarness, type Call } from './support.js';

const now = new Date('2027-02-26T12:00:00Z');
const T = 'T0RATEAPI';

function parseLimitHeaders(result: Call): { q: number; w: number; r: number; t: number } {
  const policy = /^"per-key";q=(\d+);w=(\d+)$/.exec(result.headers.get('RateLimit-Policy') ?? '');
  const left = /^"per-key";r=(\d+);t=(\d+)$/.exec(result.headers.get('RateLimit') ?? '');
  if (!policy || !left) throw new Error(`no RateLimit headers: ${result.headers.get('RateLimit-Policy')} / ${result.headers.get('RateLimit')}`);
  return { q: Number(policy[1]), w: Number(policy[2]), r: Number(left[1]), t: Number(left[2]) };
}

describe.each(databaseKinds())('rate limits per API key on %s', (kind) => {
  let h: ApiHarness;
  /** A second app over the same database, as another process of the same deployment: it counts on its own. */
  let other: ReturnType<typeof createApp>;

  beforeAll(async () => {
    h = await openApiHarness(kind, now);
    const config = await loadConfig({ LINK_SECRET: 'test-link-secret-test-link-secret-0123', DATA_DIR: '/tmp/meetings-api-tests', PUBLIC_URL: 'http://localhost:3000' });
    other = createApp({ db: h.handle.db, dbKind: h.handle.kind, config, now: () => now });
  });
  afterAll(() => h?.close());

  const keyWithLimit = async (rateLimit?: number) => (await createApiKey(h.handle.db, { teamId: T, name: 'limited', rateLimit })).key;

  it('says the quota and what is left in the IETF headers on every answer, errors included', async () => {
    const key = await h.keyFor(T);
    const seen = [];
    for (let i = 0; i < 5; i++) seen.push(parseLimitHeaders(await call(h.app, 'GET', '/api/meetings/meeting-types', { key })));
    expect(seen.map((s) => s.q)).toEqual([3000, 3000, 3000, 3000, 3000]);
    expect(seen.map((s) => s.w)).toEqual([60, 60, 60, 60, 60]);
    expect(seen.map((s) => s.r)).toEqual([2999, 2998, 2997, 2996, 2995]);
    for (const s of seen) expect(s.t).toBeGreaterThanOrEqual(1), expect(s.t).toBeLessThanOrEqual(60);

    const notFound = await call(h.app, 'GET', '/api/meetings/bookings/00000000-0000-4000-8000-000000000000', { key });
    expect(notFound.status).toBe(404);
    expect(parseLimitHeaders(notFound).r).toBe(2994);

    // Hits counted in memory go to the database every 50 ms; the count each answer tells stays exact meanwhile.
    const remaining = [];
    for (let i = 0; i < 40; i++) {
      remaining.push(parseLimitHeaders(await call(h.app, 'GET', '/api/meetings/meeting-types', { key })).r);
      await new Promise((resolve) => setTimeout(resolve, 3 + (i % 4) * 7));
    }
    expect(remaining).toEqual(Array.from({ length: 40 }, (_, i) => 2993 - i));
  });

  it('answers 429 with Retry-After past the key\'s own limit, changes nothing, and leaves other keys alone', async () => {
    const key = await keyWithLimit(12);
    const unlimited = await h.keyFor(T, 'other');
    const before = (await call(h.app, 'GET', '/api/meetings/meeting-types', { key: unlimited })).body.meetingTypes.length;
    for (let i = 0; i < 12; i++) {
      const ok = await call(h.app, 'GET', '/api/meetings/meeting-types', { key });
      expect(ok.status).toBe(200);
      expect(parseLimitHeaders(ok)).toMatchObject({ q: 12, r: 11 - i });
    }
    const refused = await call(h.app, 'POST', '/api/meetings/meeting-types', { key, body: { name: 'Over the limit', durationMinutes: 30, slotIntervalMinutes: 30 } });
    expect(refused.status).toBe(429);
    const error = expectErrorShape(refused);
    expect(error.code).toBe('rate_limited');
    expect(error.message).toMatch(/12 requests a minute/);
    const retryAfter = Number(refused.headers.get('Retry-After'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(parseLimitHeaders(refused)).toMatchObject({ q: 12, r: 0 });

    const after = await call(h.app, 'GET', '/api/meetings/meeting-types', { key: unlimited });
    expect(after.status).toBe(200);
    expect(after.body.meetingTypes).toHaveLength(before);
  });

  it('counts a key once across processes: requests spread over two apps share the limit', async () => {
    const key = await keyWithLimit(30);
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await call(i % 2 ? other : h.app, 'GET', '/api/meetings/meeting-types', { key })).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(30);
    expect(statuses.slice(30)).toEqual(Array(10).fill(429));
  });

  it('holds a larger limit exactly under concurrent load on two apps, and every hit reaches the shared count', async () => {
    const created = await createApiKey(h.handle.db, { teamId: T, name: 'busy', rateLimit: 400 });
    const key = created.key;
    const statuses: number[] = [];
    for (let wave = 0; wave < 23; wave++) {
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => call(i % 2 ? other : h.app, 'GET', '/api/meetings/availability/people/U0NOBODY', { key })),
      );
      statuses.push(...answers.map((a) => a.status));
    }
    expect(statuses).toHaveLength(460);
    expect(statuses.filter((s) => s === 429)).toHaveLength(60);
    expect(statuses.filter((s) => s !== 429).every((s) => s === 404)).toBe(true);

    // Hits counted in memory are added within moments.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const [row] = await withTeam(h.handle.db, T, (tx) => tx.select().from(rateLimitHits).where(eq(rateLimitHits.key, `api-key:${created.id}`)));
    expect(row?.hits).toBe(460);
  });

  it('drops counts still in memory without a word when the database closes', async () => {
    const closing = await openApiHarness(kind, now);
    const key = await closing.keyFor(T);
    for (let i = 0; i < 5; i++) expect((await call(closing.app, 'GET', '/api/meetings/meeting-types', { key })).status).toBe(200);
    const logged = captureLogs(/rate limits/);
    await closing.close();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(logged).toEqual([]);
  });
});
