import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdempotencyHeader } from '../../src/api/schemas.js';
import { databaseKinds } from '../support/databases.js';
import { snapshotTeam } from '../support/snapshot.js';
import { call, expectErrorShape, openApiHarness, type ApiHarness, type Call } from './support.js';

// Friday 26 February 2027, noon UTC.
const now = new Date('2027-02-26T12:00:00Z');
const T = 'T0BADIN';
const NUL = '\u0000';
const LONG_ID = `U${'A'.repeat(4999)}`;
const RANGE = /2000-01-01T00:00:00Z to before 2200-01-01T00:00:00Z/;

describe.each(databaseKinds())('bad input answers 400 and changes nothing, on %s', (kind) => {
  let h: ApiHarness;
  let key: string;
  let m30: string;
  let bookingId: string;

  beforeAll(async () => {
    h = await openApiHarness(kind, now);
    key = await h.keyFor(T);
    for (const [id, timeZone] of [['U0ANA', 'Europe/London'], ['U0BEN', 'America/New_York']]) {
      expect((await call(h.app, 'PUT', `/api/meetings/availability/people/${id}`, { key, body: { name: `Person ${id}`, timeZone } })).status).toBe(200);
    }
    const types = await call(h.app, 'GET', '/api/meetings/meeting-types', { key });
    m30 = types.body.meetingTypes.find((t: any) => t.durationMinutes === 30).id;
    const booked = await call(h.app, 'POST', '/api/meetings/bookings', { key, body: { meetingTypeId: m30, organizerId: 'U0ANA', hostIds: ['U0BEN'], start: '2027-03-01T15:00:00Z' } });
    expect(booked.status).toBe(201);
    bookingId = booked.body.booking.id;
  });
  afterAll(() => h?.close());

  /** Sends each request, expects a 400 naming `field` (and matching `message`), and that no row changed. */
  async function expectRefused(cases: { label: string; send: () => Promise<Call>; field: string | null; message?: RegExp }[]) {
    const before = await snapshotTeam(h.handle.db, T);
    for (const c of cases) {
      const result = await c.send();
      expect(result.status, `${c.label}: ${JSON.stringify(result.body)}`).toBe(400);
      const error = expectErrorShape(result);
      expect(error.code, c.label).toBe('invalid_input');
      expect(error.field, c.label).toBe(c.field);
      if (c.message) expect(error.message, c.label).toMatch(c.message);
    }
    expect(await snapshotTeam(h.handle.db, T)).toEqual(before);
  }

  const get = (path: string) => () => call(h.app, 'GET', path, { key });
  const send = (method: string, path: string, body: unknown, headers?: Record<string, string>) => () => call(h.app, method, path, { key, body, headers });
  const slots = (query: string) => get(`/api/meetings/availability?meetingTypeId=${m30}&hostIds=U0ANA&${query}`);
  const book = (body: Record<string, unknown>) => send('POST', '/api/meetings/bookings', { meetingTypeId: m30, organizerId: 'U0ANA', start: '2027-03-01T10:00:00Z', ...body });

  it('refuses instants outside 2000–2200 on availability, booking lists, bookings and moves', async () => {
    await expectRefused([
      { label: 'slots from year 0', send: slots('from=0000-01-01T00:00:00Z'), field: 'from', message: RANGE },
      { label: 'slots from year 0 with to', send: slots('from=0000-01-01T00:00:00Z&to=0000-01-03T00:00:00Z'), field: 'from', message: RANGE },
      { label: 'slots from year 1', send: slots('from=0001-01-01T00:00:00Z'), field: 'from', message: RANGE },
      { label: 'slots from 1970', send: slots('from=1970-01-01T00:00:00Z'), field: 'from', message: RANGE },
      { label: 'slots from 9999', send: slots('from=9999-12-25T00:00:00Z'), field: 'from', message: RANGE },
      { label: 'slots to year 0', send: slots('from=2027-03-01T00:00:00Z&to=0000-01-01T00:00:00Z'), field: 'to', message: RANGE },
      { label: 'list from year 0', send: get('/api/meetings/bookings?from=0000-01-01T00:00:00Z'), field: 'from', message: RANGE },
      { label: 'list to year 0', send: get('/api/meetings/bookings?to=0000-01-01T00:00:00Z'), field: 'to', message: RANGE },
      { label: 'list from 9999', send: get('/api/meetings/bookings?from=9999-12-31T23:59:59Z'), field: 'from', message: RANGE },
      { label: 'book at 9999-12-31T23:30', send: book({ start: '9999-12-31T23:30:00Z' }), field: 'start', message: RANGE },
      { label: 'book in year 0', send: book({ start: '0000-01-01T00:00:00Z' }), field: 'start', message: RANGE },
      { label: 'book in 2200', send: book({ start: '2200-01-01T00:00:00Z' }), field: 'start', message: RANGE },
      { label: 'move to 9999', send: send('POST', `/api/meetings/bookings/${bookingId}/reschedule`, { start: '9999-12-31T23:30:00Z' }), field: 'start', message: RANGE },
      {
        label: 'override in year 0',
        send: send('PUT', '/api/meetings/availability/people/U0ANA/schedule', { timeZone: 'UTC', rules: [], overrides: [{ date: '0000-01-01', ranges: [] }] }),
        field: 'overrides.0.date',
        message: /2000-01-01 to 2199-12-31/,
      },
      {
        label: 'rule anchored in 9999',
        send: send('PUT', '/api/meetings/availability/people/U0ANA/schedule', { timeZone: 'UTC', rules: [{ rrule: 'FREQ=WEEKLY;BYDAY=MO', start: '09:00', end: '17:00', anchorDate: '9999-12-27' }] }),
        field: 'rules.0.anchorDate',
      },
    ]);
    // A cursor is checked the same way (it carries an instant).
    const cursor = Buffer.from(JSON.stringify(['0000-01-01T00:00:00.000Z', '00000000-0000-0000-0000-000000000000'])).toString('base64url');
    await expectRefused([{ label: 'cursor in year 0', send: get(`/api/meetings/bookings?cursor=${cursor}`), field: 'cursor' }]);
  });

  it('refuses a NUL character in every text field, naming the field', async () => {
    const nul = /NUL character/;
    await expectRefused([
      { label: 'title', send: book({ title: `Kick${NUL}off` }), field: 'title', message: nul },
      { label: 'notes', send: book({ notes: `a${NUL}` }), field: 'notes', message: nul },
      { label: 'guest name', send: book({ guests: [{ name: `Dana${NUL}` }] }), field: 'guests.0.name', message: nul },
      { label: 'guest email', send: book({ guests: [{ name: 'Dana', email: `dana${NUL}@example.org` }] }), field: 'guests.0.email' },
      { label: 'type name', send: send('POST', '/api/meetings/meeting-types', { name: `Chat${NUL}`, durationMinutes: 30, slotIntervalMinutes: 30 }), field: 'name', message: nul },
      { label: 'type rename', send: send('PATCH', `/api/meetings/meeting-types/${m30}`, { name: `Chat${NUL}` }), field: 'name', message: nul },
      { label: 'cancel reason', send: send('POST', `/api/meetings/bookings/${bookingId}/cancel`, { reason: `ill${NUL}` }), field: 'reason', message: nul },
      { label: 'person name', send: send('PUT', '/api/meetings/availability/people/U0ANA', { name: `Ana${NUL}`, timeZone: 'UTC' }), field: 'name', message: nul },
      { label: 'person zone', send: send('PUT', '/api/meetings/availability/people/U0ANA', { name: 'Ana', timeZone: `UTC${NUL}` }), field: 'timeZone', message: nul },
      { label: 'person id', send: send('PUT', '/api/meetings/availability/people/U0ANA%00', { name: 'Ana', timeZone: 'UTC' }), field: 'personId' },
      { label: 'schedule zone', send: send('PUT', '/api/meetings/availability/people/U0ANA/schedule', { timeZone: `UTC${NUL}`, rules: [] }), field: 'timeZone', message: nul },
      {
        label: 'schedule rule',
        send: send('PUT', '/api/meetings/availability/people/U0ANA/schedule', { timeZone: 'UTC', rules: [{ rrule: `FREQ=WEEKLY;BYDAY=MO${NUL}`, start: '09:00', end: '17:00' }] }),
        field: 'rules.0.rrule',
        message: nul,
      },
      { label: 'host id in a query', send: get(`/api/meetings/availability?meetingTypeId=${m30}&hostIds=U0ANA%00`), field: 'hostIds.0' },
      { label: 'cursor', send: get('/api/meetings/bookings?cursor=abc%00'), field: 'cursor', message: nul },
      { label: 'viewer zone', send: get('/api/meetings/bookings?timeZone=UTC%00'), field: 'timeZone', message: nul },
    ]);
    // HTTP itself cannot carry a NUL in a header (Node refuses the request; see keep-alive.test.ts), and the schema refuses it too.
    const header = IdempotencyHeader.safeParse({ 'idempotency-key': `key${NUL}` });
    expect(header.success).toBe(false);
    expect(header.error?.issues[0]?.message).toMatch(nul);
  });

  it('refuses a 5,000-character person id (and other overlong ids) wherever one is taken', async () => {
    const tooLong = /at most 64 characters/;
    await expectRefused([
      { label: 'register', send: send('PUT', `/api/meetings/availability/people/${LONG_ID}`, { name: 'Long', timeZone: 'UTC' }), field: 'personId', message: tooLong },
      { label: 'read', send: get(`/api/meetings/availability/people/${LONG_ID}`), field: 'personId', message: tooLong },
      { label: 'read schedule', send: get(`/api/meetings/availability/people/${LONG_ID}/schedule`), field: 'personId', message: tooLong },
      { label: 'set schedule', send: send('PUT', `/api/meetings/availability/people/${LONG_ID}/schedule`, { timeZone: 'UTC', rules: [] }), field: 'personId', message: tooLong },
      { label: 'list by person', send: get(`/api/meetings/bookings?personId=${LONG_ID}`), field: 'personId', message: tooLong },
      { label: 'slots for host', send: get(`/api/meetings/availability?meetingTypeId=${m30}&hostIds=${LONG_ID}`), field: 'hostIds.0', message: tooLong },
      { label: 'organizer', send: book({ organizerId: LONG_ID }), field: 'organizerId', message: tooLong },
      { label: 'host', send: book({ hostIds: [LONG_ID] }), field: 'hostIds.0', message: tooLong },
      { label: 'mover', send: send('POST', `/api/meetings/bookings/${bookingId}/reschedule`, { start: '2027-03-01T16:00:00Z', actorId: LONG_ID }), field: 'actorId', message: tooLong },
      { label: 'idempotency key', send: send('POST', '/api/meetings/bookings', { meetingTypeId: m30, organizerId: 'U0ANA', start: '2027-03-01T10:00:00Z' }, { 'Idempotency-Key': 'k'.repeat(201) }), field: 'idempotency-key' },
      { label: 'type id', send: get(`/api/meetings/meeting-types/${'a'.repeat(5000)}`), field: 'id' },
      { label: 'booking id', send: get(`/api/meetings/bookings/${'a'.repeat(5000)}`), field: 'id' },
      { label: 'slots type id', send: get(`/api/meetings/availability?meetingTypeId=not-a-uuid&hostIds=U0ANA`), field: 'meetingTypeId' },
    ]);
  });

  it('refuses bad tickets, metadata and webhook endpoints, naming the field', async () => {
    const nul = /NUL character/;
    const deep = { a: { b: { c: { d: { e: { f: 1 } } } } } };
    const endpoint = (body: Record<string, unknown>) => send('POST', '/api/meetings/webhooks/endpoints', { url: 'https://help.example.com/hooks', ...body });
    await expectRefused([
      { label: 'ticket without id', send: book({ externalReference: { url: 'https://help.example.com/t/1' } }), field: 'externalReference.id' },
      { label: 'empty ticket id', send: book({ externalReference: { id: ' ' } }), field: 'externalReference.id' },
      { label: 'ticket id with NUL', send: book({ externalReference: { id: `HD${NUL}1` } }), field: 'externalReference.id', message: nul },
      { label: 'ticket id too long', send: book({ externalReference: { id: 'x'.repeat(201) } }), field: 'externalReference.id', message: /at most 200/ },
      { label: 'javascript: ticket URL', send: book({ externalReference: { id: '1', url: 'javascript:alert(1)' } }), field: 'externalReference.url', message: /http or https/ },
      { label: 'ticket URL too long', send: book({ externalReference: { id: '1', url: `https://x.example/${'a'.repeat(2000)}` } }), field: 'externalReference.url' },
      { label: 'ticket URL with NUL', send: book({ externalReference: { id: '1', url: `https://x.example/${NUL}` } }), field: 'externalReference.url', message: nul },
      { label: 'ticket extra field', send: book({ externalReference: { id: '1', system: 'zendesk' } }), field: 'externalReference' },
      { label: 'metadata an array', send: book({ metadata: [1, 2] }), field: 'metadata' },
      { label: 'metadata a string', send: book({ metadata: 'x' }), field: 'metadata' },
      { label: 'metadata over 8 KB', send: book({ metadata: { note: 'x'.repeat(9000) } }), field: 'metadata', message: /8 KB/ },
      { label: 'metadata NUL value', send: book({ metadata: { note: `a${NUL}` } }), field: 'metadata', message: nul },
      { label: 'metadata NUL deep', send: book({ metadata: { list: [{ note: `a${NUL}` }] } }), field: 'metadata', message: nul },
      { label: 'metadata NUL key', send: book({ metadata: { [`k${NUL}`]: 1 } }), field: 'metadata', message: nul },
      { label: 'metadata too deep', send: book({ metadata: deep }), field: 'metadata', message: /5 levels/ },
      { label: 'metadata 51 keys', send: book({ metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])) }), field: 'metadata', message: /50 keys/ },
      { label: 'list by overlong ticket', send: get(`/api/meetings/bookings?externalRefId=${'x'.repeat(201)}`), field: 'externalRefId' },
      { label: 'list by non-email', send: get('/api/meetings/bookings?attendeeEmail=not-an-email'), field: 'attendeeEmail' },
      { label: 'list by bad type', send: get('/api/meetings/bookings?meetingTypeId=abc'), field: 'meetingTypeId' },
      { label: 'unknown sort', send: get('/api/meetings/bookings?sort=title'), field: 'sort' },
      { label: 'webhook ftp URL', send: endpoint({ url: 'ftp://help.example.com/hooks' }), field: 'url', message: /http or https/ },
      { label: 'webhook URL with NUL', send: endpoint({ url: `https://help.example.com/${NUL}` }), field: 'url', message: nul },
      { label: 'webhook to cloud metadata', send: endpoint({ url: 'http://169.254.169.254/latest/meta-data/' }), field: 'url', message: /link-local/ },
      { label: 'webhook to metadata, as a number', send: endpoint({ url: 'http://2852039166/' }), field: 'url', message: /link-local/ },
      { label: 'webhook to metadata, IPv4-mapped', send: endpoint({ url: 'http://[::ffff:169.254.169.254]/' }), field: 'url', message: /link-local/ },
      { label: 'webhook to the unspecified address', send: endpoint({ url: 'http://0.0.0.0:5432/' }), field: 'url', message: /unspecified/ },
      { label: 'webhook moved to link-local', send: send('PATCH', '/api/meetings/webhooks/endpoints/00000000-0000-4000-8000-000000000000', { url: 'http://[fe80::1]/' }), field: 'url', message: /link-local/ },
      { label: 'webhook no events', send: endpoint({ eventTypes: [] }), field: 'eventTypes' },
      { label: 'webhook unknown event', send: endpoint({ eventTypes: ['booking.deleted'] }), field: 'eventTypes.0' },
      { label: 'webhook description NUL', send: endpoint({ description: `a${NUL}` }), field: 'description', message: nul },
      { label: 'webhook notify not a member id', send: endpoint({ notifySlackUserId: 'ana' }), field: 'notifySlackUserId' },
      { label: 'webhook extra field', send: endpoint({ secret: 'whsec_mine' }), field: null },
      { label: 'webhook patch nothing', send: send('PATCH', '/api/meetings/webhooks/endpoints/00000000-0000-4000-8000-000000000000', {}), field: null },
      { label: 'webhook id not a uuid', send: get('/api/meetings/webhooks/endpoints/abc'), field: 'id' },
      { label: 'delivery id not a uuid', send: send('POST', '/api/meetings/webhooks/deliveries/abc/redeliver', undefined), field: 'id' },
      { label: 'deliveries by bad status', send: get('/api/meetings/webhooks/deliveries?status=lost'), field: 'status' },
      { label: 'deliveries bad cursor', send: get('/api/meetings/webhooks/deliveries?cursor=abc'), field: 'cursor' },
      { label: 'recover since year 0', send: send('POST', '/api/meetings/webhooks/endpoints/00000000-0000-4000-8000-000000000000/recover', { since: '0000-01-01T00:00:00Z' }), field: 'since', message: RANGE },
      { label: 'deliveries cursor with NUL', send: get('/api/meetings/webhooks/deliveries?cursor=abc%00'), field: 'cursor', message: nul },
      { label: 'recover without since', send: send('POST', '/api/meetings/webhooks/endpoints/00000000-0000-4000-8000-000000000000/recover', {}), field: 'since' },
    ]);
  });

  it('answers what an attacker would try with a 4xx in the error shape, never 500, and changes nothing', async () => {
    const before = await snapshotTeam(h.handle.db, T);
    const raw = (method: string, path: string, body: string, contentType = 'application/json') => () =>
      call(h.app, method, path, { key, body, headers: { 'Content-Type': contentType } });
    const attempts: [string, () => Promise<Call>][] = [
      ['JSON null body', raw('POST', '/api/meetings/bookings', 'null')],
      ['JSON array body', raw('POST', '/api/meetings/bookings', '[]')],
      ['JSON number body', raw('POST', '/api/meetings/meeting-types', '123')],
      ['JSON string body', raw('PUT', '/api/meetings/availability/people/U0ANA', '"x"')],
      ['JSON null schedule', raw('PUT', '/api/meetings/availability/people/U0ANA/schedule', 'null')],
      ['JSON null patch', raw('PATCH', `/api/meetings/meeting-types/${m30}`, 'null')],
      ['broken JSON', raw('POST', '/api/meetings/bookings', '{"meetingTypeId":')],
      ['deeply nested JSON', raw('POST', '/api/meetings/bookings', `${'['.repeat(50_000)}${']'.repeat(50_000)}`)],
      ['text/plain', raw('POST', '/api/meetings/bookings', JSON.stringify({ meetingTypeId: m30, organizerId: 'U0ANA', start: '2027-03-01T10:00:00Z' }), 'text/plain')],
      ['form encoded', raw('POST', '/api/meetings/bookings', 'meetingTypeId=x', 'application/x-www-form-urlencoded')],
      ['multipart', raw('POST', '/api/meetings/meeting-types', '--b\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--b--', 'multipart/form-data; boundary=b')],
      ['__proto__ key', raw('POST', '/api/meetings/bookings', `{"__proto__":{"admin":true},"meetingTypeId":"${m30}","organizerId":"U0ANA","start":"2027-03-01T10:00:00Z"}`)],
      ['fractional duration', send('POST', '/api/meetings/meeting-types', { name: 'F', durationMinutes: 30.5, slotIntervalMinutes: 30 })],
      ['negative buffer', send('POST', '/api/meetings/meeting-types', { name: 'F', durationMinutes: 30, slotIntervalMinutes: 30, bufferBeforeMinutes: -5 })],
      ['1e300 minutes', send('POST', '/api/meetings/meeting-types', { name: 'F', durationMinutes: 1e300, slotIntervalMinutes: 30 })],
      ['numeric string', send('PATCH', `/api/meetings/meeting-types/${m30}`, { dailyLimit: '3' })],
      ['null name', send('PATCH', `/api/meetings/meeting-types/${m30}`, { name: null })],
      ['null arrays', book({ hostIds: null, guests: null })],
      ['start as a number', book({ start: 1_803_000_000_000 })],
      ['21 hosts', book({ hostIds: Array.from({ length: 21 }, (_, i) => `U0H${i}`) })],
      ['huge guest list', book({ guests: Array.from({ length: 50_000 }, () => ({ name: 'x' })) })],
      ['huge schedule', send('PUT', '/api/meetings/availability/people/U0ANA/schedule', { timeZone: 'UTC', rules: Array.from({ length: 20_000 }, () => ({ rrule: 'FREQ=WEEKLY;BYDAY=MO', start: '09:00', end: '17:00' })) })],
      ['101 rules', send('PUT', '/api/meetings/availability/people/U0ANA/schedule', { timeZone: 'UTC', rules: Array.from({ length: 101 }, () => ({ rrule: 'FREQ=WEEKLY;BYDAY=MO', start: '09:00', end: '17:00' })) })],
      ['COUNT in a rule', send('PUT', '/api/meetings/availability/people/U0ANA/schedule', { timeZone: 'UTC', rules: [{ rrule: 'FREQ=WEEKLY;COUNT=99999999999', start: '09:00', end: '17:00' }] })],
      ['hour 24', send('PUT', '/api/meetings/availability/people/U0ANA/schedule', { timeZone: 'UTC', rules: [{ rrule: 'FREQ=WEEKLY;BYDAY=MO', start: '24:00', end: '17:00' }] })],
      ['zone not IANA', get(`/api/meetings/availability?meetingTypeId=${m30}&hostIds=U0ANA&timeZone=Mars/Olympus_Mons`)],
      ['zone as an offset', send('PUT', '/api/meetings/availability/people/U0ANA', { name: 'Ana', timeZone: 'GMT+5:30' })],
      ['zone too long', get(`/api/meetings/bookings?timeZone=${'Europe/'.repeat(200)}`)],
      ['type id not a uuid', get('/api/meetings/meeting-types/abc')],
      ['type id not a uuid on patch', send('PATCH', '/api/meetings/meeting-types/abc', { name: 'x' })],
      ['booking id not a uuid', send('POST', '/api/meetings/bookings/abc/cancel', {})],
      ['booking id NUL', get('/api/meetings/bookings/%00')],
      ['limit=1e9', get('/api/meetings/bookings?limit=1e9')],
      ['limit=-1', get('/api/meetings/bookings?limit=-1')],
      ['limit=1.5', get('/api/meetings/bookings?limit=1.5')],
      ['limit=Infinity', get('/api/meetings/bookings?limit=Infinity')],
      ['limit twice', get('/api/meetings/bookings?limit=5&limit=6')],
      ['status twice', get('/api/meetings/bookings?status=confirmed&status=cancelled')],
      ['personId twice', get('/api/meetings/bookings?personId=U0ANA&personId=U0BEN')],
      ['meetingTypeId twice', get(`/api/meetings/availability?meetingTypeId=${m30}&meetingTypeId=${m30}&hostIds=U0ANA`)],
      ['from twice', slots('from=2027-03-01T00:00:00Z&from=2027-03-02T00:00:00Z')],
      ['timeZone twice', get('/api/meetings/bookings?timeZone=UTC&timeZone=UTC')],
      ['includeInactive twice', get('/api/meetings/meeting-types?includeInactive=true&includeInactive=false')],
      ['500 hosts', get(`/api/meetings/availability?meetingTypeId=${m30}&hostIds=${Array.from({ length: 500 }, (_, i) => `U${i}X`).join(',')}`)],
      ['no hosts', get(`/api/meetings/availability?meetingTypeId=${m30}&hostIds=`)],
      ['a year-long window', slots('from=2027-03-01T00:00:00Z&to=2028-03-01T00:00:00Z')],
      ['31 February', slots('from=2027-02-31T00:00:00Z')],
      ['year 275760', slots('from=275760-09-13T00:00:00Z')],
      ['unknown fields', send('PUT', '/api/meetings/availability/people/U0ANA', { name: 'Ana', timeZone: 'UTC', admin: true })],
      ['cursor of another shape', get(`/api/meetings/bookings?cursor=${Buffer.from('{"a":1}').toString('base64url')}`)],
      ['cursor of JSON null', get(`/api/meetings/bookings?cursor=${Buffer.from('null').toString('base64url')}`)],
    ];
    for (const [label, attempt] of attempts) {
      const result = await attempt();
      expect(result.status, `${label}: ${JSON.stringify(result.body).slice(0, 300)}`).toBeGreaterThanOrEqual(400);
      expect(result.status, label).toBeLessThan(500);
      expectErrorShape(result);
    }
    expect(await snapshotTeam(h.handle.db, T)).toEqual(before);
  });

  it('documents the accepted range of instants, the id lengths and the NUL rule in the OpenAPI document', async () => {
    const doc = (await call(h.app, 'GET', '/api/openapi.json')).body;
    const schemas = doc.components.schemas;
    expect(schemas.BookingCreate.properties.start.description).toMatch(RANGE);
    expect(doc.info.description).toMatch(RANGE);
    expect(doc.info.description).toMatch(/at most 64 characters/);
    const personParam = doc.paths['/api/meetings/availability/people/{personId}'].get.parameters.find((p: any) => p.name === 'personId');
    expect(personParam.schema.maxLength).toBe(64);
    expect(personParam.description).toMatch(/at most 64 characters/);
    expect(schemas.BookingCreate.properties.organizerId.maxLength).toBe(64);
    const listFrom = doc.paths['/api/meetings/bookings'].get.parameters.find((p: any) => p.name === 'from');
    expect(listFrom.description).toMatch(RANGE);
    const keyHeader = doc.paths['/api/meetings/bookings'].post.parameters.find((p: any) => p.name === 'idempotency-key');
    expect(keyHeader.schema.maxLength).toBe(200);
    for (const text of [schemas.BookingCreate.properties.title, schemas.CancelInput.properties.reason, schemas.MeetingTypeCreate.properties.name, schemas.PersonInput.properties.name]) {
      expect(new RegExp(text.pattern, 'u').test(`a${NUL}b`)).toBe(false);
      expect(new RegExp(text.pattern, 'u').test('a b')).toBe(true);
    }
  });
});
