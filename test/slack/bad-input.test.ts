import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getBooking } from '../../src/bookings/index.js';
import { databaseKinds } from '../support/databases.js';
import { snapshotTeam } from '../support/snapshot.js';
import { FakeSlack } from './support/fake-slack.js';
import { bookThroughSlack, clickMeetingButton, openBookingDay, slotOptions } from './support/flows.js';
import { TEAM, startSlackTestApp, type SlackTestApp } from './support/slack-app.js';
import { commandBody, postSigned, sendCommand, sendInteraction, userOf, viewPayload } from './support/slack-requests.js';

const NOW = new Date('2027-03-01T08:00:00Z');
const NUL = '\u0000';
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

/** The app's one error shape, for a response to /slack/events. */
async function expectBadRequest(response: Response, message?: RegExp): Promise<void> {
  expect(response.status).toBe(400);
  const body = await response.json();
  expect(body.error).toMatchObject({ code: 'invalid_input', field: null, requestId: expect.any(String) });
  if (message) expect(body.error.message).toMatch(message);
}

describe.each(databaseKinds())('Slack requests that are signed but not what Slack sends, on %s', (kind) => {
  let t: SlackTestApp;
  beforeAll(async () => {
    t = await startSlackTestApp(kind, NOW);
  });
  afterAll(() => t?.handle.close());

  it('answers 400 to a payload field that is not a JSON object (payload=null, 123, "x", [])', async () => {
    for (const payload of ['null', '123', '"x"', '[]', 'true']) {
      const response = await postSigned(t.app, new URLSearchParams({ payload }).toString(), 'application/x-www-form-urlencoded');
      await expectBadRequest(response, /payload field must be a JSON object/);
    }
    await expectBadRequest(await postSigned(t.app, new URLSearchParams({ payload: '{' }).toString(), 'application/x-www-form-urlencoded'), /unreadable JSON/);
    for (const body of ['null', '[]', '7']) await expectBadRequest(await postSigned(t.app, body, 'application/json'), /JSON body must be a JSON object/);
  });

  it('answers 400 to bodies that lack what Slack always sends, before any listener runs', async () => {
    const interaction = (payload: unknown) => postSigned(t.app, new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded');
    await expectBadRequest(await interaction({}), /neither "type" nor "command"/);
    await expectBadRequest(await interaction({ type: 'view_submission' }), /view_submission: user/);
    await expectBadRequest(await interaction({ type: 'view_submission', user: userOf(TEAM, 'U0ANA'), view: { id: 'V1', callback_id: 'booking_form' } }), /view\.state/);
    await expectBadRequest(await interaction({ type: 'block_actions', user: userOf(TEAM, 'U0ANA') }), /actions/);
    await expectBadRequest(await postSigned(t.app, JSON.stringify({ type: 'event_callback', event: null }), 'application/json'), /event/);
    const command = commandBody({ team_id: TEAM, user_id: `U${'A'.repeat(4999)}`, channel_id: 'C0GENERAL', text: 'list' });
    await expectBadRequest(await postSigned(t.app, command, 'application/x-www-form-urlencoded'), /user_id: .*at most 64 characters/);
    expect(slack.calls).toEqual([]);
  });

  it('puts a NUL character or an impossible day in the booking modal back on its field, and books nothing', async () => {
    const { viewId, dayView } = await openBookingDay(t, slack, { user: 'U0ANA', text: '<@U0BEN|ben>', day: '2027-03-02' });
    const slot = slotOptions(dayView)[0];
    expect(slot).toBeDefined();
    const before = await snapshotTeam(t.handle.db, TEAM);
    const submit = (picks: Record<string, Record<string, unknown>>) =>
      sendInteraction(t.app, { type: 'view_submission', team: { id: TEAM }, user: userOf(TEAM, 'U0ANA'), view: viewPayload(dayView, viewId, 'h', { 'slot-*': { selected_option: slot }, ...picks }) });

    const title = await (await submit({ title: { value: `Kick${NUL}off` } })).json();
    expect(title).toEqual({ response_action: 'errors', errors: { title: expect.stringMatching(/^Title: must not contain the NUL character/) } });
    const notes = await (await submit({ notes: { value: `${NUL}` } })).json();
    expect(notes.errors).toEqual({ notes: expect.stringMatching(/NUL character/) });
    const day = await (await submit({ day: { selected_date: '0000-01-01' } })).json();
    expect(day.errors).toEqual({ day: 'Day: must be from 2000-01-01 to 2199-12-31' });
    const metadata = await (
      await sendInteraction(t.app, { type: 'view_submission', team: { id: TEAM }, user: userOf(TEAM, 'U0ANA'), view: { ...viewPayload(dayView, viewId, 'h'), private_metadata: 'not json' } })
    ).json();
    expect(metadata.errors.day).toMatch(/hidden state could not be read/);
    await slack.settle();
    expect(slack.callsOf('chat.postMessage')).toEqual([]);
    expect(await snapshotTeam(t.handle.db, TEAM)).toEqual(before);
  });

  it('puts a NUL character in a cancel reason back on its field, and keeps the meeting', async () => {
    const { booking } = await bookThroughSlack(t, slack, { user: 'U0ANA', text: '<@U0BEN|ben>', day: '2027-03-03', start: '2027-03-03T15:00:00.000Z' });
    slack.reset();
    await clickMeetingButton(t, { user: 'U0BEN', actionId: 'meeting_cancel', bookingId: booking.id });
    const modal = (await slack.waitFor('views.open')).body.view;
    const before = await snapshotTeam(t.handle.db, TEAM);
    const response = await sendInteraction(t.app, { type: 'view_submission', team: { id: TEAM }, user: userOf(TEAM, 'U0BEN'), view: viewPayload(modal, 'VC', 'hc', { reason: { value: `ill${NUL}` } }) });
    expect(await response.json()).toEqual({ response_action: 'errors', errors: { reason: expect.stringMatching(/^Reason: must not contain the NUL character/) } });
    const gone = await sendInteraction(t.app, {
      type: 'view_submission',
      team: { id: TEAM },
      user: userOf(TEAM, 'U0BEN'),
      view: { ...viewPayload(modal, 'VC', 'hc'), private_metadata: JSON.stringify({ b: '00000000-0000-4000-8000-000000000000' }) },
    });
    expect((await gone.json()).errors.reason).toBe('This meeting no longer exists.');
    expect((await getBooking(t.handle.db, TEAM, booking.id)).status).toBe('confirmed');
    expect(await snapshotTeam(t.handle.db, TEAM)).toEqual(before);
  });

  it('refuses days off outside 2000–2199 in the availability modal, and keeps the hours', async () => {
    await sendCommand(t.app, { team_id: TEAM, user_id: 'U0BEN', channel_id: 'C0GENERAL', text: 'availability' });
    const view = (await slack.waitFor('views.open')).body.view;
    const before = await snapshotTeam(t.handle.db, TEAM);
    for (const daysOff of ['9999-12-30..9999-12-31', '0000-01-01']) {
      const response = await sendInteraction(t.app, { type: 'view_submission', team: { id: TEAM }, user: userOf(TEAM, 'U0BEN'), view: viewPayload(view, 'VA', 'ha', { days_off: { value: daysOff } }) });
      expect((await response.json()).errors).toEqual({ days_off: expect.stringMatching(/2000-01-01 to 2199-12-31|is not a date/) });
    }
    const nul = await sendInteraction(t.app, { type: 'view_submission', team: { id: TEAM }, user: userOf(TEAM, 'U0BEN'), view: viewPayload(view, 'VA', 'ha', { zone: { value: `UTC${NUL}` } }) });
    expect(Object.keys((await nul.json()).errors)).toEqual(['zone']);
    expect(await snapshotTeam(t.handle.db, TEAM)).toEqual(before);
  });
});
