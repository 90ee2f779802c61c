import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { createApp } from '../../src/app.js';
import { cancelBooking, createBooking, rescheduleBooking, type Booking } from '../../src/bookings/index.js';
import type { DatabaseHandle } from '../../src/db/client.js';
import { guestJoinUrl, joinUrl, signJoinToken } from '../../src/video/links.js';
import type { CallPageMeeting } from '../../src/video/page-html.js';
import { databaseKinds, openTestDatabase } from '../support/databases.js';
import { seedTeam, type SeededTeam } from '../support/fixtures.js';
import { testConfig } from './support.js';

const T = 'T0PAGES';
const config = testConfig();

describe.each(databaseKinds())('GET /m/:booking on %s', (kind) => {
  let handle: DatabaseHandle;
  let team: SeededTeam;
  let clock: Date;
  let app: ReturnType<typeof createApp>;
  let slot = 0;

  beforeAll(async () => {
    handle = await openTestDatabase(kind);
    team = await seedTeam(handle.db, T, { U0ANA: 'Europe/London', U0BEN: 'Europe/Paris', U0CAL: 'Europe/Berlin' });
    app = createApp({ db: handle.db, dbKind: kind, config, now: () => clock });
  });
  afterAll(() => handle?.close());

  async function book(title = 'Design <review> & "plans"'): Promise<Booking> {
    const start = new Date(Date.UTC(2027, 2, 1, 9 + slot++, 0));
    const { booking } = await createBooking(
      handle.db,
      T,
      { meetingTypeId: team.types.m30.id, organizerId: 'U0ANA', hostIds: ['U0BEN'], start: start.toISOString(), source: 'api', title },
      { now: new Date('2027-02-26T12:00:00Z') },
    );
    clock = new Date(start.getTime() - 60 * 60_000);
    return booking;
  }

  const path = (url: string) => url.replace(config.publicUrl, '');
  const link = async (bookingId: string, participant = 'U0ANA') => path(await joinUrl(config, { teamId: T, bookingId, participant }));
  const meetingData = (html: string) => JSON.parse(/<script type="application\/json" id="meeting-data">(.*?)<\/script>/s.exec(html)![1]!) as CallPageMeeting;

  async function expectRefusal(url: string, status: number, heading: string, says: RegExp) {
    const response = await app.request(url);
    const html = await response.text();
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html).toContain(`<h1>${heading}</h1>`);
    expect(/<p id="refusal-message">(.*?)<\/p>/s.exec(html)![1]).toMatch(says);
    expect(html).not.toContain('meeting-data');
    expect(html).not.toContain('call.js');
  }

  it('serves the call page with the meeting, escaped, and the scripts from this server only', async () => {
    const booking = await book();
    const url = await link(booking.id);
    const response = await app.request(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    const html = await response.text();
    expect(html).toContain('<h1 id="meeting-title">Design &lt;review&gt; &amp; &quot;plans&quot;</h1>');
    expect(html).not.toContain('<review>');
    const scripts = [...html.matchAll(/<script[^>]*src="([^"]+)"/g)].map((m) => m[1]);
    expect(scripts).toEqual(['/assets/call.js?v=2', '/assets/twilio-video.min.js?v=2']);
    expect(meetingData(html)).toEqual({
      bookingId: booking.id,
      linkToken: new URLSearchParams(url.split('?')[1]).get('k'),
      title: 'Design <review> & "plans"',
      startsAt: booking.startsAt.toISOString(),
      endsAt: booking.endsAt.toISOString(),
      opensAt: new Date(booking.startsAt.getTime() - 10 * 60_000).toISOString(),
      closesAt: new Date(booking.endsAt.getTime() + 30 * 60_000).toISOString(),
      joinOpen: false,
      memberName: 'Person U0ANA',
      videoAvailable: true,
      tokenUrl: `/api/meetings/rooms/${booking.id}/token`,
      statusUrl: `/api/meetings/rooms/${booking.id}/status`,
      serverNow: clock.toISOString(),
    });
    expect(html).toContain('Joining as <strong>Person U0ANA</strong>');
    expect(html).not.toContain('id="guest-name"');
  });

  it('gives a guest link a name field, and says when video is not configured', async () => {
    const booking = await book();
    const unconfigured = createApp({ db: handle.db, dbKind: kind, config: testConfig({ twilio: null }), now: () => clock });
    const html = await (await unconfigured.request(path(await guestJoinUrl(config, { teamId: T, bookingId: booking.id })))).text();
    expect(html).toContain('id="guest-name"');
    expect(meetingData(html)).toMatchObject({ memberName: null, videoAvailable: false });
  });

  it('refuses each bad link with a page that says why', async () => {
    const booking = await book();
    const other = await book();
    const cancelled = await book();
    await cancelBooking(handle.db, T, { bookingId: cancelled.id, actorId: 'U0ANA' });
    const good = await link(booking.id);
    clock = new Date(booking.startsAt.getTime() - 5 * 60_000);

    await expectRefusal(`/m/${booking.id}`, 400, 'This link is incomplete', /incomplete or damaged/);
    await expectRefusal(`${good.slice(0, -4)}AAAA`, 403, 'This link is not valid', /not issued by Meetings for Slack or has been changed/);
    await expectRefusal(good.replace(booking.id, other.id), 403, 'This link is for another meeting', /belongs to a different meeting/);
    await expectRefusal(await link(cancelled.id), 410, 'This meeting was cancelled', /cancelled/);
    await expectRefusal(await link(booking.id, 'U0CAL'), 403, 'You are no longer in this meeting', /no longer in this meeting/);
    const unknown = '00000000-0000-4000-8000-000000000000';
    await expectRefusal(await link(unknown), 404, 'Meeting not found', /no longer exists/);
    const expired = await signJoinToken(config.linkSecret, { teamId: T, bookingId: booking.id, participant: 'U0ANA' }, new Date(clock.getTime() - 1));
    await expectRefusal(`/m/${booking.id}?k=${expired}`, 410, 'This link has expired', /expired/);
    clock = new Date(booking.endsAt.getTime() + 31 * 60_000);
    await expectRefusal(good, 410, 'This link has expired', /meeting is over/);
  });

  it('keeps a rescheduled meeting\'s link, showing the new time', async () => {
    const booking = await book();
    const url = await link(booking.id, 'U0BEN');
    const newStart = new Date(Date.UTC(2027, 2, 2, 14, 0));
    const { booking: moved } = await rescheduleBooking(handle.db, T, { bookingId: booking.id, start: newStart.toISOString(), actorId: 'U0ANA' }, { now: new Date('2027-02-26T12:00:00Z') });
    // Past the original meeting's window, inside the new one's.
    clock = new Date(newStart.getTime() - 60_000);
    const response = await app.request(url);
    expect(response.status).toBe(200);
    expect(meetingData(await response.text())).toMatchObject({ startsAt: moved.startsAt.toISOString(), bookingId: booking.id, memberName: 'Person U0BEN' });
  });
});

describe('the page assets and the API document', () => {
  const app = createApp({ db: undefined as never, dbKind: 'pglite', config });

  it('serves the bundle and twilio-video from the npm package, and nothing else from web/dist', async () => {
    const video = await app.request('/assets/twilio-video.min.js');
    expect(video.status).toBe(200);
    expect(video.headers.get('content-type')).toMatch(/^text\/javascript/);
    const shipped = await readFile(new URL('../../node_modules/twilio-video/dist/twilio-video.min.js', import.meta.url));
    expect(Buffer.from(await video.arrayBuffer()).equals(shipped)).toBe(true);

    const bundle = await app.request('/assets/call.js');
    expect(bundle.status).toBe(200);
    expect(await bundle.text()).toContain('meeting-data');
    expect((await app.request('/assets/call.css')).headers.get('content-type')).toMatch(/^text\/css/);
    for (const bad of ['/assets/build.mjs', '/assets/..%2Fbuild.mjs', '/assets/unknown.js', '/assets/%2E%2E%2Fpackage.json']) {
      expect((await app.request(bad)).status).toBe(404);
    }
  });

  it('lists the rooms routes in the OpenAPI document', async () => {
    const response = await app.request('/api/openapi.json');
    expect(response.status).toBe(200);
    const doc = (await response.json()) as { paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>> };
    const token = doc.paths['/api/meetings/rooms/{bookingId}/token']?.post;
    expect(token).toBeDefined();
    expect(Object.keys(token!.responses).sort()).toEqual(['200', '400', '401', '403', '404', '409', '410', '503']);
    expect(doc.paths['/api/meetings/rooms/events']?.post).toBeDefined();
  });
});
