import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import twilio from 'twilio';
import { createApp } from '../../src/app.js';
import { recordRoom } from '../../src/video/room-store.js';
import { roomUniqueName } from '../../src/video/twilio-rooms.js';
import { getBooking } from '../../src/bookings/index.js';
import { reminders } from '../../src/db/schema.js';
import { withTeam } from '../../src/db/tenant.js';
import { limitViolations } from '../../src/slack/blocks/limits.js';
import { verifyJoinToken } from '../../src/video/links.js';
import { databaseKinds } from '../support/databases.js';
import { FakeSlack } from './support/fake-slack.js';
import { bookThroughSlack, clickMeetingButton, slotOptions } from './support/flows.js';
import { LINK_SECRET, TEAM, startSlackTestApp, type SlackTestApp } from './support/slack-app.js';
import { sendInteraction, userOf, viewPayload } from './support/slack-requests.js';

const NOW = new Date('2027-03-01T08:00:00Z');
const slack = new FakeSlack({
  U0ANA: { tz: 'Europe/London', name: 'Ana Alvarez' },
  U0BEN: { tz: 'America/New_York', name: 'Ben Brown' },
  U0EVE: { tz: 'Europe/Paris', name: 'Eve Evans' },
});
beforeAll(() => slack.listen());
afterEach(async () => {
  await slack.settle();
  slack.reset();
});
afterAll(() => slack.close());

const remindersOf = (t: SlackTestApp, bookingId: string) => withTeam(t.handle.db, TEAM, (tx) => tx.select().from(reminders).where(eq(reminders.bookingId, bookingId)));

describe.each(databaseKinds())('the meeting message on %s', (kind) => {
  let t: SlackTestApp;
  beforeAll(async () => {
    t = await startSlackTestApp(kind, NOW);
  });
  afterAll(() => t?.handle.close());

  it('answers each Join click with the clicker’s own link, and a stranger with whom to ask', async () => {
    const { booking } = await bookThroughSlack(t, slack, { user: 'U0ANA', text: '<@U0BEN|ben>', day: '2027-03-02', start: '2027-03-02T14:00:00.000Z' });
    slack.reset();
    await clickMeetingButton(t, { user: 'U0BEN', actionId: 'meeting_join', bookingId: booking.id });
    const ephemeral = await slack.waitFor('chat.postEphemeral');
    expect(ephemeral.body).toMatchObject({ channel: 'C0GENERAL', user: 'U0BEN' });
    const url = new URL(ephemeral.body.blocks.flatMap((b: any) => b.elements ?? []).find((e: any) => e.url).url);
    expect(await verifyJoinToken(LINK_SECRET, url.searchParams.get('k')!)).toMatchObject({ bookingId: booking.id, participant: 'U0BEN' });

    slack.reset();
    await clickMeetingButton(t, { user: 'U0EVE', actionId: 'meeting_join', bookingId: booking.id });
    const refusal = await slack.waitFor('chat.postEphemeral');
    expect(refusal.body.user).toBe('U0EVE');
    expect(refusal.body.text).toContain('Only the people in');
    expect(refusal.body.text).toContain('<@U0ANA>');
    expect(JSON.stringify(refusal.body)).not.toContain('/m/');
  });

  it('lets a participant cancel with a reason: the message says who and why, reminders go, the others are told', async () => {
    const { booking, message } = await bookThroughSlack(t, slack, { user: 'U0ANA', text: '<@U0BEN|ben>', day: '2027-03-02', start: '2027-03-02T15:00:00.000Z', title: 'Budget' });
    const scheduled = await remindersOf(t, booking.id);
    expect(scheduled).toHaveLength(2);
    slack.reset();
    await clickMeetingButton(t, { user: 'U0BEN', actionId: 'meeting_cancel', bookingId: booking.id });
    const modal = await slack.waitFor('views.open');
    expect(modal.body.view.callback_id).toBe('cancel_meeting');
    expect(limitViolations(modal.body.view, 'modal')).toEqual([]);
    slack.reset();
    const response = await sendInteraction(t.app, {
      type: 'view_submission',
      team: { id: TEAM },
      user: userOf(TEAM, 'U0BEN'),
      view: viewPayload(modal.body.view, 'VC', 'hc', { reason: { value: 'Clash with the board meeting' } }),
    });
    expect(await response.text()).toBe('');
    expect(await getBooking(t.handle.db, TEAM, booking.id)).toMatchObject({ status: 'cancelled', cancelledBy: 'U0BEN', cancelReason: 'Clash with the board meeting' });
    const update = await slack.waitFor('chat.update');
    expect(update.body).toMatchObject({ channel: 'C0GENERAL', ts: booking.slackMessageTs ?? message.ts });
    expect(JSON.stringify(update.body.blocks)).toContain('*Cancelled* by <@U0BEN>: Clash with the board meeting');
    expect(JSON.stringify(update.body.blocks)).not.toContain('meeting_join');
    const deleted = await slack.waitForCount('chat.deleteScheduledMessage', 2);
    expect(deleted.map((d) => d.body.scheduled_message_id).sort()).toEqual(scheduled.map((r) => r.scheduledMessageId).sort());
    // The table is updated after Slack answered the deletes.
    await vi.waitFor(async () => expect(await remindersOf(t, booking.id)).toHaveLength(0));
    const told = await slack.waitFor('chat.postMessage', (b) => b.channel === 'U0ANA');
    expect(told.body.text).toContain('was cancelled by <@U0BEN>');
    await slack.settle();
    expect(slack.callsOf('chat.postMessage').some((c) => c.body.channel === 'U0BEN')).toBe(false);
  });

  it('refuses a stranger’s cancel and reschedule politely, and changes nothing', async () => {
    const { booking } = await bookThroughSlack(t, slack, { user: 'U0ANA', text: '<@U0BEN|ben>', day: '2027-03-03', start: '2027-03-03T14:00:00.000Z' });
    for (const actionId of ['meeting_cancel', 'meeting_reschedule']) {
      slack.reset();
      await clickMeetingButton(t, { user: 'U0EVE', actionId, bookingId: booking.id });
      const refusal = await slack.waitFor('chat.postEphemeral');
      expect(refusal.body).toMatchObject({ user: 'U0EVE', channel: 'C0GENERAL' });
      expect(refusal.body.text).toMatch(/Only the people in .* can (cancel|move) it/);
      expect(slack.callsOf('views.open')).toHaveLength(0);
    }
    // Even a forged submission of the cancel modal by a stranger is refused.
    const response = await sendInteraction(t.app, {
      type: 'view_submission',
      team: { id: TEAM },
      user: userOf(TEAM, 'U0EVE'),
      view: { id: 'VX', hash: 'hx', callback_id: 'cancel_meeting', private_metadata: JSON.stringify({ b: booking.id }), blocks: [], state: { values: { reason: { reason: { type: 'plain_text_input', value: 'no' } } } } },
    });
    expect((await response.json()).response_action).toBe('errors');
    expect((await getBooking(t.handle.db, TEAM, booking.id)).status).toBe('confirmed');
  });

  it('lets a participant reschedule: the meeting moves atomically, the message, links and reminders follow', async () => {
    const { booking } = await bookThroughSlack(t, slack, { user: 'U0ANA', text: '<@U0BEN|ben>', day: '2027-03-04', start: '2027-03-04T14:00:00.000Z', title: 'Design review' });
    const oldReminders = await remindersOf(t, booking.id);
    expect(oldReminders).toHaveLength(2);
    slack.reset();
    await clickMeetingButton(t, { user: 'U0BEN', actionId: 'meeting_reschedule', bookingId: booking.id });
    const opened = await slack.waitFor('views.open');
    const form = await slack.waitFor('views.update', (b) => b.view_id === opened.body.view?.id || b.view?.blocks?.some((x: any) => x.block_id === 'moving'));
    const view = form.body.view;
    expect(view.title.text).toBe('Move meeting');
    expect(limitViolations(view, 'modal')).toEqual([]);
    // Ben picks a day and a time (his zone: New York).
    slack.reset();
    await sendInteraction(t.app, {
      type: 'block_actions',
      team: { id: TEAM },
      user: userOf(TEAM, 'U0BEN'),
      trigger_id: 't',
      view: viewPayload(view, form.body.view_id, form.body.hash, { day: { selected_date: '2027-03-05' } }),
      actions: [{ type: 'datepicker', action_id: 'booking_day', block_id: 'day', selected_date: '2027-03-05' }],
    });
    const friday = (await slack.waitFor('views.update')).body.view;
    const slot = slotOptions(friday).find((o) => o.value === '2027-03-05T16:00:00.000Z');
    expect(slot.text.text).toBe('11:00–11:30 · Ana 16:00');
    slack.reset();
    const response = await sendInteraction(t.app, {
      type: 'view_submission',
      team: { id: TEAM },
      user: userOf(TEAM, 'U0BEN'),
      view: viewPayload(friday, form.body.view_id, 'hm', { 'slot-*': { selected_option: slot } }),
    });
    expect(await response.text()).toBe('');
    const old = await getBooking(t.handle.db, TEAM, booking.id);
    expect(old).toMatchObject({ status: 'cancelled', rescheduledToId: expect.any(String) });
    const moved = await getBooking(t.handle.db, TEAM, old.rescheduledToId!);
    expect(moved).toMatchObject({ status: 'confirmed', title: 'Design review', slackChannelId: 'C0GENERAL', slackMessageTs: booking.slackMessageTs });
    expect(moved.startsAt.toISOString()).toBe('2027-03-05T16:00:00.000Z');
    // The same message is updated, now about the new booking.
    const update = await slack.waitFor('chat.update');
    expect(update.body).toMatchObject({ channel: 'C0GENERAL', ts: booking.slackMessageTs });
    const text = JSON.stringify(update.body.blocks);
    expect(text).toContain(`<!date^${moved.startsAt.getTime() / 1000}^`);
    expect(text).toContain(moved.id);
    expect(text).toContain('Moved by <@U0BEN>');
    // Old reminders deleted, new ones scheduled; everyone gets their new link.
    const deleted = await slack.waitForCount('chat.deleteScheduledMessage', 2);
    expect(deleted.map((d) => d.body.scheduled_message_id).sort()).toEqual(oldReminders.map((r) => r.scheduledMessageId).sort());
    const scheduled = await slack.waitForCount('chat.scheduleMessage', 2);
    expect(scheduled.every((s) => Number(s.body.post_at) === moved.startsAt.getTime() / 1000 - 600)).toBe(true);
    // The table follows once Slack has answered the deletes and the new schedules.
    await vi.waitFor(async () => expect(await remindersOf(t, booking.id)).toHaveLength(0));
    await vi.waitFor(async () => expect(await remindersOf(t, moved.id)).toHaveLength(2));
    const dms = await slack.waitForCount('chat.postMessage', 2, (b) => /^U/.test(b.channel));
    for (const dm of dms) {
      const url = new URL(dm.body.blocks.flatMap((b: any) => b.elements ?? []).find((e: any) => e.text?.text === 'Join video call').url);
      expect(await verifyJoinToken(LINK_SECRET, url.searchParams.get('k')!)).toMatchObject({ bookingId: moved.id, participant: dm.body.channel });
    }
    // The old message's Join button, clicked later, finds the moved meeting.
    slack.reset();
    await clickMeetingButton(t, { user: 'U0ANA', actionId: 'meeting_join', bookingId: booking.id });
    const link = await slack.waitFor('chat.postEphemeral');
    expect(JSON.stringify(link.body.blocks)).toContain(`/m/${moved.id}?`);
  });

  it('lets a meeting move by less than its length: its own time counts as free', async () => {
    const { booking } = await bookThroughSlack(t, slack, { user: 'U0ANA', text: '<@U0BEN|ben> 60m', day: '2027-03-10', start: '2027-03-10T14:00:00.000Z' });
    slack.clearCalls();
    await clickMeetingButton(t, { user: 'U0ANA', actionId: 'meeting_reschedule', bookingId: booking.id });
    const form = await slack.waitFor('views.update', (b) => b.view?.blocks?.some((x: any) => x.block_id === 'moving'));
    slack.clearCalls();
    await sendInteraction(t.app, {
      type: 'block_actions',
      team: { id: TEAM },
      user: userOf(TEAM, 'U0ANA'),
      trigger_id: 't',
      view: viewPayload(form.body.view, form.body.view_id, form.body.hash, { day: { selected_date: '2027-03-10' } }),
      actions: [{ type: 'datepicker', action_id: 'booking_day', block_id: 'day', selected_date: '2027-03-10' }],
    });
    const sameDay = (await slack.waitFor('views.update')).body.view;
    // 14:00–17:00 UTC is everyone's common time; an hour's meeting can start 14:30 to 16:00 (its own
    // time counts as free), but not at 14:00, where it already is.
    expect(slotOptions(sameDay).map((o) => o.value.slice(11, 16))).toEqual(['14:30', '15:00', '15:30', '16:00']);
    // Sent anyway (an old modal, say), the current time is refused on the slot's field and nothing moves.
    const current = { text: { type: 'plain_text', text: '14:00' }, value: '2027-03-10T14:00:00.000Z' };
    const refused = await sendInteraction(t.app, { type: 'view_submission', team: { id: TEAM }, user: userOf(TEAM, 'U0ANA'), view: viewPayload(sameDay, form.body.view_id, 'h', { 'slot-*': { selected_option: current } }) });
    expect(Object.values((await refused.json()).errors).join(' ')).toContain('already starts at 2027-03-10T14:00:00.000Z');
    expect((await getBooking(t.handle.db, TEAM, booking.id)).status).toBe('confirmed');
    const halfHourLater = slotOptions(sameDay).find((o) => o.value === '2027-03-10T14:30:00.000Z');
    slack.clearCalls();
    const response = await sendInteraction(t.app, { type: 'view_submission', team: { id: TEAM }, user: userOf(TEAM, 'U0ANA'), view: viewPayload(sameDay, form.body.view_id, 'h', { 'slot-*': { selected_option: halfHourLater } }) });
    expect(await response.text()).toBe('');
    const moved = await getBooking(t.handle.db, TEAM, (await getBooking(t.handle.db, TEAM, booking.id)).rescheduledToId!);
    expect(moved.startsAt.toISOString()).toBe('2027-03-10T14:30:00.000Z');
    expect(moved.status).toBe('confirmed');
  });

  it('updates the message from a signed Twilio status callback, through the meeting.started and meeting.ended events', async () => {
    const { booking } = await bookThroughSlack(t, slack, { user: 'U0ANA', text: '<@U0BEN|ben>', day: '2027-03-11', start: '2027-03-11T14:00:00.000Z' });
    const authToken = 'twilio-auth-token-for-tests';
    const config = { ...t.config, twilio: { ...t.config.twilio, accountSid: 'AC0000', apiKey: 'SK0000', apiSecret: 'secret', authToken } };
    const deps = { db: t.handle.db, dbKind: t.handle.kind, config, now: () => t.clock.now };
    // A second app (the Twilio-facing one) only writes the events; the test app's dispatcher updates Slack.
    const app = createApp(deps);
    const roomName = roomUniqueName(TEAM, booking.id);
    await recordRoom(t.handle.db, TEAM, booking.id, { sid: 'RM0000', uniqueName: roomName, status: 'in-progress' }, NOW);
    const url = `${config.publicUrl}/api/meetings/rooms/events`;
    const send = (params: Record<string, string>, signature = twilio.getExpectedTwilioSignature(authToken, url, params)) =>
      app.request('/api/meetings/rooms/events', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
        body: new URLSearchParams(params).toString(),
      });
    const room = { AccountSid: 'AC0000', RoomName: roomName, RoomSid: 'RM0000', RoomType: 'group' };

    slack.reset();
    const forged = await send({ ...room, StatusCallbackEvent: 'room-created', SequenceNumber: '0' }, 'not-a-signature');
    expect(forged.status).toBe(403);
    expect(slack.callsOf('chat.update')).toHaveLength(0);

    const created = await send({ ...room, StatusCallbackEvent: 'room-created', RoomStatus: 'in-progress', SequenceNumber: '0', Timestamp: '2027-03-11T13:58:00.000Z' });
    expect(created.status).toBe(200);
    const started = await slack.waitFor('chat.update');
    expect(started.body).toMatchObject({ channel: 'C0GENERAL', ts: booking.slackMessageTs });
    expect(JSON.stringify(started.body.blocks)).toContain('*In progress*');

    slack.reset();
    const ended = await send({ ...room, StatusCallbackEvent: 'room-ended', RoomStatus: 'completed', RoomDuration: '1920', SequenceNumber: '1', Timestamp: '2027-03-11T14:30:00.000Z' });
    expect(ended.status).toBe(200);
    expect(JSON.stringify((await slack.waitFor('chat.update')).body.blocks)).toContain('*Ended* after 32 min');
  });

  it('serves the .ics by signed link: the shared one without anyone’s join link, the personal one with it', async () => {
    slack.reset();
    const { booking, message } = await bookThroughSlack(t, slack, { user: 'U0ANA', text: '<@U0BEN|ben>', day: '2027-03-09', start: '2027-03-09T14:30:00.000Z', title: 'Plan; Q2, and more' });
    const shared = message.blocks.flatMap((b: any) => b.elements ?? []).find((e: any) => e.action_id === 'meeting_calendar').url as string;
    const response = await t.app.request(shared.replace('https://meet.test', ''));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/calendar');
    const ics = await response.text();
    expect(ics).toContain(`UID:${booking.id}@meetings-for-slack\r\n`);
    expect(ics).toContain('DTSTART:20270309T143000Z\r\n');
    expect(ics).toContain('SUMMARY:Plan\\; Q2\\, and more\r\n');
    expect(ics).not.toContain('/m/');
    expect(ics.replace(/\r\n /g, '')).toContain('ORGANIZER;CN="Ana Alvarez":mailto:u0ana@example.com\r\n');
    // Ben's own file (from his direct message) carries his join link, and only his.
    const dm = slack.calls.find((c) => c.method === 'chat.postMessage' && c.body.channel === 'U0BEN')!;
    const personal = dm.body.blocks.flatMap((b: any) => b.elements ?? []).find((e: any) => e.action_id === 'meeting_calendar').url as string;
    const personalIcs = (await (await t.app.request(personal.replace('https://meet.test', ''))).text()).replace(/\r\n /g, '');
    const joinLink = /Join the video call.*?: (https:\/\/meet\.test\/m\/\S+?)(?:\\n|\r\n)/.exec(personalIcs)?.[1];
    expect(joinLink).toBeDefined();
    expect(await verifyJoinToken(LINK_SECRET, new URL(joinLink!).searchParams.get('k')!)).toMatchObject({ participant: 'U0BEN', bookingId: booking.id });
    // A forged signature is refused.
    expect((await t.app.request(shared.replace('https://meet.test', '').replace(/k=[^&]+/, 'k=forged'))).status).toBe(403);
  });
});
