import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getCurrentBooking, listBookingLinks, listBookings } from '../../src/bookings/index.js';
import { withTeam } from '../../src/db/tenant.js';
import { limitViolations } from '../../src/slack/blocks/limits.js';
import { databaseKinds } from '../support/databases.js';
import { FakeSlack } from './support/fake-slack.js';
import { TEAM, eventsSettled, startSlackTestApp, type SlackTestApp } from './support/slack-app.js';
import { sendCommand, sendInteraction, userOf, viewPayload } from './support/slack-requests.js';

const NOW = new Date('2027-03-01T08:00:00Z');
const slack = new FakeSlack({
  U0ANA: { tz: 'Europe/London', name: 'Ana Alvarez' },
  U0BEN: { tz: 'Europe/London', name: 'Ben Brown' },
});
beforeAll(() => slack.listen());
afterEach(async () => {
  await slack.settle();
  slack.reset();
});
afterAll(() => slack.close());

const block = (view: any, id: string) => view.blocks.find((b: any) => b.block_id === id);

describe.each(databaseKinds())('booking links from Slack on %s', (kind) => {
  let t: SlackTestApp;
  beforeAll(async () => {
    t = await startSlackTestApp(kind, NOW);
  });
  afterAll(() => t?.handle.close());

  /** `/meet link`, then the modal submitted with `picks` (block id → the element's state). */
  async function publish(picks: Record<string, Record<string, unknown>>) {
    slack.clearCalls();
    await sendCommand(t.app, { team_id: TEAM, user_id: 'U0ANA', channel_id: 'C0GENERAL', text: 'link' });
    const opened = await slack.waitFor('views.open');
    const view = opened.body.view;
    const response = await sendInteraction(t.app, {
      type: 'view_submission',
      team: { id: TEAM },
      user: userOf(TEAM, 'U0ANA'),
      view: viewPayload(view, 'V1', 'h1', {
        link_mode: { selected_option: block(view, 'link_mode').element.initial_option },
        link_notes: { selected_options: block(view, 'link_notes').element.initial_options },
        link_channel: { selected_conversation: null },
        ...picks,
      }),
    });
    return { view, text: await response.text() };
  }

  it('`/meet link` publishes a booking page: the modal, its address said back, the Home tab lists it', async () => {
    const { view, text } = await publish({
      link_hosts: { selected_users: ['U0ANA', 'U0BEN'] },
      link_mode: { selected_option: { value: 'any' } },
      link_questions: { value: 'Company *\nWhat would you like to discuss? (long)' },
      link_channel: { selected_conversation: 'C0SALES' },
    });
    expect(view.callback_id).toBe('booking_link');
    expect(limitViolations(view, 'modal')).toEqual([]);
    expect(block(view, 'link_hosts').element.initial_users).toEqual(['U0ANA']);
    expect(block(view, 'link_type').element.options.map((o: any) => o.text.text)).toEqual(['15 min chat', '30 min meeting', '60 min meeting']);
    expect(text).toBe('');
    const [link] = await withTeam(t.handle.db, TEAM, (tx) => listBookingLinks(tx));
    expect(link).toMatchObject({
      slug: '15-min-chat',
      mode: 'any',
      hostIds: ['U0ANA', 'U0BEN'],
      askNotes: true,
      slackChannelId: 'C0SALES',
      createdBy: 'U0ANA',
      questions: [
        { id: 'q1', label: 'Company', required: true, multiline: false },
        { id: 'q2', label: 'What would you like to discuss?', required: false, multiline: true },
      ],
    });
    const said = await slack.waitFor('chat.postEphemeral', (b) => String(b.text).includes('booking page is live'));
    expect(said.body).toMatchObject({ channel: 'C0GENERAL', user: 'U0ANA' });
    expect(said.body.text).toContain(`https://meet.test/book/${TEAM}/15-min-chat`);
    const home = await slack.waitFor('views.publish', (b) => JSON.stringify(b.view).includes('15-min-chat'));
    expect(limitViolations(home.body.view, 'home')).toEqual([]);
    const row = block(home.body.view, `link_${link!.id}`);
    expect(row.text.text).toContain('<@U0ANA> or <@U0BEN> (taking turns)');
    expect(row.accessory).toMatchObject({ action_id: 'booking_link_toggle', text: { text: 'Turn off' } });
    expect((await t.app.request(`/book/${TEAM}/15-min-chat`)).status).toBe(200);
  });

  it('a wrong address or too many questions come back on their fields, and nothing is published', async () => {
    const before = (await withTeam(t.handle.db, TEAM, (tx) => listBookingLinks(tx, { includeInactive: true }))).length;
    const bad = await publish({ link_slug: { value: 'Not a slug!' } });
    expect(JSON.parse(bad.text)).toEqual({ response_action: 'errors', errors: { link_slug: expect.stringMatching(/lowercase letters, digits and single hyphens/) } });
    const many = await publish({ link_questions: { value: 'a\nb\nc\nd\ne\nf' } });
    expect(JSON.parse(many.text).errors).toEqual({ link_questions: 'At most five questions of your own (there are 6).' });
    const two = await publish({ link_hosts: { selected_users: ['U0ANA', 'U0BEN'] }, link_mode: { selected_option: { value: 'one' } } });
    expect(JSON.parse(two.text).errors).toEqual({ link_hosts: 'A link for one person names exactly one host' });
    expect(await withTeam(t.handle.db, TEAM, (tx) => listBookingLinks(tx, { includeInactive: true }))).toHaveLength(before);
  });

  it('`/meet links` lists them; "Turn off" on the Home tab turns the page off', async () => {
    const listed = await (await sendCommand(t.app, { team_id: TEAM, user_id: 'U0BEN', channel_id: 'C0GENERAL', text: 'links' })).json();
    expect(listed.response_type).toBe('ephemeral');
    expect(limitViolations(listed, 'message')).toEqual([]);
    const row = listed.blocks.find((b: any) => b.block_id.startsWith('link_'));
    expect(row.text.text).toContain(`https://meet.test/book/${TEAM}/15-min-chat`);
    slack.clearCalls();
    await sendInteraction(t.app, {
      type: 'block_actions',
      team: { id: TEAM },
      user: userOf(TEAM, 'U0BEN'),
      trigger_id: 't',
      container: { type: 'view', view_id: 'VH1' },
      view: { id: 'VH1', type: 'home' },
      actions: [{ type: 'button', action_id: 'booking_link_toggle', block_id: row.block_id, value: row.accessory.value }],
    });
    const told = await slack.waitFor('chat.postMessage', (b) => b.channel === 'U0BEN');
    expect(told.body.text).toContain('is off');
    const home = await slack.waitFor('views.publish');
    expect(JSON.stringify(home.body.view)).toContain('Turn on');
    expect((await t.app.request(`/book/${TEAM}/15-min-chat`)).status).toBe(404);
    const none = await (await sendCommand(t.app, { team_id: TEAM, user_id: 'U0CAL', channel_id: 'C0GENERAL', text: 'links' })).json();
    expect(none.blocks[0].text.text).toContain('You host no booking links yet');
  });

  it('a booking from the page reaches the hosts: the meeting message in the link\'s channel with the guest and their answers, direct messages, and the guest\'s cancel', async () => {
    await publish({
      link_hosts: { selected_users: ['U0ANA', 'U0BEN'] },
      link_mode: { selected_option: { value: 'all' } },
      link_slug: { value: 'demo' },
      link_questions: { value: 'Company *' },
      link_channel: { selected_conversation: 'C0SALES' },
    });
    await slack.settle();
    slack.clearCalls();
    const booked = await t.app.request(`/book/${TEAM}/demo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ start: '2027-03-02T10:00:00Z', timeZone: 'Europe/Paris', idempotencyKey: crypto.randomUUID(), name: 'Dana Guest', email: 'dana@example.com', notes: 'Pricing', answers: { q1: 'Acme' } }),
    });
    expect(booked.status).toBe(201);
    const { confirmationUrl } = (await booked.json()) as { confirmationUrl: string };
    const message = await slack.waitFor('chat.postMessage', (b) => b.channel === 'C0SALES');
    expect(limitViolations(message.body, 'message')).toEqual([]);
    const blocks = message.body.blocks as any[];
    expect(blocks.find((b) => b.block_id === 'actions' || b.block_id === 'meeting_actions').elements.map((e: any) => e.text.text)).toEqual([
      'Join video call',
      'Add to calendar (.ics)',
      'Reschedule',
      'Cancel',
    ]);
    expect(blocks.find((b) => b.block_id === 'details').text.text).toContain('<@U0ANA> (organizer), <@U0BEN>, Dana Guest (guest)');
    expect(blocks.find((b) => b.block_id === 'answers').text.text).toBe(':inbox_tray: Booked on the booking page by *Dana Guest* (dana@example.com)\n*Company*\nAcme');
    const dms = await slack.waitForCount('chat.postMessage', 2, (b) => /^U0/.test(b.channel));
    expect(dms.map((d) => d.body.channel).sort()).toEqual(['U0ANA', 'U0BEN']);
    for (const dm of dms) {
      expect(dm.body.blocks[0].text.text).toContain(':inbox_tray: Booked on your booking page:');
      expect(JSON.stringify(dm.body.blocks)).toContain('Acme');
    }
    await eventsSettled(t);
    await slack.settle();

    slack.clearCalls();
    const manage = confirmationUrl.split('?')[0]!;
    const cancel = await t.app.request(`${manage}/cancel`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'reason=Solved+it' });
    expect(cancel.status).toBe(303);
    const update = await slack.waitFor('chat.update', (b) => JSON.stringify(b.blocks ?? '').includes('Cancelled'));
    expect(update.body.channel).toBe('C0SALES');
    expect(JSON.stringify(update.body.blocks)).toContain('Cancelled* by Dana Guest (guest): Solved it');
    const told = await slack.waitForCount('chat.postMessage', 2, (b) => /^U0/.test(b.channel) && String(b.text).includes('was cancelled by Dana Guest (guest)'));
    expect(told.map((c) => c.body.channel).sort()).toEqual(['U0ANA', 'U0BEN']);
    const [made] = (await listBookings(t.handle.db, TEAM, { from: new Date('2027-03-02T10:00:00Z'), to: new Date('2027-03-02T10:01:00Z') })).bookings;
    expect((await getCurrentBooking(t.handle.db, TEAM, made!.meetingId))!.status).toBe('cancelled');
  });
});
