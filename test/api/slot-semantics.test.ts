import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseKinds } from '../support/databases.js';
import { snapshotTeam } from '../support/snapshot.js';
import { call, expectErrorShape, openApiHarness, type ApiHarness } from './support.js';

// Friday 26 February 2027, noon UTC. Tuesday 2 March is the day the tests book.
const now = new Date('2027-02-26T12:00:00Z');
const T = 'T0SLOTS';
const EVERY_DAY = 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU';

describe.each(databaseKinds())('slot semantics through the API on %s', (kind) => {
  let h: ApiHarness;
  let key: string;
  let m15: string;
  let m30: string;

  beforeAll(async () => {
    h = await openApiHarness(kind, now);
    key = await h.keyFor(T);
    const types = (await call(h.app, 'GET', '/api/meetings/meeting-types', { key })).body.meetingTypes;
    m15 = types.find((t: any) => t.durationMinutes === 15).id;
    m30 = types.find((t: any) => t.durationMinutes === 30).id;
  });
  afterAll(() => h?.close());

  const api = (method: string, path: string, body?: unknown) => call(h.app, method, `/api/meetings${path}`, { key, body });
  async function person(id: string, timeZone: string, rules: { start: string; end: string }[], extra: Record<string, unknown> = {}) {
    expect((await api('PUT', `/availability/people/${id}`, { name: `Person ${id}`, timeZone })).status).toBe(200);
    const put = await api('PUT', `/availability/people/${id}/schedule`, { timeZone, rules: rules.map((r) => ({ rrule: EVERY_DAY, ...r })), ...extra });
    expect(put.status).toBe(200);
    return put.body;
  }
  async function type(body: Record<string, unknown>): Promise<string> {
    const created = await api('POST', '/meeting-types', { slotIntervalMinutes: body.durationMinutes, minimumNoticeMinutes: 0, ...body });
    expect(created.status).toBe(201);
    return created.body.id;
  }
  const slotsOn = async (typeId: string, hostId: string, from: string, to: string, timeZone = 'UTC') => {
    const result = await api('GET', `/availability?meetingTypeId=${typeId}&hostIds=${hostId}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&timeZone=${timeZone}`);
    expect(result.status).toBe(200);
    return result.body.slots as { start: string; startUtc: string }[];
  };
  const book = (typeId: string, organizerId: string, start: string) => api('POST', '/bookings', { meetingTypeId: typeId, organizerId, start });

  it('Cal.com’s case: free 09:30–18:00 in Kolkata, a 15-minute meeting at 09:30, then a 45-minute type every 45 minutes is offered and bookable at 09:45', async () => {
    await person('U0KOL', 'Asia/Kolkata', [{ start: '09:30', end: '18:00' }]);
    const m45 = await type({ name: '45 min review', durationMinutes: 45, slotIntervalMinutes: 45 });
    const day = ['2027-03-02T00:00:00+05:30', '2027-03-03T00:00:00+05:30'] as const;
    const local = (slots: { start: string }[]) => slots.map((s) => s.start.slice(11, 16));
    expect(local(await slotsOn(m45, 'U0KOL', ...day, 'Asia/Kolkata')).slice(0, 3)).toEqual(['09:30', '10:15', '11:00']);
    expect((await book(m15, 'U0KOL', '2027-03-02T09:30:00+05:30')).status).toBe(201);

    const after = local(await slotsOn(m45, 'U0KOL', ...day, 'Asia/Kolkata'));
    expect(after).toEqual(['09:45', '10:30', '11:15', '12:00', '12:45', '13:30', '14:15', '15:00', '15:45', '16:30', '17:15']);
    // The old grid's 10:15 is no longer a start; 09:45 is, and booking it succeeds.
    const offGrid = await book(m45, 'U0KOL', '2027-03-02T10:15:00+05:30');
    expect(offGrid.status).toBe(422);
    expect(expectErrorShape(offGrid).message).toMatch(/every 45 minutes from the start of each free stretch/);
    const booked = await book(m45, 'U0KOL', '2027-03-02T09:45:00+05:30');
    expect(booked.status).toBe(201);
    expect(booked.body.booking.startUtc).toBe('2027-03-02T04:15:00.000Z');
    expect(local(await slotsOn(m45, 'U0KOL', ...day, 'Asia/Kolkata'))[0]).toBe('10:30');
  });

  it('reads a zero-length override (00:00–00:00) as a day off, not a 24-hour day', async () => {
    const schedule = await person('U0ZERO', 'Europe/London', [{ start: '09:00', end: '17:00' }], { overrides: [{ date: '2027-03-02', ranges: [{ start: '00:00', end: '00:00' }] }] });
    expect(schedule.overrides).toEqual([{ date: '2027-03-02', ranges: [{ start: '00:00', end: '00:00' }] }]);
    expect(await slotsOn(m30, 'U0ZERO', '2027-03-02T00:00:00Z', '2027-03-03T00:00:00Z')).toEqual([]);
    expect(await slotsOn(m30, 'U0ZERO', '2027-03-03T00:00:00Z', '2027-03-04T00:00:00Z')).toHaveLength(16);
    const refused = await book(m30, 'U0ZERO', '2027-03-02T03:00:00Z');
    expect(refused.status).toBe(422);
    expect(expectErrorShape(refused).message).toMatch(/outside U0ZERO's working hours/);
  });

  it('counts only a type’s own bookings towards that type’s daily limit', async () => {
    await person('U0TYP', 'UTC', [{ start: '09:00', end: '12:00' }]);
    const intro = await type({ name: 'Intro, once a day', durationMinutes: 30, dailyLimit: 1 });
    const day = ['2027-03-02T00:00:00Z', '2027-03-03T00:00:00Z'] as const;
    // Two meetings of other types that day do not use up the intro's one.
    expect((await book(m30, 'U0TYP', '2027-03-02T09:00:00Z')).status).toBe(201);
    expect((await book(m15, 'U0TYP', '2027-03-02T11:30:00Z')).status).toBe(201);
    expect((await slotsOn(intro, 'U0TYP', ...day)).map((s) => s.startUtc)).toEqual(['2027-03-02T09:30:00.000Z', '2027-03-02T10:00:00.000Z', '2027-03-02T10:30:00.000Z', '2027-03-02T11:00:00.000Z']);
    expect((await book(intro, 'U0TYP', '2027-03-02T10:00:00Z')).status).toBe(201);
    // Now the intro's limit is reached that day, and only for intros.
    expect(await slotsOn(intro, 'U0TYP', ...day)).toEqual([]);
    const second = await book(intro, 'U0TYP', '2027-03-02T11:00:00Z');
    expect(second.status).toBe(422);
    expect(expectErrorShape(second).message).toContain('U0TYP has reached the daily limit of 1 "Intro, once a day" meetings');
    expect((await slotsOn(m30, 'U0TYP', ...day)).map((s) => s.startUtc)).toContain('2027-03-02T11:00:00.000Z');
    expect((await slotsOn(intro, 'U0TYP', '2027-03-03T00:00:00Z', '2027-03-04T00:00:00Z')).length).toBeGreaterThan(0);
  });

  it('lets a person set their own limit of meetings a day, across all types, kept until changed', async () => {
    const set = await person('U0OWN', 'UTC', [{ start: '09:00', end: '12:00' }], { dailyLimit: 2 });
    expect(set.dailyLimit).toBe(2);
    expect((await api('GET', '/availability/people/U0OWN/schedule')).body).toMatchObject({ dailyLimit: 2, isDefault: false });
    const day = ['2027-03-02T00:00:00Z', '2027-03-03T00:00:00Z'] as const;
    expect((await book(m30, 'U0OWN', '2027-03-02T09:00:00Z')).status).toBe(201);
    expect((await book(m15, 'U0OWN', '2027-03-02T10:00:00Z')).status).toBe(201);
    for (const typeId of [m15, m30]) expect(await slotsOn(typeId, 'U0OWN', ...day)).toEqual([]);
    const third = await book(m30, 'U0OWN', '2027-03-02T11:00:00Z');
    expect(third.status).toBe(422);
    expect(expectErrorShape(third).message).toContain('U0OWN takes at most 2 meetings a day');
    // Another host in the same meeting is held to it too.
    await person('U0MAT', 'UTC', [{ start: '09:00', end: '12:00' }]);
    const together = await api('POST', '/bookings', { meetingTypeId: m30, organizerId: 'U0MAT', hostIds: ['U0OWN'], start: '2027-03-02T11:00:00Z' });
    expect(together.status).toBe(422);
    expect((await slotsOn(m30, 'U0OWN', '2027-03-03T00:00:00Z', '2027-03-04T00:00:00Z')).length).toBe(6);

    // Replacing the hours without naming the limit keeps it; null removes it.
    expect((await api('PUT', '/availability/people/U0OWN/schedule', { timeZone: 'UTC', rules: [{ rrule: EVERY_DAY, start: '09:00', end: '12:00' }] })).body.dailyLimit).toBe(2);
    expect(await slotsOn(m30, 'U0OWN', ...day)).toEqual([]);
    expect((await api('PUT', '/availability/people/U0OWN/schedule', { timeZone: 'UTC', rules: [{ rrule: EVERY_DAY, start: '09:00', end: '12:00' }], dailyLimit: null })).body.dailyLimit).toBeNull();
    expect((await slotsOn(m30, 'U0OWN', ...day)).map((s) => s.startUtc)).toContain('2027-03-02T11:00:00.000Z');
    expect((await api('GET', '/availability/people/U0MAT/schedule')).body.dailyLimit).toBeNull();
  });

  it('refuses a limit that is not a whole number from 1 to 100, and changes nothing', async () => {
    await person('U0BAD', 'UTC', [{ start: '09:00', end: '17:00' }], { dailyLimit: 3 });
    const before = await snapshotTeam(h.handle.db, T);
    for (const dailyLimit of [0, -1, 101, 2.5, '3', true]) {
      const result = await api('PUT', '/availability/people/U0BAD/schedule', { timeZone: 'UTC', rules: [], dailyLimit });
      expect(result.status, JSON.stringify(dailyLimit)).toBe(400);
      expect(expectErrorShape(result).field).toBe('dailyLimit');
    }
    expect(await snapshotTeam(h.handle.db, T)).toEqual(before);
    expect((await api('GET', '/availability/people/U0BAD/schedule')).body.dailyLimit).toBe(3);
  });

  it('documents the person’s limit and the slot grid in the OpenAPI document', async () => {
    const doc = (await call(h.app, 'GET', '/api/openapi.json')).body;
    expect(doc.components.schemas.ScheduleInput.properties.dailyLimit.description).toMatch(/at most this many meetings \(of any type\)/);
    expect(doc.components.schemas.Schedule.properties.dailyLimit).toBeDefined();
    expect(doc.paths['/api/meetings/availability'].get.description).toMatch(/largest of 60, 30, 20, 15, 10 or 5 minutes/);
  });
});
