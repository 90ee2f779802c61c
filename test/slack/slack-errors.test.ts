import { HttpResponse } from 'msw';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { getBooking, listBookings } from '../../src/bookings/index.js';
import { captureLogs } from '../support/console.js';
import { databaseKinds } from '../support/databases.js';
import { FakeSlack } from './support/fake-slack.js';
import { bookThroughSlack } from './support/flows.js';
import { TEAM, startSlackTestApp, type SlackTestApp } from './support/slack-app.js';
import { sendCommand } from './support/slack-requests.js';

const NOW = new Date('2027-03-01T08:00:00Z');
const slack = new FakeSlack({
  U0ANA: { tz: 'Europe/London', name: 'Ana Alvarez' },
  U0BEN: { tz: 'America/New_York', name: 'Ben Brown' },
});
beforeAll(() => slack.listen());
afterEach(async () => {
  await slack.settle();
  slack.reset();
});
afterAll(() => slack.close());

describe.each(databaseKinds())('Slack API errors on %s', (kind) => {
  let t: SlackTestApp;
  beforeAll(async () => {
    t = await startSlackTestApp(kind, NOW);
  });
  afterAll(() => t?.handle.close());

  it('retries a rate-limited call after its Retry-After', async () => {
    const logs = captureLogs(/rate limit was exceeded/);
    slack.override('views.open', () => new HttpResponse(null, { status: 429, headers: { 'Retry-After': '1' } }));
    const started = Date.now();
    await sendCommand(t.app, { team_id: TEAM, user_id: 'U0ANA', channel_id: 'C0GENERAL', text: '' });
    await slack.waitForCount('views.open', 2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    const filled = await slack.waitFor('views.update', (b) => b.view?.blocks?.some((x: any) => x.block_id === 'day'));
    expect(filled.body.view_id).toMatch(/^V/);
    expect(logs).toEqual([expect.stringContaining('retry-after: 1')]);
  });

  it('tells the person when the trigger expired, instead of failing silently', async () => {
    const logs = captureLogs(/views\.open for \/meet failed/);
    slack.fail('views.open', 'expired_trigger_id');
    await sendCommand(t.app, { team_id: TEAM, user_id: 'U0ANA', channel_id: 'C0GENERAL', text: '' });
    const told = await slack.waitFor('chat.postEphemeral');
    expect(told.body).toMatchObject({ channel: 'C0GENERAL', user: 'U0ANA' });
    expect(told.body.text).toContain('type `/meet` again');
    expect(logs).toEqual(['Slack: views.open for /meet failed (expired_trigger_id)']);
  });

  it('falls back to a direct message where it cannot post ephemerally (a DM between people)', async () => {
    const logs = captureLogs(/views\.open for \/meet failed|ephemeral message in D0ANABEN failed/);
    slack.fail('views.open', 'expired_trigger_id');
    slack.fail('chat.postEphemeral', 'channel_not_found');
    await sendCommand(t.app, { team_id: TEAM, user_id: 'U0ANA', channel_id: 'D0ANABEN', text: '' });
    const told = await slack.waitFor('chat.postMessage', (b) => b.channel === 'U0ANA');
    expect(told.body.text).toContain('type `/meet` again');
    expect(logs).toEqual([
      'Slack: views.open for /meet failed (expired_trigger_id)',
      'Slack: ephemeral message in D0ANABEN failed (channel_not_found); sending a direct message',
    ]);
  });

  it('posts the meeting by direct message where it is not in the channel, and says why', async () => {
    const logs = captureLogs(/cannot post in C0PRIVATE/);
    // Only the private channel refuses; the DMs go through.
    slack.override('chat.postMessage', (body) => (body.channel === 'C0PRIVATE' ? { ok: false, error: 'not_in_channel' } : undefined), { once: false });
    const { booking } = await bookThroughSlack(t, slack, { user: 'U0ANA', text: '<@U0BEN|ben>', day: '2027-03-02', start: '2027-03-02T14:00:00.000Z', channel: 'C0PRIVATE' });
    const posts = slack.callsOf('chat.postMessage').filter((c) => c.body.blocks?.some((b: any) => b.block_id === 'meeting_actions'));
    expect(posts.map((p) => p.body.channel)).toEqual(['C0PRIVATE', 'U0ANA']);
    const message = posts[1]!.body;
    expect(JSON.stringify(message.blocks)).toContain('I could not post in <#C0PRIVATE>');
    const stored = await getBooking(t.handle.db, TEAM, booking.id);
    expect(stored).toMatchObject({ slackChannelId: 'D0ANA' });
    expect(stored.slackMessageTs).toBeTruthy();
    expect(logs).toEqual(['Slack: cannot post in C0PRIVATE (not_in_channel); sending the meeting by direct message']);
  });

  it('tells the organizer when the booking was made but no message could be posted at all', async () => {
    const logs = captureLogs(/^Events: slack failed on event/);
    slack.override('chat.postMessage', (body) => (body.blocks?.some((b: any) => b.block_id === 'meeting_actions') ? { ok: false, error: 'fatal_error' } : undefined), { once: false });
    await sendCommand(t.app, { team_id: TEAM, user_id: 'U0ANA', channel_id: 'C0GENERAL', text: '' });
    await slack.waitFor('views.update', (b) => b.view?.blocks?.some((x: any) => x.block_id === 'day'));
    const { sendInteraction, userOf, viewPayload } = await import('./support/slack-requests.js');
    const filled = slack.callsOf('views.update').at(-1)!;
    const view = filled.body.view;
    const slot = view.blocks.find((b: any) => b.block_id.startsWith('slot-')).element.options[0];
    await sendInteraction(t.app, { type: 'view_submission', team: { id: TEAM }, user: userOf(TEAM, 'U0ANA'), view: viewPayload(view, filled.body.view_id, 'h', { 'slot-*': { selected_option: slot } }) });
    const told = await slack.waitFor('chat.postMessage', (b) => b.channel === 'U0ANA' && String(b.text).includes('is booked, but'));
    expect(JSON.stringify(told.body)).toContain('is booked, but I could not post it (fatal_error)');
    const [booking] = (await listBookings(t.handle.db, TEAM, { personId: 'U0ANA', from: new Date(slot.value), to: new Date(new Date(slot.value).getTime() + 1) })).bookings;
    expect(booking).toBeDefined();
    // The booking event's delivery failed and waits for its retry, saying why.
    await vi.waitFor(() => expect(logs).toEqual([expect.stringMatching(/^Events: slack failed on event \d+ \(booking\.created\), attempt 1; retrying in \d+ s: .*fatal_error/s)]));
  });
});
