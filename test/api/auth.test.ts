import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createApiKey, hashApiKey, listApiKeys, revokeApiKey } from '../../src/api/keys.js';
import { databaseKinds } from '../support/databases.js';
import { call, expectErrorShape, openApiHarness, type ApiHarness } from './support.js';

const now = new Date('2027-02-26T12:00:00Z');
const T = 'T0AUTHAPI';
const uuid = '00000000-0000-4000-8000-000000000000';

/** Every API-key route, with a body where it needs one. */
export const protectedRoutes: [string, string, unknown?][] = [
  ['GET', '/api/meetings/meeting-types'],
  ['POST', '/api/meetings/meeting-types', { name: 'x', durationMinutes: 30, slotIntervalMinutes: 30 }],
  ['GET', `/api/meetings/meeting-types/${uuid}`],
  ['PATCH', `/api/meetings/meeting-types/${uuid}`, { name: 'y' }],
  ['DELETE', `/api/meetings/meeting-types/${uuid}`],
  ['GET', `/api/meetings/availability?meetingTypeId=${uuid}&hostIds=U0ANA`],
  ['GET', '/api/meetings/availability/people/U0ANA'],
  ['PUT', '/api/meetings/availability/people/U0ANA', { name: 'Ana', timeZone: 'Europe/London' }],
  ['GET', '/api/meetings/availability/people/U0ANA/schedule'],
  ['PUT', '/api/meetings/availability/people/U0ANA/schedule', { timeZone: 'Europe/London', rules: [] }],
  ['POST', '/api/meetings/bookings', { meetingTypeId: uuid, organizerId: 'U0ANA', start: '2027-03-01T10:00:00Z' }],
  ['GET', '/api/meetings/bookings'],
  ['GET', `/api/meetings/bookings/${uuid}`],
  ['POST', `/api/meetings/bookings/${uuid}/reschedule`, { start: '2027-03-01T10:00:00Z' }],
  ['POST', `/api/meetings/bookings/${uuid}/cancel`, { reason: 'x' }],
];

describe.each(databaseKinds())('API keys on %s', (kind) => {
  let h: ApiHarness;

  beforeAll(async () => {
    h = await openApiHarness(kind, now);
  });
  afterAll(() => h?.close());

  it('answers 401 on every route without a key, with a wrong key, or a malformed header, and changes nothing', async () => {
    const valid = await h.keyFor(T);
    const wrong = valid.slice(0, -4) + (valid.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    for (const [method, path, body] of protectedRoutes) {
      for (const headers of [{} as Record<string, string>, { Authorization: `Bearer ${wrong}` }, { Authorization: 'Bearer mfs_nope' }, { Authorization: `Basic ${valid}` }, { Authorization: 'Bearer' }]) {
        const result = await call(h.app, method, path, { body, headers });
        expect(result.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(401);
        expect(expectErrorShape(result)).toMatchObject({ code: 'unauthorized', field: 'Authorization' });
        expect(result.headers.get('WWW-Authenticate')).toBe('Bearer');
      }
    }
    const types = await call(h.app, 'GET', '/api/meetings/meeting-types', { key: valid });
    expect(types.body.meetingTypes.map((t: any) => t.name)).not.toContain('x');
    expect((await call(h.app, 'GET', '/api/meetings/bookings', { key: valid })).body.bookings).toEqual([]);
  });

  it('accepts a valid key, records its use, and answers 401 once it is revoked', async () => {
    const created = await createApiKey(h.handle.db, { teamId: T, name: 'helpdesk' });
    expect(created.key).toMatch(/^mfs_[a-z0-9]{8}_[A-Za-z0-9_-]{40}$/);
    expect(created.key.startsWith(`mfs_${created.prefix}_`)).toBe(true);
    expect((await call(h.app, 'GET', '/api/meetings/meeting-types', { key: created.key })).status).toBe(200);
    const listed = (await listApiKeys(h.handle.db, T)).find((k) => k.id === created.id)!;
    expect(listed.lastUsedAt?.toISOString()).toBe(now.toISOString());
    expect(listed).not.toHaveProperty('key');

    const revoked = await revokeApiKey(h.handle.db, T, created.prefix);
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    const after = await call(h.app, 'GET', '/api/meetings/meeting-types', { key: created.key });
    expect(after.status).toBe(401);
    expect(expectErrorShape(after).message).toContain('revoked');
    await expect(revokeApiKey(h.handle.db, 'T0OTHERTEAM', created.id)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('stores only a SHA-256 of the key, never the key', async () => {
    const created = await createApiKey(h.handle.db, { teamId: T, name: 'stored' });
    const result: any = await h.handle.db.execute(sql`select * from api_keys where id = ${created.id}`);
    const row = (result.rows ?? result)[0];
    expect(row.key_hash).toBe(await hashApiKey(created.key));
    expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
    const secret = created.key.split('_').slice(2).join('_');
    expect(JSON.stringify(row)).not.toContain(secret);
  });

  it('refuses to create a key for a malformed team or without a name', async () => {
    await expect(createApiKey(h.handle.db, { teamId: 'acme', name: 'x' })).rejects.toMatchObject({ code: 'invalid_input', field: 'teamId' });
    await expect(createApiKey(h.handle.db, { teamId: T, name: ' ' })).rejects.toMatchObject({ code: 'invalid_input', field: 'name' });
  });

  it('creates the team with its default meeting types with its first key', async () => {
    const key = await h.keyFor('T0BRANDNEW');
    const types = await call(h.app, 'GET', '/api/meetings/meeting-types', { key });
    expect(types.body.meetingTypes).toHaveLength(3);
  });

  it('does not ask for an API key on the rooms routes, which authenticate otherwise', async () => {
    const result = await call(h.app, 'POST', `/api/meetings/rooms/${uuid}/token`, { body: { k: 'not-a-link-token' } });
    const error = expectErrorShape(result);
    expect(error.field).not.toBe('Authorization');
    expect(error.message).not.toContain('API key');
  });
});
