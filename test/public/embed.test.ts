import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBookings } from '../../src/bookings/index.js';
import { databaseKinds } from '../support/databases.js';
import { T, booking, openPublicHarness, pageData, request, type Answer, type PublicHarness } from './support.js';

const NOW = new Date('2027-03-01T08:00:00Z'); // a Monday; Ana works 9 to 5 in London
const HOST = 'https://help.example.com';
const EMBED = `embed=1&parentOrigin=${encodeURIComponent(HOST)}`;

/** The data an embedded page hands embed-frame.ts. */
function embedData(html: string): any {
  const json = /<script type="application\/json" id="embed-data">([\s\S]*?)<\/script>/.exec(html)?.[1];
  return json === undefined ? undefined : JSON.parse(json);
}

const frameAncestors = (answer: Answer) => /frame-ancestors ([^;]+)/.exec(answer.headers.get('content-security-policy') ?? '')?.[1];

describe.each(databaseKinds())('the booking page embedded, and embed.js, on %s', (kind) => {
  let h: PublicHarness;
  let app: ReturnType<PublicHarness['app']>;
  beforeAll(async () => {
    h = await openPublicHarness(kind, NOW);
    app = h.app();
    await h.link({ slug: 'intro', title: 'Intro call' });
  });
  afterAll(() => h?.close());

  const bookingsAt = async (start: string) => (await listBookings(h.handle.db, T, { from: new Date(start), to: new Date(new Date(start).getTime() + 60_000) })).bookings;

  it('may be framed only in embed mode, which drops the page chrome and names the embedding origin; no page sets a cookie', async () => {
    const plain = await request(app, 'GET', '/book/T0PUBLIC/intro');
    expect(frameAncestors(plain)).toBe("'none'");
    expect(embedData(plain.text)).toBeUndefined();
    expect(plain.text).toContain('min-h-screen');

    const embedded = await request(app, 'GET', `/book/T0PUBLIC/intro?${EMBED}`);
    expect(embedded.status).toBe(200);
    expect(frameAncestors(embedded)).toBe('*');
    expect(embedded.text).not.toContain('min-h-screen');
    expect(embedData(embedded.text)).toEqual({ parentOrigin: HOST, query: EMBED });
    for (const answer of [plain, embedded]) expect(answer.headers.get('set-cookie')).toBeNull();

    // Only an origin is taken as the parent's: anything else leaves the page posting its height alone.
    for (const wrong of ['javascript:alert(1)', `${HOST}/page`, 'null', 'help.example.com']) {
      const page = await request(app, 'GET', `/book/T0PUBLIC/intro?embed=1&parentOrigin=${encodeURIComponent(wrong)}`);
      expect(embedData(page.text)).toEqual({ parentOrigin: null, query: 'embed=1' });
    }
    // An embedded 404 may be framed too (the frame shows it), and the notice keeps a script that sizes the frame.
    const missing = await request(app, 'GET', `/book/T0PUBLIC/nope?${EMBED}`);
    expect(missing.status).toBe(404);
    expect(frameAncestors(missing)).toBe('*');
    expect(missing.text).toContain('/assets/manage.js');
  });

  it('prefills the name and email, and carries the ticket to the booking as its external reference', async () => {
    const query = new URLSearchParams({ name: 'Dana Reyes', email: 'dana@example.com', ticket: 'HD-4711', ticketUrl: 'https://help.example.com/tickets/4711' });
    const page = await request(app, 'GET', `/book/T0PUBLIC/intro?${EMBED}&${query}`);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/<input id="field-name" name="name"[^>]* value="Dana Reyes"/);
    expect(page.text).toMatch(/<input id="field-email" name="email"[^>]* value="dana@example.com"/);
    const data = pageData(page.text);
    expect(data.externalReference).toEqual({ id: 'HD-4711', url: 'https://help.example.com/tickets/4711' });

    const answer = await request(app, 'POST', '/book/T0PUBLIC/intro', { json: booking('2027-03-02T09:00:00Z', { externalReference: data.externalReference }) });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    const [made] = await bookingsAt('2027-03-02T09:00:00Z');
    expect(made).toMatchObject({ externalRefId: 'HD-4711', externalRefUrl: 'https://help.example.com/tickets/4711' });
    // The API finds it by its ticket.
    const listed = await h.app().request('/api/meetings/bookings?externalRefId=HD-4711', { headers: { authorization: `Bearer ${h.key}` } });
    const body = (await listed.json()) as any;
    expect(body.bookings.map((b: any) => [b.id, b.externalReference])).toEqual([[made!.id, { id: 'HD-4711', url: 'https://help.example.com/tickets/4711' }]]);
  });

  it('refuses a prefill it cannot use with a page that says what is wrong, and a booking with a bad reference, storing nothing', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ ticket: 'HD-1', ticketUrl: 'javascript:alert(1)' }, 'ticketUrl: must be an http or https URL'],
      [{ ticket: 'HD-1', ticketUrl: `https://help.example.com/${'a'.repeat(2000)}` }, 'ticketUrl: must be at most 2000 characters'],
      [{ ticket: 'x'.repeat(201) }, 'ticket: must be at most 200 characters'],
      [{ ticketUrl: 'https://help.example.com/tickets/1' }, 'ticketUrl: give the ticket too (ticket=&lt;its id&gt;)'],
      [{ name: 'n'.repeat(201) }, 'name: must be at most 200 characters'],
    ];
    for (const [query, message] of cases) {
      const page = await request(app, 'GET', `/book/T0PUBLIC/intro?${EMBED}&${new URLSearchParams(query)}`);
      expect(page.status, message).toBe(400);
      expect(page.text).toContain('This booking page was opened with details it cannot use');
      expect(page.text).toContain(message);
      expect(frameAncestors(page)).toBe('*');
    }

    const refused: [unknown, string][] = [
      [{ id: 'HD-1', url: 'javascript:alert(1)' }, 'externalReference.url: must be an http or https URL'],
      [{ id: 'HD-1', url: 'ftp://files.example.com/1' }, 'externalReference.url: must be an http or https URL'],
      [{ id: 'HD-1', url: `https://help.example.com/${'a'.repeat(2000)}` }, 'externalReference.url: must be at most 2000 characters'],
      [{ id: 'x'.repeat(201) }, 'externalReference.id: must be at most 200 characters'],
      [{ id: 'HD-1', secret: true }, 'externalReference: Unrecognized key: "secret"'],
    ];
    for (const [externalReference, message] of refused) {
      const answer = await request(app, 'POST', '/book/T0PUBLIC/intro', { json: booking('2027-03-02T10:00:00Z', { externalReference }) });
      expect(answer.status, message).toBe(400);
      expect(answer.body.error).toMatchObject({ code: 'invalid_input', message });
    }
    expect(await bookingsAt('2027-03-02T10:00:00Z')).toEqual([]);
  });

  it('keeps the manage pages embedded through booking, moving and cancelling, and tells the embedding page each once', async () => {
    const booked = await request(app, 'POST', '/book/T0PUBLIC/intro', { json: booking('2027-03-03T09:00:00Z') });
    const path = (booked.body.confirmationUrl as string).split('?')[0]!;
    const [made] = await bookingsAt('2027-03-03T09:00:00Z');

    // Not embedded, the manage page may not be framed.
    expect(frameAncestors(await request(app, 'GET', path))).toBe("'none'");

    const confirmation = await request(app, 'GET', `${booked.body.confirmationUrl}&${EMBED}`);
    expect(frameAncestors(confirmation)).toBe('*');
    expect(confirmation.headers.get('referrer-policy')).toBe('no-referrer');
    expect(embedData(confirmation.text)).toEqual({
      parentOrigin: HOST,
      query: EMBED,
      event: { type: 'booked', booking: { id: made!.id, start: '2027-03-03T09:00:00.000Z', end: '2027-03-03T09:30:00.000Z' } },
    });
    // Its links stay in the frame, the call opens in a tab of its own.
    expect(confirmation.text).toMatch(/href="[^"]*\/reschedule\?tz=Europe%2FLondon&amp;embed=1&amp;parentOrigin=https%3A%2F%2Fhelp.example.com"/);
    expect(confirmation.text).toMatch(/action="[^"]*\/cancel\?embed=1&amp;parentOrigin=https%3A%2F%2Fhelp.example.com"/);
    expect(confirmation.text).toMatch(/id="join-link"[^>]*target="_blank"/);
    // A later visit tells nothing again.
    expect(embedData((await request(app, 'GET', `${path}?${EMBED}`)).text).event).toBeUndefined();

    const reschedulePage = await request(app, 'GET', `${path}/reschedule?${EMBED}`);
    expect(frameAncestors(reschedulePage)).toBe('*');
    expect(embedData(reschedulePage.text).query).toBe(EMBED);
    const moved = await request(app, 'POST', `${path}/reschedule`, { json: { start: '2027-03-03T11:00:00Z', timeZone: 'Europe/London', idempotencyKey: crypto.randomUUID() } });
    expect(moved.status).toBe(200);
    const [current] = await bookingsAt('2027-03-03T11:00:00Z');
    expect(embedData((await request(app, 'GET', `${moved.body.confirmationUrl}&${EMBED}`)).text).event).toEqual({
      type: 'rescheduled',
      booking: { id: current!.id, previousId: made!.id, start: '2027-03-03T11:00:00.000Z', end: '2027-03-03T11:30:00.000Z' },
    });

    const cancel = await request(app, 'POST', `${path}/cancel?${EMBED}`, { form: { reason: 'Solved' } });
    expect(cancel.status).toBe(303);
    expect(cancel.headers.get('location')).toBe(`${path}?cancelled=1&${EMBED}`);
    const cancelled = await request(app, 'GET', cancel.headers.get('location')!);
    expect(cancelled.text).toContain('This meeting was cancelled');
    expect(embedData(cancelled.text).event).toEqual({ type: 'cancelled', booking: { id: current!.id, start: '2027-03-03T11:00:00.000Z', end: '2027-03-03T11:30:00.000Z' } });
    // Not embedded, a cancel still goes back to the plain manage page.
    expect((await request(app, 'POST', `${path}/cancel`, { form: {} })).headers.get('location')).toBe(path);
  });

  it('serves embed.js to any site: JavaScript, CORS and CORP open, cached briefly and revalidated by its ETag', async () => {
    const script = await app.request('/embed.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('access-control-allow-origin')).toBe('*');
    expect(script.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(script.headers.get('cache-control')).toBe('public, max-age=300');
    expect(script.headers.get('set-cookie')).toBeNull();
    const tag = script.headers.get('etag');
    expect(tag).toMatch(/^"[0-9a-f]+"$/);
    expect(await script.text()).toContain('data-meet-link');
    const again = await app.request('/embed.js', { headers: { 'if-none-match': tag! } });
    expect(again.status).toBe(304);
    expect(again.headers.get('cache-control')).toBe('public, max-age=300');
  });

  it('shows the demo page: how to use it, and the three ways live for a link that is on, nothing for one that is not', async () => {
    const empty = await request(app, 'GET', '/embed/demo');
    expect(empty.status).toBe(200);
    expect(frameAncestors(empty)).toBe("'none'");
    expect(empty.text).toContain('&lt;script src=&quot;https://meet.test/embed.js&quot; async&gt;&lt;/script&gt;');
    expect(empty.text).toContain('data-meet-inline=&quot;&lt;team&gt;/&lt;link&gt;&quot;');
    expect(empty.text).not.toContain('<script src="/embed.js"');

    const live = await request(app, 'GET', '/embed/demo?link=T0PUBLIC/intro');
    expect(live.status).toBe(200);
    expect(live.text).toContain('<div data-meet-inline="T0PUBLIC/intro"');
    expect(live.text).toMatch(/<button type="button" data-meet-link="T0PUBLIC\/intro"/);
    expect(live.text).toMatch(/<script src="\/embed.js" async="" data-meet-floating="T0PUBLIC\/intro"/);
    expect(live.text).toContain('data-meet-inline=&quot;T0PUBLIC/intro&quot;');

    for (const unknown of ['T0PUBLIC/nope', 'T0OTHER/intro', 'not a link', '../../etc']) {
      const page = await request(app, 'GET', `/embed/demo?link=${encodeURIComponent(unknown)}`);
      expect(page.status).toBe(404);
      expect(page.text).toContain('There is no booking link that is on at');
      expect(page.text).not.toContain('<script src="/embed.js"');
    }
  });
});
