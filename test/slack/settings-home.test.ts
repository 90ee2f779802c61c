import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getSchedule } from '../../src/bookings/index.js';
import { withTeam } from '../../src/db/tenant.js';
import { limitViolations } from '../../src/slack/blocks/limits.js';
import { databaseKinds } from '../support/databases.js';
import { FakeSlack } from './support/fake-slack.js';
import { bookThroughSlack } from './support/flows.js';
import { TEAM, startSlackTestApp, type SlackTestApp } from './support/slack-app.js';
import { homeOpenedEvent, sendCommand, sendEvent, sendInteraction, userOf, viewPayload } from './support/slack-requests.js';

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

const homeEvent = (user: string, id: string) => homeOpenedEvent(TEAM, user, id);

describe.each(databaseKinds())('settings, list, help and App Home on %s', (kind) => {
  let t: SlackTestApp;
  beforeAll(async () => {
    t = await startSlackTestApp(kind, NOW);
  });
  afterAll(() => t?.handle.close());

  it('`/meet help` explains the command', async () => {
    const response = await sendCommand(t.app, { team_id: TEAM, user_id: 'U0ANA', channel_id: 'C0GENERAL', text: 'help' });
    const body = await response.json();
    expect(body.response_type).toBe('ephemeral');
    expect(body.blocks[0].text.text).toContain('/meet @ana @ben 30m');
    expect(limitViolations(body, 'message')).toEqual([]);
  });

  it('`/meet availability` edits weekly hours, time zone and days off; mistakes come back on their field', async () => {
    await sendCommand(t.app, { team_id: TEAM, user_id: 'U0BEN', channel_id: 'C0GENERAL', text: 'availability' });
    const opened = await slack.waitFor('views.open');
    const view = opened.body.view;
    expect(view.callback_id).toBe('availability_form');
    expect(limitViolations(view, 'modal')).toEqual([]);
    expect(view.blocks.find((b: any) => b.block_id === 'zone').element.initial_value).toBe('America/New_York');
    expect(view.blocks.find((b: any) => b.block_id === 'hours-MO').element.initial_value).toBe('09:00-17:00');

    const wrong = await sendInteraction(t.app, {
      type: 'view_submission',
      team: { id: TEAM },
      user: userOf(TEAM, 'U0BEN'),
      view: viewPayload(view, 'VA', 'ha', { zone: { value: 'Mars/Base' }, 'hours-TU': { value: '9 to 5' } }),
    });
    const errors = (await wrong.json()).errors;
    expect(Object.keys(errors).sort()).toEqual(['hours-TU', 'zone']);

    const saved = await sendInteraction(t.app, {
      type: 'view_submission',
      team: { id: TEAM },
      user: userOf(TEAM, 'U0BEN'),
      view: viewPayload(view, 'VA', 'ha', {
        zone: { value: 'Europe/Berlin' },
        'hours-MO': { value: '08:00-12:00, 13:00-16:00' },
        'hours-FR': { value: '' },
        days_off: { value: '2027-03-10\n2027-03-15..2027-03-16' },
      }),
    });
    expect(await saved.text()).toBe('');
    const schedule = await withTeam(t.handle.db, TEAM, (tx) => getSchedule(tx, 'U0BEN'));
    expect(schedule.timeZone).toBe('Europe/Berlin');
    expect(schedule.rules).toEqual(
      expect.arrayContaining([
        { rrule: 'FREQ=WEEKLY;BYDAY=MO', start: '08:00', end: '12:00' },
        { rrule: 'FREQ=WEEKLY;BYDAY=MO', start: '13:00', end: '16:00' },
        { rrule: 'FREQ=WEEKLY;BYDAY=TU,WE,TH', start: '09:00', end: '17:00' },
      ]),
    );
    expect(schedule.rules).toHaveLength(3);
    expect(schedule.overrides).toEqual([
      { date: '2027-03-10', ranges: [] },
      { date: '2027-03-15', ranges: [] },
      { date: '2027-03-16', ranges: [] },
    ]);
    // Saving refreshes App Home with the new hours.
    const home = await slack.waitFor('views.publish');
    expect(JSON.stringify(home.body.view)).toContain('Europe/Berlin');
  });

  it('`/meet list` shows upcoming meetings with the person’s own join buttons', async () => {
    const { booking } = await bookThroughSlack(t, slack, { user: 'U0ANA', text: '<@U0BEN|ben>', day: '2027-03-02', start: '2027-03-02T14:00:00.000Z', title: 'Roadmap' });
    const response = await sendCommand(t.app, { team_id: TEAM, user_id: 'U0ANA', channel_id: 'C0GENERAL', text: 'list' });
    const body = await response.json();
    expect(body.response_type).toBe('ephemeral');
    expect(limitViolations(body, 'message')).toEqual([]);
    const row = body.blocks.find((b: any) => b.block_id === `meeting-${booking.id}`);
    expect(row.text.text).toContain('*Roadmap*');
    expect(row.accessory.url).toContain(`/m/${booking.id}?k=`);
  });

  it('App Home shows today’s and this week’s meetings with join buttons, and the hours', async () => {
    slack.clearCalls();
    await sendEvent(t.app, homeEvent('U0ANA', 'Ev0HOME1'));
    const published = await slack.waitFor('views.publish');
    expect(published.body.user_id).toBe('U0ANA');
    const view = published.body.view;
    expect(view.type).toBe('home');
    expect(limitViolations(view, 'home')).toEqual([]);
    const text = JSON.stringify(view);
    expect(text).toContain('Roadmap');
    expect(text).toContain('Europe/London');
    expect(text).toContain('Monday: 09:00-17:00');
    expect(view.blocks.find((b: any) => b.block_id === 'home_actions').elements.map((e: any) => e.action_id)).toEqual(['home_book', 'home_edit_availability']);
    // The Edit availability button opens the same modal.
    slack.clearCalls();
    await sendInteraction(t.app, { type: 'block_actions', team: { id: TEAM }, user: userOf(TEAM, 'U0ANA'), trigger_id: 'th', view: { id: 'VH', type: 'home' }, actions: [{ type: 'button', action_id: 'home_edit_availability', block_id: 'home_actions' }] });
    expect((await slack.waitFor('views.open')).body.view.callback_id).toBe('availability_form');
  });
});
