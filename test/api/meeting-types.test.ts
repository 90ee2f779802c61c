import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { meetingTypeFieldsSchema } from '../../src/core/bookings/schemas.js';
import { databaseKinds } from '../support/databases.js';
import { call, expectErrorShape, openApiHarness, type ApiHarness } from './support.js';

const now = new Date('2027-02-26T12:00:00Z');
const T = 'T0TYPESAPI';

describe.each(databaseKinds())('meeting types API on %s', (kind) => {
  let h: ApiHarness;
  let key: string;

  beforeAll(async () => {
    h = await openApiHarness(kind, now);
    key = await h.keyFor(T);
  });
  afterAll(() => h?.close());

  const api = (method: string, path: string, body?: unknown) => call(h.app, method, `/api/meetings/meeting-types${path}`, { key, body });

  it('lists a new team\'s default types, shortest first', async () => {
    const list = await api('GET', '');
    expect(list.status).toBe(200);
    expect(list.body.meetingTypes.map((t: any) => [t.name, t.durationMinutes, t.active])).toEqual([
      ['15 min chat', 15, true],
      ['30 min meeting', 30, true],
      ['60 min meeting', 60, true],
    ]);
    expect(Object.keys(list.body.meetingTypes[0]).sort()).toEqual([...Object.keys(meetingTypeFieldsSchema.shape), 'id', 'createdAt', 'updatedAt'].sort());
  });

  it('creates a type with defaults filled in, and gets it back', async () => {
    const created = await api('POST', '', { name: 'Support call', durationMinutes: 45, slotIntervalMinutes: 15, bufferAfterMinutes: 10 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Support call', durationMinutes: 45, bufferAfterMinutes: 10, bufferBeforeMinutes: 0, minimumNoticeMinutes: 60, active: true, dailyLimit: null });
    const got = await api('GET', `/${created.body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.body);
  });

  it('refuses bad input with 400 naming the field, and a duplicate name', async () => {
    const before = (await api('GET', '?includeInactive=true')).body.meetingTypes.length;
    for (const [body, field] of [
      [{ name: 'Tiny', durationMinutes: 3, slotIntervalMinutes: 15 }, 'durationMinutes'],
      [{ name: '', durationMinutes: 30, slotIntervalMinutes: 15 }, 'name'],
      [{ name: 'No interval', durationMinutes: 30 }, 'slotIntervalMinutes'],
      [{ name: 'Text', durationMinutes: '30', slotIntervalMinutes: 15 }, 'durationMinutes'],
      [{ name: 'Extra', durationMinutes: 30, slotIntervalMinutes: 15, colour: 'red' }, null],
      [{ name: '30 min meeting', durationMinutes: 30, slotIntervalMinutes: 30 }, 'name'],
    ] as const) {
      const result = await api('POST', '', body);
      expect(result.status, JSON.stringify(body)).toBe(400);
      const error = expectErrorShape(result);
      expect(error.code).toBe('invalid_input');
      if (field) expect(error.field).toBe(field);
    }
    expect((await api('GET', '?includeInactive=true')).body.meetingTypes.length).toBe(before);
  });

  it('updates only the fields sent', async () => {
    const created = (await api('POST', '', { name: 'Demo', durationMinutes: 30, slotIntervalMinutes: 30, minimumNoticeMinutes: 240, dailyLimit: 4 })).body;
    const updated = await api('PATCH', `/${created.id}`, { name: 'Product demo', bufferBeforeMinutes: 5 });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id: created.id, name: 'Product demo', bufferBeforeMinutes: 5, minimumNoticeMinutes: 240, dailyLimit: 4, durationMinutes: 30 });

    const empty = await api('PATCH', `/${created.id}`, {});
    expect(empty.status).toBe(400);
    const bad = await api('PATCH', `/${created.id}`, { dailyLimit: 0 });
    expect(expectErrorShape(bad)).toMatchObject({ code: 'invalid_input', field: 'dailyLimit' });
    const taken = await api('PATCH', `/${created.id}`, { name: '15 min chat' });
    expect(expectErrorShape(taken)).toMatchObject({ code: 'invalid_input', field: 'name' });
    expect((await api('GET', `/${created.id}`)).body).toMatchObject({ name: 'Product demo', dailyLimit: 4 });
  });

  it('deactivates a type: gone from the list and from availability, shown with includeInactive, reactivated by PATCH', async () => {
    const created = (await api('POST', '', { name: 'Retired', durationMinutes: 20, slotIntervalMinutes: 20 })).body;
    const deleted = await api('DELETE', `/${created.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ id: created.id, active: false });
    expect((await api('GET', '')).body.meetingTypes.map((t: any) => t.id)).not.toContain(created.id);
    expect((await api('GET', '?includeInactive=true')).body.meetingTypes.map((t: any) => t.id)).toContain(created.id);

    await call(h.app, 'PUT', '/api/meetings/availability/people/U0ANA', { key, body: { name: 'Ana', timeZone: 'Europe/London' } });
    const slots = await call(h.app, 'GET', `/api/meetings/availability?meetingTypeId=${created.id}&hostIds=U0ANA`, { key });
    expect(slots.status).toBe(404);
    expect(expectErrorShape(slots)).toMatchObject({ code: 'not_found', field: 'meetingTypeId' });

    const reactivated = await api('PATCH', `/${created.id}`, { active: true });
    expect(reactivated.body.active).toBe(true);
  });

  it('answers 404 for an unknown type on every route, and 400 for a malformed id', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    for (const [method, body] of [['GET'], ['PATCH', { name: 'x' }], ['DELETE']] as const) {
      const result = await api(method, `/${missing}`, body);
      expect(result.status, method).toBe(404);
      expect(expectErrorShape(result)).toMatchObject({ code: 'not_found', message: `Meeting type ${missing} was not found` });
      const bad = await api(method, '/nope', body);
      expect(bad.status, method).toBe(400);
      expect(expectErrorShape(bad).field).toBe('id');
    }
    const badQuery = await api('GET', '?includeInactive=yes');
    expect(expectErrorShape(badQuery).field).toBe('includeInactive');
  });
});
