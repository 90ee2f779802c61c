import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setupServer } from 'msw/node';
import { sql } from 'drizzle-orm';
import { createApp } from '../../src/app.js';
import { createApiKey } from '../../src/api/keys.js';
import { cancelBooking, createBooking, rescheduleBooking } from '../../src/bookings/index.js';
import { startEvents, type EventDispatcher } from '../../src/events/index.js';
import { databaseKinds } from '../support/databases.js';
import { rawRows } from '../support/sql.js';
import { forgedToken } from '../support/tokens.js';
import { startCalendarTest, TEAM, type CalendarTest } from './support/calendar-app.js';
import { FakeOAuthProvider, googleHandlers, microsoftHandlers, type GraphScheduleItem } from './support/fake-providers.js';

const now = new Date('2027-03-01T06:00:00Z');
const google = new FakeOAuthProvider('google');
const microsoft = new FakeOAuthProvider('microsoft');
let scheduleError: string | undefined;
const scheduleItems: GraphScheduleItem[] = [
  { status: 'busy', start: '2027-03-02T09:00:00Z', end: '2027-03-02T10:00:00Z' },
  { status: 'tentative', start: '2027-03-02T11:00:00Z', end: '2027-03-02T11:30:00Z' },
  { status: 'oof', start: '2027-03-03T00:00:00Z', end: '2027-03-04T00:00:00Z' },
  { status: 'free', start: '2027-03-02T13:00:00Z', end: '2027-03-02T14:00:00Z' },
  { status: 'workingElsewhere', start: '2027-03-02T15:00:00Z', end: '2027-03-02T16:00:00Z' },
];
const server = setupServer(
  ...googleHandlers(google, [
    { id: 'ana@example.com', summary: 'ana@example.com', accessRole: 'owner', primary: true, busy: [{ start: '2027-03-02T10:00:00Z', end: '2027-03-02T11:00:00Z' }] },
    { id: 'team@group.calendar.google.com', summary: 'Team', accessRole: 'writer', busy: [{ start: '2027-03-02T14:00:00Z', end: '2027-03-02T15:00:00Z' }] },
    { id: 'en.uk#holiday@group.v.calendar.google.com', summary: 'Holidays in the UK', accessRole: 'reader', busy: [{ start: '2027-03-05T00:00:00Z', end: '2027-03-06T00:00:00Z' }] },
  ]),
  ...microsoftHandlers(microsoft, 'ben@contoso.com', scheduleItems, { scheduleError: () => scheduleError }),
);

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

/** Walks the consent flow as a browser would: our link, the provider's consent (skipped: it answers with a code), our callback. */
async function consent(app: ReturnType<typeof createApp>, key: string, personId: string, provider: 'google' | 'microsoft', fake: FakeOAuthProvider) {
  const linkResponse = await app.request(`/api/meetings/people/${personId}/calendar-accounts/authorize`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ provider }),
  });
  expect(linkResponse.status).toBe(200);
  const link = (await linkResponse.json()) as { url: string };
  expect(link.url).toMatch(new RegExp(`^https://meet\\.test/calendars/connect/${provider}\\?t=`));
  const start = await app.request(link.url.replace('https://meet.test', ''));
  expect(start.status).toBe(302);
  const consentUrl = new URL(start.headers.get('location')!);
  const cookie = start.headers.get('set-cookie')!.split(';')[0]!;
  expect(cookie).toMatch(/^mfs_oauth_/);
  expect(start.headers.get('set-cookie')).toMatch(/HttpOnly/i);
  fake.challenges.add(consentUrl.searchParams.get('code_challenge')!);
  return { consentUrl, cookie, state: consentUrl.searchParams.get('state')! };
}

describe.each(databaseKinds())('Google and Microsoft calendars over OAuth (msw), on %s', (kind) => {
  let t: CalendarTest;
  let app: ReturnType<typeof createApp>;
  let key: string;
  let events: EventDispatcher;

  beforeAll(async () => {
    t = await startCalendarTest(kind, now, { U0ANA: 'Europe/London', U0BEN: 'America/Los_Angeles' });
    const deps = { db: t.handle.db, dbKind: t.handle.kind, config: t.config, now: () => t.clock.now };
    app = createApp(deps);
    key = (await createApiKey(t.handle.db, { teamId: TEAM, name: 'tests' })).key;
    events = await startEvents(deps, t.handle, { pollMs: 50, log: { warn: () => {}, error: () => {} } });
  });
  afterAll(async () => {
    await events?.stop();
    await t?.handle.close();
  });

  it('connects Google through our consent pages with PKCE, and refuses a callback from another browser or with a forged state', async () => {
    const { consentUrl, cookie, state } = await consent(app, key, 'U0ANA', 'google', google);
    expect(consentUrl.origin + consentUrl.pathname).toBe('https://accounts.google.com/o/oauth2/v2/auth');
    expect(Object.fromEntries(consentUrl.searchParams)).toMatchObject({
      client_id: 'google-client',
      redirect_uri: 'https://meet.test/calendars/oauth/google/callback',
      response_type: 'code',
      code_challenge_method: 'S256',
      access_type: 'offline',
    });
    expect(consentUrl.searchParams.get('scope')).toContain('https://www.googleapis.com/auth/calendar.readonly');

    const noCookie = await app.request(`/calendars/oauth/google/callback?code=good-code&state=${state}`);
    expect(noCookie.status).toBe(400);
    expect(await noCookie.text()).toContain('does not belong to a connection started in this browser');
    const forged = await app.request(`/calendars/oauth/google/callback?code=good-code&state=${forgedToken(state)}`, { headers: { cookie } });
    expect(forged.status).toBe(403);
    const denied = await app.request(`/calendars/oauth/google/callback?error=access_denied&state=${state}`, { headers: { cookie } });
    expect(await denied.text()).toContain('You did not allow access');

    const again = await consent(app, key, 'U0ANA', 'google', google);
    const done = await app.request(`/calendars/oauth/google/callback?code=good-code&state=${again.state}`, { headers: { cookie: again.cookie } });
    const page = await done.text();
    expect(done.status, page).toBe(200);
    expect(page).toContain('<!DOCTYPE html>');
    expect(page).toContain('Google Calendar connected');
    expect(page).toContain('ana@example.com');

    const list = await app.request('/api/meetings/people/U0ANA/calendar-accounts', { headers: { authorization: `Bearer ${key}` } });
    const { accounts } = (await list.json()) as { accounts: any[] };
    expect(accounts).toHaveLength(1);
    expect(accounts[0]).toMatchObject({ provider: 'google', label: 'ana@example.com', status: 'ok' });
    expect(Object.fromEntries(accounts[0].calendars.map((c: any) => [c.name, c.countsAsBusy]))).toEqual({ 'ana@example.com': true, Team: true, 'Holidays in the UK': false });
    const [row] = await rawRows<{ secret: string }>(t.handle.db, sql`select secret from calendar_accounts`);
    expect(row!.secret).not.toContain('google-access');
    expect(row!.secret).not.toContain('google-refresh');
  });

  it('reads Google free/busy for the calendars that count, refreshing an expired access token and storing the new one', async () => {
    const [account] = await t.service.listAccounts(TEAM, 'U0ANA');
    const sealedBefore = (await rawRows<{ secret: string }>(t.handle.db, sql`select secret from calendar_accounts`))[0]!.secret;
    const tokenBefore = (await t.service.open<{ accessToken: string }>(TEAM, { id: account!.id, secret: sealedBefore })).accessToken;
    google.expireAccessTokens();
    google.calls.length = 0;
    const { busy, unread } = await t.service.busyFor(TEAM, ['U0ANA'], new Date('2027-03-01T00:00:00Z'), new Date('2027-03-08T00:00:00Z'), { maxAgeMs: 0, waitMs: 5_000 });
    expect(unread).toEqual([]);
    expect(busy.get('U0ANA')!.map((b) => b.start.toISOString()).sort()).toEqual(['2027-03-02T10:00:00.000Z', '2027-03-02T14:00:00.000Z']);
    const freeBusy = google.calls.filter((c) => c.url.endsWith('/freeBusy'));
    // The read covers yesterday to 62 days ahead, asked 31 days at a time; the first answer was 401.
    expect(freeBusy[0]!.auth).toBe(`Bearer ${tokenBefore}`);
    expect(freeBusy.slice(1).map((c) => c.auth)).toEqual(Array(3).fill(freeBusy[1]!.auth));
    expect(freeBusy[1]!.auth).not.toBe(`Bearer ${tokenBefore}`);
    expect(freeBusy[1]!.body.items.map((i: any) => i.id).sort()).toEqual(['ana@example.com', 'team@group.calendar.google.com']);
    expect(google.calls.some((c) => c.body?.grant_type === 'refresh_token' && c.body.refresh_token === 'google-refresh-1')).toBe(true);
    const row = (await rawRows<{ secret: string }>(t.handle.db, sql`select secret from calendar_accounts`))[0]!;
    expect(row.secret).not.toBe(sealedBefore);
    const opened = await t.service.open<{ accessToken: string; refreshToken: string }>(TEAM, { id: account!.id, secret: row.secret });
    expect(opened.refreshToken).toBe('google-refresh-1');
    expect(google.validAccess.has(opened.accessToken)).toBe(true);
  });

  it('writes Google events with an id from the meeting, moves and deletes them through the booking events', async () => {
    const [account] = await t.service.listAccounts(TEAM, 'U0ANA');
    const primary = account!.calendars.find((c) => c.name === 'ana@example.com')!;
    const patched = await app.request(`/api/meetings/people/U0ANA/calendars/${primary.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ addBookings: true }),
    });
    expect(patched.status).toBe(200);
    const { booking } = await createBooking(t.handle.db, TEAM, { meetingTypeId: t.team.types.m30.id, organizerId: 'U0ANA', start: '2027-03-04T10:00:00Z', title: 'Review', source: 'api' }, { now, calendars: t.service });
    await events.drain();
    const id = booking.meetingId.replace(/-/g, '');
    const written = google.events.get(`ana@example.com/${id}`);
    expect(written).toMatchObject({ id, summary: 'Review', start: { dateTime: '2027-03-04T10:00:00.000Z', timeZone: 'Europe/London' } });
    expect(written.location).toMatch(/^https:\/\/meet\.test\/m\//);

    const moved = await rescheduleBooking(t.handle.db, TEAM, { bookingId: booking.id, start: '2027-03-04T11:00:00Z', actorId: 'U0ANA' }, { now, calendars: t.service });
    await events.drain();
    expect(google.events.get(`ana@example.com/${id}`)).toMatchObject({ start: { dateTime: '2027-03-04T11:00:00.000Z' }, sequence: 1 });
    expect(google.calls.filter((c) => c.method === 'PUT' && c.url.endsWith(`/events/${id}`))).toHaveLength(1);

    await cancelBooking(t.handle.db, TEAM, { bookingId: moved.booking.id, actorId: 'U0ANA' }, { now });
    await events.drain();
    expect(google.events.has(`ana@example.com/${id}`)).toBe(false);
  });

  it('marks an account to reconnect when Google refuses the refresh token, and says so instead of failing the read', async () => {
    google.revokedRefresh.add('google-refresh-1');
    google.expireAccessTokens();
    t.clock.now = new Date(now.getTime() + 10 * 60_000);
    const { busy, unread } = await t.service.busyFor(TEAM, ['U0ANA'], new Date('2027-03-01T00:00:00Z'), new Date('2027-03-08T00:00:00Z'), { waitMs: 5_000 });
    expect(unread.map((u) => u.calendarName).sort()).toEqual(['Team', 'ana@example.com']);
    expect(unread[0]!.reason).toMatch(/invalid_grant.*connect the account again/);
    // What was read before still counts.
    expect(busy.get('U0ANA')!.map((b) => b.start.toISOString())).toContain('2027-03-02T10:00:00.000Z');
    const [account] = await t.service.listAccounts(TEAM, 'U0ANA');
    expect(account!.status).toBe('reconnect');
    google.revokedRefresh.clear();
    t.clock.now = now;
  });

  it('connects Microsoft 365 and reads getSchedule: busy, tentative and out of office block; free and working elsewhere do not', async () => {
    const { cookie, state, consentUrl } = await consent(app, key, 'U0BEN', 'microsoft', microsoft);
    expect(consentUrl.origin + consentUrl.pathname).toBe('https://login.microsoftonline.com/common/oauth2/v2.0/authorize');
    expect(consentUrl.searchParams.get('scope')).toBe('offline_access User.Read Calendars.ReadWrite');
    const done = await app.request(`/calendars/oauth/microsoft/callback?code=good-code&state=${state}`, { headers: { cookie } });
    expect(done.status, await done.clone().text()).toBe(200);
    const [account] = await t.service.listAccounts(TEAM, 'U0BEN');
    expect(account).toMatchObject({ provider: 'microsoft', label: 'ben@contoso.com' });
    const secretOfBen = async () =>
      t.service.open<{ refreshToken: string }>(TEAM, { id: account!.id, secret: (await rawRows<{ secret: string }>(t.handle.db, sql`select secret from calendar_accounts where slack_user_id = 'U0BEN'`))[0]!.secret });
    const refreshAtConnection = (await secretOfBen()).refreshToken;

    microsoft.expireAccessTokens();
    const { busy, unread } = await t.service.busyFor(TEAM, ['U0BEN'], new Date('2027-03-01T00:00:00Z'), new Date('2027-03-08T00:00:00Z'), { maxAgeMs: 0, waitMs: 5_000 });
    expect(unread).toEqual([]);
    expect(busy.get('U0BEN')!.map((b) => [b.start.toISOString(), b.end.toISOString()])).toEqual([
      ['2027-03-02T09:00:00.000Z', '2027-03-02T10:00:00.000Z'],
      ['2027-03-02T11:00:00.000Z', '2027-03-02T11:30:00.000Z'],
      ['2027-03-03T00:00:00.000Z', '2027-03-04T00:00:00.000Z'],
    ]);
    const schedule = microsoft.calls.filter((c) => c.url.endsWith('/getSchedule')).at(-1)!;
    expect(schedule.body).toMatchObject({ schedules: ['ben@contoso.com'], availabilityViewInterval: 15, startTime: { timeZone: 'UTC' } });
    // Microsoft rotates the refresh token: the new one is kept.
    const rotated = (await secretOfBen()).refreshToken;
    expect(rotated).toMatch(/^microsoft-refresh-\d+$/);
    expect(rotated).not.toBe(refreshAtConnection);
    expect(busy.get('U0BEN')!.every((b) => b.external)).toBe(true);

    scheduleError = 'The mailbox was not found.';
    const failed = await t.service.busyFor(TEAM, ['U0BEN'], new Date('2027-03-01T00:00:00Z'), new Date('2027-03-08T00:00:00Z'), { maxAgeMs: 0, waitMs: 5_000 });
    scheduleError = undefined;
    expect(failed.unread).toEqual([expect.objectContaining({ personId: 'U0BEN', provider: 'microsoft', reason: expect.stringContaining('mailbox was not found') })]);
  });

  it('writes Microsoft events once per create, moves them with PATCH and deletes them', async () => {
    const [account] = await t.service.listAccounts(TEAM, 'U0BEN');
    await t.service.updateCalendar(TEAM, 'U0BEN', account!.calendars[0]!.id, { writeBookings: true });
    const { booking } = await createBooking(t.handle.db, TEAM, { meetingTypeId: t.team.types.m30.id, organizerId: 'U0BEN', start: '2027-03-08T18:00:00Z', title: 'Sync', source: 'api' }, { now, calendars: t.service });
    await events.drain();
    const [[id, event]] = [...microsoft.events.entries()];
    expect(event).toMatchObject({ subject: 'Sync', start: { dateTime: '2027-03-08T18:00:00', timeZone: 'UTC' }, transactionId: `${booking.meetingId}-0` });
    expect(event.location.displayName).toMatch(/^https:\/\/meet\.test\/m\//);
    const moved = await rescheduleBooking(t.handle.db, TEAM, { bookingId: booking.id, start: '2027-03-08T19:00:00Z', actorId: 'U0BEN' }, { now, calendars: t.service });
    await events.drain();
    expect(microsoft.events.get(id!)).toMatchObject({ start: { dateTime: '2027-03-08T19:00:00' } });
    await cancelBooking(t.handle.db, TEAM, { bookingId: moved.booking.id, actorId: 'U0BEN' }, { now });
    await events.drain();
    expect(microsoft.events.size).toBe(0);
  });

  it('disconnects: credentials, calendars and cached busy time are deleted, and Google\'s token is revoked', async () => {
    const [account] = await t.service.listAccounts(TEAM, 'U0ANA');
    const response = await app.request(`/api/meetings/people/U0ANA/calendar-accounts/${account!.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${key}` } });
    expect(response.status).toBe(204);
    expect(await rawRows(t.handle.db, sql`select 1 from calendar_accounts where slack_user_id = 'U0ANA'`)).toHaveLength(0);
    expect(await rawRows(t.handle.db, sql`select 1 from calendars where slack_user_id = 'U0ANA'`)).toHaveLength(0);
    expect(google.calls.some((c) => c.url.startsWith('https://oauth2.googleapis.com/revoke'))).toBe(true);
    const { busy } = await t.service.busyFor(TEAM, ['U0ANA'], new Date('2027-03-01T00:00:00Z'), new Date('2027-03-08T00:00:00Z'));
    expect(busy.get('U0ANA')).toEqual([]);
  });
});
