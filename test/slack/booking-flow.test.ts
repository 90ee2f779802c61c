import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listBookings } from '../../src/bookings/index.js';
import { resolveJoinLink } from '../../src/video/access.js';
import { verifyJoinToken } from '../../src/video/links.js';
import { limitViolations } from '../../src/slack/blocks/limits.js';
import { databaseKinds } from '../support/databases.js';
import { FakeSlack } from './support/fake-slack.js';
import { LINK_SECRET, TEAM, startSlackTestApp, type SlackTestApp } from './support/slack-app.js';
import { sendCommand, sendInteraction, userOf, viewPayload } from './support/slack-requests.js';

// Monday 1 March 2027, 08:00 UTC. Ana works 9–17 in London (GMT), Ben 9–17 in New York (EST):
// both are free 14:00–17:00 UTC, which is Ana's 14:00–17:00 and Ben's 09:00–12:00.
const NOW = new Date('2027-03-01T08:00:00Z');
const slack = new FakeSlack({
  U0ANA: { tz: 'Europe/London', name: 'Ana Alvarez' },
  U0BEN: { tz: 'America/New_York', name: 'Ben Brown' },
  U0EVE: { tz: 'Europe/Paris', name: 'Eve Evans' },
  U0BOT: { tz: 'UTC', name: 'Some Bot', isBot: true },
});
beforeAll(() => slack.listen());
afterEach(async () => {
  await slack.settle();
  slack.reset();
});
afterAll(() => slack.close());

const slotOptions = (view: any) => view.blocks.find((b: any) => b.block_id?.startsWith('slot-'))?.element.options ?? [];

describe.each(databaseKinds())('booking from Slack on %s', (kind) => {
  let t: SlackTestApp;
  beforeAll(async () => {
    t = await startSlackTestApp(kind, NOW);
  });
  afterAll(() => t?.handle.close());

  /** /meet, then the modal as it stands after the loading view was filled in. */
  async function openModal(text: string, user = 'U0ANA') {
    slack.reset();
    const response = await sendCommand(t.app, { team_id: TEAM, user_id: user, channel_id: 'C0GENERAL', text });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
    const opened = await slack.waitFor('views.open');
    const filled = await slack.waitFor('views.update', (b) => b.view_id && b.view?.blocks?.some((x: any) => x.block_id === 'day'));
    return { opened, filled, viewId: filled.body.view_id as string, hash: filled.body.hash as string, view: filled.body.view };
  }

  it('walks /meet → modal → another day → submission → booking → message with join links the video page accepts', async () => {
    const { opened, filled, view } = await openModal('<@U0BEN|ben> 30m');
    // The trigger is used at once, for a loading view; the form follows with views.update and the view's hash.
    expect(opened.body.trigger_id).toMatch(/^trigger-/);
    expect(opened.body.view.callback_id).toBe('booking_form');
    expect(filled.body.hash).toMatch(/^hash-/);
    expect(limitViolations(view, 'modal')).toEqual([]);
    const type = view.blocks.find((b: any) => b.block_id === 'type');
    expect(type.element.initial_option.text.text).toContain('30 min');
    expect(view.blocks.find((b: any) => b.block_id === 'people').element.initial_users).toEqual(['U0ANA', 'U0BEN']);
    // Default day: the next day everyone has a free slot, in Ana's zone.
    expect(view.blocks.find((b: any) => b.block_id === 'day').element.initial_date).toBe('2027-03-01');
    const monday = slotOptions(view);
    expect(monday.map((o: any) => o.value)).toEqual([
      '2027-03-01T14:00:00.000Z',
      '2027-03-01T14:30:00.000Z',
      '2027-03-01T15:00:00.000Z',
      '2027-03-01T15:30:00.000Z',
      '2027-03-01T16:00:00.000Z',
      '2027-03-01T16:30:00.000Z',
    ]);
    // Ana's time first, Ben's local time beside it.
    expect(monday[0].text.text).toBe('14:00–14:30 · Ben 09:00');

    // Ana picks Tuesday: the slot list is redrawn in place.
    slack.reset();
    const picked = await sendInteraction(t.app, {
      type: 'block_actions',
      team: { id: TEAM, domain: 'test' },
      user: userOf(TEAM, 'U0ANA'),
      api_app_id: 'A0TEST',
      trigger_id: 'trigger-day',
      view: viewPayload(view, 'V1', 'hash-1', { day: { selected_date: '2027-03-02' } }),
      actions: [{ type: 'datepicker', action_id: 'booking_day', block_id: 'day', selected_date: '2027-03-02', action_ts: '1' }],
    });
    expect(picked.status).toBe(200);
    const updated = await slack.waitFor('views.update');
    expect(updated.body).toMatchObject({ view_id: 'V1', hash: 'hash-1' });
    const tuesday = updated.body.view;
    expect(tuesday.blocks.find((b: any) => b.block_id === 'day').element.initial_date).toBe('2027-03-02');
    expect(slotOptions(tuesday)[0].value).toBe('2027-03-02T14:00:00.000Z');
    expect(limitViolations(tuesday, 'modal')).toEqual([]);

    // Submission books through the booking service and closes the modal.
    slack.reset();
    const submitted = await sendInteraction(t.app, {
      type: 'view_submission',
      team: { id: TEAM, domain: 'test' },
      user: userOf(TEAM, 'U0ANA'),
      api_app_id: 'A0TEST',
      view: viewPayload(tuesday, 'V1', 'hash-2', {
        'slot-*': { selected_option: slotOptions(tuesday).find((o: any) => o.value === '2027-03-02T15:00:00.000Z') },
        title: { value: 'Kick-off' },
        notes: { value: 'Agenda in the doc' },
      }),
    });
    expect(submitted.status).toBe(200);
    expect(await submitted.text()).toBe('');
    const { bookings } = await listBookings(t.handle.db, TEAM, { personId: 'U0BEN' });
    expect(bookings).toHaveLength(1);
    const booking = bookings[0]!;
    expect(booking).toMatchObject({ title: 'Kick-off', notes: 'Agenda in the doc', status: 'confirmed', source: 'slack', slackChannelId: 'C0GENERAL' });
    expect(booking.startsAt.toISOString()).toBe('2027-03-02T15:00:00.000Z');
    expect(booking.participants.map((p) => [p.role, p.slackUserId])).toEqual([
      ['organizer', 'U0ANA'],
      ['host', 'U0BEN'],
    ]);

    // The meeting is posted where /meet was typed…
    const posted = await slack.waitFor('chat.postMessage', (b) => b.channel === 'C0GENERAL');
    expect(limitViolations(posted.body, 'message')).toEqual([]);
    const start = Math.floor(booking.startsAt.getTime() / 1000);
    expect(JSON.stringify(posted.body.blocks)).toContain(`<!date^${start}^`);
    expect(JSON.stringify(posted.body.blocks)).toContain('<@U0BEN>');
    const actions = posted.body.blocks.find((b: any) => b.type === 'actions').elements;
    expect(actions.map((e: any) => e.text.text)).toEqual(['Join video call', 'Add to calendar (.ics)', 'Reschedule', 'Cancel']);
    // …whose join button carries no link of anyone's: it answers each clicker.
    expect(actions[0].url).toBeUndefined();
    // …and every participant gets their own link by direct message.
    const dms = await slack.waitForCount('chat.postMessage', 2, (b) => b.channel === 'U0ANA' || b.channel === 'U0BEN');
    for (const dm of dms) {
      const join = dm.body.blocks.flatMap((b: any) => b.elements ?? []).find((e: any) => e.text?.text === 'Join video call');
      const url = new URL(join.url);
      expect(url.origin + url.pathname).toBe(`https://meet.test/m/${booking.id}`);
      const claims = await verifyJoinToken(LINK_SECRET, url.searchParams.get('k')!);
      expect(claims).toMatchObject({ teamId: TEAM, bookingId: booking.id, participant: dm.body.channel });
      // The video side accepts it: the link resolves to this booking and this person.
      const access = await resolveJoinLink(t.handle.db, LINK_SECRET, booking.id, url.searchParams.get('k')!, new Date(booking.startsAt.getTime() - 5 * 60_000));
      expect(JSON.stringify(access)).toContain(dm.body.channel);
      // …and the call page opens for it, for this person, while a changed token is refused.
      const page = await t.app.request(`${url.pathname}${url.search}`);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('Kick-off');
      expect(html).toContain(dm.body.channel === 'U0ANA' ? 'Ana Alvarez' : 'Ben Brown');
      const tampered = `${url.pathname}?k=${url.searchParams.get('k')!.replace(/.$/, (ch) => (ch === 'A' ? 'B' : 'A'))}`;
      expect((await t.app.request(tampered)).status).toBeGreaterThanOrEqual(400);
    }
    // The message is recorded on the booking so later changes edit it.
    const [recorded] = (await listBookings(t.handle.db, TEAM, { personId: 'U0ANA' })).bookings;
    expect(recorded).toMatchObject({ slackChannelId: 'C0GENERAL', slackMessageTs: posted.body.ts ?? expect.any(String) });
    // Reminders: one scheduled DM each, ten minutes before, with their own link.
    const reminders = await slack.waitForCount('chat.scheduleMessage', 2);
    expect(reminders.map((r) => Number(r.body.post_at))).toEqual([start - 600, start - 600]);
    expect(reminders.map((r) => r.body.channel).sort()).toEqual(['U0ANA', 'U0BEN']);
  });

  it('opens the modal filled in from `/meet @ben 60m`, leaving out bots', async () => {
    const { view } = await openModal('<@U0BEN|ben> <@U0BOT|bot> 60m');
    expect(view.blocks.find((b: any) => b.block_id === 'type').element.initial_option.text.text).toContain('60 min');
    expect(view.blocks.find((b: any) => b.block_id === 'people').element.initial_users).toEqual(['U0ANA', 'U0BEN']);
    expect(JSON.stringify(view.blocks)).toContain('<@U0BOT> is a bot');
  });

  it('redraws the slots in place when the people or the type change', async () => {
    const { view, viewId } = await openModal('');
    const alone = slotOptions(view).map((o: any) => o.value);
    // Ana alone on Monday: 09:00–17:00 London, half-hourly from 09:00 (the first is an hour's notice away).
    expect(alone[0]).toBe('2027-03-01T09:00:00.000Z');
    expect(alone.at(-1)).toBe('2027-03-01T16:30:00.000Z');
    slack.reset();
    await sendInteraction(t.app, {
      type: 'block_actions',
      team: { id: TEAM },
      user: userOf(TEAM, 'U0ANA'),
      trigger_id: 't',
      view: viewPayload(view, viewId, 'hp', { people: { selected_users: ['U0ANA', 'U0BEN'] } }),
      actions: [{ type: 'multi_users_select', action_id: 'booking_people', block_id: 'people', selected_users: ['U0ANA', 'U0BEN'] }],
    });
    const withBen = await slack.waitFor('views.update');
    expect(withBen.body).toMatchObject({ view_id: viewId, hash: 'hp' });
    expect(slotOptions(withBen.body.view)[0].value).toBe('2027-03-01T14:00:00.000Z');
    expect(slotOptions(withBen.body.view)).toHaveLength(6);
    // A different slot block id: Slack drops a selection that no longer exists.
    const blockOf = (v: any) => v.blocks.find((b: any) => b.block_id.startsWith('slot-')).block_id;
    expect(blockOf(withBen.body.view)).not.toBe(blockOf(view));
    slack.reset();
    const hour = withBen.body.view.blocks.find((b: any) => b.block_id === 'type').element.options.find((o: any) => o.text.text.includes('60 min'));
    await sendInteraction(t.app, {
      type: 'block_actions',
      team: { id: TEAM },
      user: userOf(TEAM, 'U0ANA'),
      trigger_id: 't',
      view: viewPayload(withBen.body.view, viewId, 'ht', { type: { selected_option: hour } }),
      actions: [{ type: 'static_select', action_id: 'booking_type', block_id: 'type', selected_option: hour }],
    });
    const longer = (await slack.waitFor('views.update')).body.view;
    // An hour, every half hour, inside 14:00–17:00 UTC: 14:00 to 16:00.
    expect(slotOptions(longer).map((o: any) => o.value.slice(11, 16))).toEqual(['14:00', '14:30', '15:00', '15:30', '16:00']);
    expect(slotOptions(longer)[0].text.text).toBe('14:00–15:00 · Ben 09:00');
  });

  it('says when a day has no free slot and offers the next day that has one', async () => {
    const { view, viewId } = await openModal('<@U0BEN|ben>');
    slack.reset();
    // Saturday 6 March: nobody works.
    await sendInteraction(t.app, {
      type: 'block_actions',
      team: { id: TEAM },
      user: userOf(TEAM, 'U0ANA'),
      trigger_id: 't',
      view: viewPayload(view, viewId, 'h', { day: { selected_date: '2027-03-06' } }),
      actions: [{ type: 'datepicker', action_id: 'booking_day', block_id: 'day', selected_date: '2027-03-06' }],
    });
    const updated = (await slack.waitFor('views.update')).body.view;
    const none = updated.blocks.find((b: any) => b.block_id === 'no_slots');
    expect(none.text.text).toContain('No free');
    expect(none.text.text).toContain('Mon 8 Mar');
    expect(none.accessory).toMatchObject({ action_id: 'booking_next_day', value: '2027-03-08' });
    expect(slotOptions(updated)).toEqual([]);

    // Following the offer shows that day's slots.
    slack.reset();
    await sendInteraction(t.app, {
      type: 'block_actions',
      team: { id: TEAM },
      user: userOf(TEAM, 'U0ANA'),
      trigger_id: 't',
      view: viewPayload(updated, viewId, 'h2'),
      actions: [{ type: 'button', action_id: 'booking_next_day', block_id: 'no_slots', value: '2027-03-08' }],
    });
    const next = (await slack.waitFor('views.update')).body.view;
    expect(slotOptions(next)[0].value).toBe('2027-03-08T14:00:00.000Z');
  });

  it('books once when Slack re-sends the submission or the button is double-clicked', async () => {
    const { view, viewId } = await openModal('<@U0BEN|ben>');
    const day = '2027-03-03';
    slack.reset();
    await sendInteraction(t.app, {
      type: 'block_actions',
      team: { id: TEAM },
      user: userOf(TEAM, 'U0ANA'),
      trigger_id: 't',
      view: viewPayload(view, viewId, 'h', { day: { selected_date: day } }),
      actions: [{ type: 'datepicker', action_id: 'booking_day', block_id: 'day', selected_date: day }],
    });
    const wednesday = (await slack.waitFor('views.update')).body.view;
    slack.reset();
    const submission = {
      type: 'view_submission',
      team: { id: TEAM },
      user: userOf(TEAM, 'U0ANA'),
      view: viewPayload(wednesday, viewId, 'h3', { 'slot-*': { selected_option: slotOptions(wednesday)[2] } }),
    };
    // Impatient clicking: five submissions in flight at once, then Slack's retry.
    const responses = await Promise.all(Array.from({ length: 5 }, () => sendInteraction(t.app, submission)));
    const retry = await sendInteraction(t.app, submission);
    for (const r of [...responses, retry]) {
      expect(r.status).toBe(200);
      expect(await r.text()).toBe('');
    }
    const booked = (await listBookings(t.handle.db, TEAM, { personId: 'U0BEN', from: new Date(`${day}T00:00:00Z`), to: new Date(`${day}T23:59:00Z`) })).bookings;
    expect(booked).toHaveLength(1);
    await slack.waitFor('chat.postMessage', (b) => b.channel === 'C0GENERAL');
    await new Promise((r) => setTimeout(r, 200));
    expect(slack.callsOf('chat.postMessage').filter((c) => c.body.channel === 'C0GENERAL')).toHaveLength(1);
  });

  it('answers a slot taken between showing and submitting with an error on the slot field and fresh slots', async () => {
    const day = '2027-03-04';
    const { view, viewId } = await openModal('<@U0BEN|ben>');
    slack.reset();
    await sendInteraction(t.app, {
      type: 'block_actions',
      team: { id: TEAM },
      user: userOf(TEAM, 'U0ANA'),
      trigger_id: 't',
      view: viewPayload(view, viewId, 'h', { day: { selected_date: day } }),
      actions: [{ type: 'datepicker', action_id: 'booking_day', block_id: 'day', selected_date: day }],
    });
    const anaView = (await slack.waitFor('views.update')).body.view;
    const wanted = slotOptions(anaView)[0];
    expect(wanted.value).toBe('2027-03-04T14:00:00.000Z');

    // Ben books the same time with someone else first.
    const { view: benFirst, viewId: benViewId } = await openModal('<@U0EVE|eve>', 'U0BEN');
    slack.reset();
    await sendInteraction(t.app, {
      type: 'block_actions',
      team: { id: TEAM },
      user: userOf(TEAM, 'U0BEN'),
      trigger_id: 't',
      view: viewPayload(benFirst, benViewId, 'h', { day: { selected_date: day } }),
      actions: [{ type: 'datepicker', action_id: 'booking_day', block_id: 'day', selected_date: day }],
    });
    const benView = (await slack.waitFor('views.update')).body.view;
    const benSlot = slotOptions(benView).find((o: any) => o.value === wanted.value);
    expect(benSlot).toBeDefined();
    const benSubmit = await sendInteraction(t.app, { type: 'view_submission', team: { id: TEAM }, user: userOf(TEAM, 'U0BEN'), view: viewPayload(benView, benViewId, 'hb', { 'slot-*': { selected_option: benSlot } }) });
    expect(await benSubmit.text()).toBe('');

    slack.reset();
    const response = await sendInteraction(t.app, {
      type: 'view_submission',
      team: { id: TEAM },
      user: userOf(TEAM, 'U0ANA'),
      view: viewPayload(anaView, viewId, 'ha', { 'slot-*': { selected_option: wanted } }),
    });
    const slotBlock = anaView.blocks.find((b: any) => b.block_id.startsWith('slot-')).block_id;
    const answer = await response.json();
    expect(answer.response_action).toBe('errors');
    expect(answer.errors[slotBlock]).toContain('just taken');
    const refreshed = await slack.waitFor('views.update');
    expect(refreshed.body).toMatchObject({ view_id: viewId, hash: 'ha' });
    const fresh = slotOptions(refreshed.body.view).map((o: any) => o.value);
    expect(fresh).not.toContain(wanted.value);
    expect(fresh[0]).toBe('2027-03-04T14:30:00.000Z');
    const anaOnThursday = (await listBookings(t.handle.db, TEAM, { personId: 'U0ANA', from: new Date(`${day}T00:00:00Z`), to: new Date(`${day}T23:59:00Z`) })).bookings;
    expect(anaOnThursday.map((b) => [b.title, b.startsAt.toISOString(), b.participants.map((p) => p.slackUserId)])).toEqual([]);
  });
});
