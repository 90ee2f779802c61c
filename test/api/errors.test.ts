import { afterEach, describe, expect, it, vi } from 'vitest';
import { databaseKinds } from '../support/databases.js';
import { call, expectErrorShape, openApiHarness } from './support.js';

const now = new Date('2027-02-26T12:00:00Z');

describe.each(databaseKinds())('API errors on %s', (kind) => {
  afterEach(() => vi.restoreAllMocks());

  it('answers an unknown route with 404 in the error shape', async () => {
    const h = await openApiHarness(kind, now);
    try {
      const key = await h.keyFor('T0ERRORS');
      const result = await call(h.app, 'GET', '/api/meetings/nothing-here', { key });
      expect(result.status).toBe(404);
      expect(expectErrorShape(result)).toMatchObject({ code: 'route_not_found', field: null });
      const wrongMethod = await call(h.app, 'PUT', '/api/meetings/bookings', { key, body: {} });
      expect(wrongMethod.status).toBe(404);
      expectErrorShape(wrongMethod);
      const huge = await call(h.app, 'POST', '/api/meetings/bookings', { key, body: { notes: 'x'.repeat(600 * 1024) } });
      expect(huge.status).toBe(413);
      expect(expectErrorShape(huge).code).toBe('payload_too_large');
    } finally {
      await h.close();
    }
  });

  it('keeps a caller\'s safe X-Request-Id and replaces an unsafe one', async () => {
    const h = await openApiHarness(kind, now);
    try {
      const mine = await call(h.app, 'GET', '/api/meetings/bookings', { headers: { 'X-Request-Id': 'ticket-4711' } });
      expect(expectErrorShape(mine).requestId).toBe('ticket-4711');
      const unsafe = await call(h.app, 'GET', '/api/meetings/bookings', { headers: { 'X-Request-Id': '<script>' } });
      expect(expectErrorShape(unsafe).requestId).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await h.close();
    }
  });

  it('answers an unexpected failure with 500 and a request id that is in the log, without internals', async () => {
    const h = await openApiHarness(kind, now);
    const key = await h.keyFor('T0ERRORS');
    await h.close(); // every query now fails inside the driver
    const logged: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
      logged.push(args.map((a) => (a instanceof Error ? `${a.message}\n${a.stack}` : String(a))).join(' '));
    });
    const result = await call(h.app, 'GET', '/api/meetings/bookings', { key });
    expect(result.status).toBe(500);
    const error = expectErrorShape(result);
    expect(error).toMatchObject({ code: 'internal_error', field: null });
    expect(error.message).toContain(error.requestId);
    expect(logged.some((line) => line.includes(error.requestId) && line.includes('GET /api/meetings/bookings'))).toBe(true);
    const text = JSON.stringify(result.body);
    expect(text).not.toMatch(/at .*\.(ts|js):\d+/);
    expect(text).not.toMatch(/select|api_keys|postgres|pglite|closed|ended/i);
  });
});
