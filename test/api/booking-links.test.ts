import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertPerson } from '../../src/bookings/index.js';
import { withTeam } from '../../src/db/tenant.js';
import { databaseKinds } from '../support/databases.js';
import { call, expectErrorShape, openApiHarness, type ApiHarness } from './support.js';

const now = new Date('2027-02-26T12:00:00Z');
const T = 'T0LINKSAPI';

describe.each(databaseKinds())('booking links API on %s', (kind) => {
  let h: ApiHarness;
  let key: string;
  let typeId: string;

  beforeAll(async () => {
    h = await openApiHarness(kind, now);
    key = await h.keyFor(T);
    await withTeam(h.handle.db, T, async (tx) => {
      await upsertPerson(tx, T, { slackUserId: 'U0ANA', name: 'Ana Alvarez', timeZone: 'Europe/London' });
      await upsertPerson(tx, T, { slackUserId: 'U0BEN', name: 'Ben Brown', timeZone: 'Europe/London' });
    });
    typeId = (await call(h.app, 'GET', '/api/meetings/meeting-types', { key })).body.meetingTypes[1].id;
  });
  afterAll(() => h?.close());

  const api = (method: string, path: string, body?: unknown, k = key) => call(h.app, method, `/api/meetings/booking-links${path}`, { key: k, body });

  it('publishes a link with a readable slug made from its title, and gets it back', async () => {
    const created = await api('POST', '', {
      meetingTypeId: typeId,
      title: 'Intro call (30 min)',
      mode: 'any',
      hostIds: ['U0ANA', 'U0BEN'],
      questions: [{ label: 'Company', required: true }, { label: 'What would you like to discuss?', multiline: true }],
      slackChannelId: 'C0SALES',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      slug: 'intro-call-30-min',
      url: `http://localhost:3000/book/${T}/intro-call-30-min`,
      mode: 'any',
      hostIds: ['U0ANA', 'U0BEN'],
      askNotes: true,
      questions: [
        { id: 'q1', label: 'Company', required: true, multiline: false },
        { id: 'q2', label: 'What would you like to discuss?', required: false, multiline: true },
      ],
      slackChannelId: 'C0SALES',
      active: true,
      createdBy: expect.stringMatching(/^api-key:/),
    });
    expect((await api('GET', `/${created.body.id}`)).body).toEqual(created.body);
    const again = await api('POST', '', { meetingTypeId: typeId, title: 'Intro call (30 min)', mode: 'one', hostIds: ['U0ANA'] });
    expect(again.body.slug).toBe('intro-call-30-min-2');
    // The page is up.
    expect((await h.app.request(`/book/${T}/intro-call-30-min`)).status).toBe(200);
  });

  it('refuses what cannot be a link, naming the field, and stores nothing', async () => {
    const before = (await api('GET', '?includeInactive=true')).body.bookingLinks.length;
    const cases: [Record<string, unknown>, number, string][] = [
      [{ mode: 'one', hostIds: ['U0ANA', 'U0BEN'] }, 400, 'hostIds'],
      [{ slug: 'Not A Slug!' }, 400, 'slug'],
      [{ slug: 'intro-call-30-min' }, 400, 'slug'],
      [{ hostIds: ['U0NOBODY'] }, 404, 'hostIds'],
      [{ meetingTypeId: '00000000-0000-4000-8000-000000000000' }, 404, 'meetingTypeId'],
      [{ questions: Array.from({ length: 6 }, (_, i) => ({ label: `Q${i}` })) }, 400, 'questions'],
      [{ slackChannelId: 'general' }, 400, 'slackChannelId'],
      [{ title: 'x\u0000' }, 400, 'title'],
    ];
    for (const [change, status, field] of cases) {
      const answer = await api('POST', '', { meetingTypeId: typeId, mode: 'one', hostIds: ['U0ANA'], ...change });
      expect(answer.status, JSON.stringify(change)).toBe(status);
      expect(expectErrorShape(answer).field).toBe(field);
    }
    expect((await api('GET', '?includeInactive=true')).body.bookingLinks).toHaveLength(before);
  });

  it('turns a link off and on again; off, its page is a 404', async () => {
    const link = (await api('POST', '', { meetingTypeId: typeId, slug: 'support', mode: 'one', hostIds: ['U0BEN'] })).body;
    const off = await api('DELETE', `/${link.id}`);
    expect(off.status).toBe(200);
    expect(off.body.active).toBe(false);
    expect((await h.app.request(`/book/${T}/support`)).status).toBe(404);
    expect((await api('GET', '')).body.bookingLinks.map((l: any) => l.slug)).not.toContain('support');
    expect((await api('GET', '?includeInactive=true&hostId=U0BEN')).body.bookingLinks.map((l: any) => l.slug)).toEqual(['intro-call-30-min', 'support']);
    const on = await api('PATCH', `/${link.id}`, { active: true, askNotes: false });
    expect(on.body).toMatchObject({ active: true, askNotes: false, slug: 'support' });
    expect((await h.app.request(`/book/${T}/support`)).status).toBe(200);
    expect((await api('PATCH', `/${link.id}`, {})).status).toBe(400);
  });

  it('keeps each team\'s links to itself', async () => {
    const mine = (await api('GET', '')).body.bookingLinks[0];
    const other = await h.keyFor('T0OTHERTEAM');
    expect((await api('GET', `/${mine.id}`, undefined, other)).status).toBe(404);
    expect((await api('GET', '', undefined, other)).body.bookingLinks).toEqual([]);
    expect((await api('GET', '', undefined, 'mfs_nope_nope')).status).toBe(401);
  });
});
