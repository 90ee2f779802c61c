import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../support/databases.js';
import { call, expectErrorShape, openApiHarness, type ApiHarness } from './support.js';

// Friday 26 February 2027; London on GMT, New York on EST.
const now = new Date('2027-02-26T12:00:00Z');
const T = 'T0AVAILAPI';

describe.each(databaseKinds())('availability API on %s', (kind) => {
  let h: ApiHarness;
  let key: string;
  let m60: string;

  beforeAll(async () => {
    h = await openApiHarness(kind, now);
    key = await h.keyFor(T);
    m60 = (await call(h.app, 'GET', '/api/meetings/meeting-types', { key })).body.meetingTypes.find((t: any) => t.durationMinutes === 60).id;
  });
  afterAll(() => h?.close());

  const people = (path: string, method = 'GET', body?: unknown) => call(h.app, method, `/api/meetings/availability/people/${path}`, { key, body });
  const slots = (query: string) => call(h.app, 'GET', `/api/meetings/availability?${query}`, { key });

  it('registers and updates a person, who then reads back', async () => {
    const missing = await people('U0ANA');
    expect(missing.status).toBe(404);
    expect(expectErrorShape(missing)).toMatchObject({ code: 'not_found', field: 'personId' });

    const created = await people('U0ANA', 'PUT', { name: 'Ana', email: 'ana@example.com', timeZone: 'Europe/London' });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ id: 'U0ANA', name: 'Ana', email: 'ana@example.com', timeZone: 'Europe/London' });
    const renamed = await people('U0ANA', 'PUT', { name: 'Ana Smith', timeZone: 'Europe/London' });
    expect(renamed.body).toMatchObject({ name: 'Ana Smith', email: null });
    expect((await people('U0ANA')).body).toMatchObject({ id: 'U0ANA', name: 'Ana Smith' });
    await people('U0BEN', 'PUT', { name: 'Ben', timeZone: 'America/New_York' });

    for (const [path, body, field] of [
      ['U0ANA', { name: 'Ana', timeZone: 'London' }, 'timeZone'],
      ['U0ANA', { name: '', timeZone: 'Europe/London' }, 'name'],
      ['U0ANA', { name: 'Ana', timeZone: 'Europe/London', email: 'not-mail' }, 'email'],
      ['ana', { name: 'Ana', timeZone: 'Europe/London' }, 'personId'],
    ] as const) {
      const bad = await people(path, 'PUT', body);
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(expectErrorShape(bad)).toMatchObject({ code: 'invalid_input', field });
    }
    expect((await people('U0ANA')).body).toMatchObject({ name: 'Ana Smith', timeZone: 'Europe/London' });
  });

  it('reads the default schedule, replaces it, and refuses a bad one without changing it', async () => {
    const initial = await people('U0BEN/schedule');
    expect(initial.status).toBe(200);
    expect(initial.body).toMatchObject({ personId: 'U0BEN', timeZone: 'America/New_York', isDefault: true });
    expect(initial.body.rules.length).toBeGreaterThan(0);

    const schedule = {
      timeZone: 'America/New_York',
      rules: [{ rrule: 'FREQ=WEEKLY;BYDAY=MO,WE', start: '08:00', end: '12:00' }],
      overrides: [{ date: '2027-03-03', ranges: [] }, { date: '2027-03-02', ranges: [{ start: '13:00', end: '15:00' }] }],
    };
    const replaced = await people('U0BEN/schedule', 'PUT', schedule);
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ isDefault: false, rules: schedule.rules, overrides: [schedule.overrides[1], schedule.overrides[0]] });
    expect((await people('U0BEN/schedule')).body).toEqual(replaced.body);

    for (const [body, field] of [
      [{ ...schedule, rules: [{ rrule: 'FREQ=DAILY', start: '08:00', end: '12:00' }] }, 'rules.0.rrule'],
      [{ ...schedule, rules: [{ rrule: 'FREQ=WEEKLY;BYDAY=MO', start: '8am', end: '12:00' }] }, 'rules.0.start'],
      [{ ...schedule, overrides: [{ date: '2027-02-30', ranges: [] }] }, 'overrides.0.date'],
      [{ ...schedule, overrides: [{ date: '2027-03-01', ranges: [] }, { date: '2027-03-01', ranges: [] }] }, 'overrides.1.date'],
      [{ ...schedule, timeZone: 'EST5' }, 'timeZone'],
    ] as const) {
      const bad = await people('U0BEN/schedule', 'PUT', body);
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(expectErrorShape(bad)).toMatchObject({ code: 'invalid_input', field });
    }
    expect((await people('U0BEN/schedule')).body).toEqual(replaced.body);
    const nobody = await people('U0NOBODY/schedule', 'PUT', schedule);
    expect(nobody.status).toBe(404);
    expect((await people('U0NOBODY/schedule')).status).toBe(404);
  });

  it('gives one host\'s free slots in the viewer\'s zone and in UTC', async () => {
    const result = await slots(`meetingTypeId=${m60}&hostIds=U0ANA&from=2027-03-01T00:00:00Z&to=2027-03-02T00:00:00Z&timeZone=Asia/Tokyo`);
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ mode: 'all', timeZone: 'Asia/Tokyo', from: '2027-03-01T09:00:00+09:00', fromUtc: '2027-03-01T00:00:00.000Z' });
    // London 09:00–17:00, 60-minute meetings every 30 minutes: 09:00 ... 16:00.
    expect(result.body.slots).toHaveLength(15);
    expect(result.body.slots[0]).toEqual({
      start: '2027-03-01T18:00:00+09:00',
      end: '2027-03-01T19:00:00+09:00',
      startUtc: '2027-03-01T09:00:00.000Z',
      endUtc: '2027-03-01T10:00:00.000Z',
      label: 'Mon 1 Mar, 18:00–19:00',
      hostIds: ['U0ANA'],
    });
    const week = await slots(`meetingTypeId=${m60}&hostIds=U0ANA&from=2027-03-01T00:00:00Z`);
    expect(week.body.toUtc).toBe('2027-03-08T00:00:00.000Z');
    expect(week.body.slots).toHaveLength(75);
    expect(week.body.slots[0].start).toBe('2027-03-01T09:00:00+00:00');
  });

  it('with several hosts gives the slots all are free, or any is free with who', async () => {
    // Monday: Ana 09–17 UTC; Ben 08–12 New York = 13–17 UTC.
    const all = await slots(`meetingTypeId=${m60}&hostIds=U0ANA,U0BEN&from=2027-03-01T00:00:00Z&to=2027-03-02T00:00:00Z&mode=all`);
    expect(all.body.slots.map((s: any) => s.startUtc.slice(11, 16))).toEqual(['13:00', '13:30', '14:00', '14:30', '15:00', '15:30', '16:00']);
    expect(all.body.slots.every((s: any) => s.hostIds.join() === 'U0ANA,U0BEN')).toBe(true);

    const any = await slots(`meetingTypeId=${m60}&hostIds=U0ANA&hostIds=U0BEN&from=2027-03-01T00:00:00Z&to=2027-03-02T00:00:00Z&mode=any`);
    expect(any.body.mode).toBe('any');
    const byStart = Object.fromEntries(any.body.slots.map((s: any) => [s.startUtc.slice(11, 16), s.hostIds]));
    expect(byStart['09:00']).toEqual(['U0ANA']);
    expect(byStart['13:00']).toEqual(['U0ANA', 'U0BEN']);
    expect(any.body.slots).toHaveLength(15);

    // Wednesday 3 March is Ben's day off: no common slot.
    const off = await slots(`meetingTypeId=${m60}&hostIds=U0ANA,U0BEN&from=2027-03-03T00:00:00Z&to=2027-03-04T00:00:00Z`);
    expect(off.body.slots).toEqual([]);
  });

  it('takes booked time out of the slots', async () => {
    const booked = await call(h.app, 'POST', '/api/meetings/bookings', { key, body: { meetingTypeId: m60, organizerId: 'U0ANA', start: '2027-03-01T10:00:00Z' } });
    expect(booked.status).toBe(201);
    const result = await slots(`meetingTypeId=${m60}&hostIds=U0ANA&from=2027-03-01T00:00:00Z&to=2027-03-02T00:00:00Z`);
    const starts = result.body.slots.map((s: any) => s.startUtc.slice(11, 16));
    expect(starts).not.toContain('09:30');
    expect(starts).not.toContain('10:00');
    expect(starts).not.toContain('10:30');
    expect(starts).toContain('09:00');
    expect(starts).toContain('11:00');
  });

  it('refuses bad queries with 400 naming the parameter, unknown hosts and types with 404', async () => {
    for (const [query, field] of [
      [`hostIds=U0ANA`, 'meetingTypeId'],
      [`meetingTypeId=${m60}`, 'hostIds'],
      [`meetingTypeId=${m60}&hostIds=ana`, 'hostIds.0'],
      [`meetingTypeId=${m60}&hostIds=U0ANA&from=yesterday`, 'from'],
      [`meetingTypeId=${m60}&hostIds=U0ANA&from=2027-03-02T00:00:00Z&to=2027-03-01T00:00:00Z`, 'to'],
      [`meetingTypeId=${m60}&hostIds=U0ANA&from=2027-03-01T00:00:00Z&to=2027-06-01T00:00:00Z`, 'to'],
      [`meetingTypeId=${m60}&hostIds=U0ANA&mode=some`, 'mode'],
      [`meetingTypeId=${m60}&hostIds=U0ANA&timeZone=Nowhere/City`, 'timeZone'],
    ]) {
      const bad = await slots(query);
      expect(bad.status, query).toBe(400);
      const error = expectErrorShape(bad);
      expect(error.code).toBe('invalid_input');
      expect(error.field, query).toBe(field);
    }
    const unknownHost = await slots(`meetingTypeId=${m60}&hostIds=U0ANA,U0GHOST`);
    expect(unknownHost.status).toBe(404);
    expect(expectErrorShape(unknownHost)).toMatchObject({ code: 'not_found', message: 'Person U0GHOST was not found', field: 'hostIds' });
    const unknownType = await slots(`meetingTypeId=00000000-0000-4000-8000-000000000000&hostIds=U0ANA`);
    expect(unknownType.status).toBe(404);
  });
});
