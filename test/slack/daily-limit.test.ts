import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getSchedule } from '../../src/bookings/index.js';
import { withTeam } from '../../src/db/tenant.js';
import { limitViolations } from '../../src/slack/blocks/limits.js';
import { databaseKinds } from '../support/databases.js';
import { snapshotTeam } from '../support/snapshot.js';
import { FakeSlack } from './support/fake-slack.js';
import { bookThroughSlack, openBookingDay, slotOptions } from './support/flows.js';
import { TEAM, startSlackTestApp, type SlackTestApp } from './support/slack-app.js';
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

describe.each(databaseKinds())('a person’s own limit of meetings a day, from Slack, on %s', (kind) => {
  let t: SlackTestApp;
  beforeAll(async () => {
    t = await startSlackTestApp(kind, NOW);
  });
  afterAll(() => t?.handle.close());

  const openAvailability = async (user: string) => {
    slack.clearCalls();
    await sendCommand(t.app, { team_id: TEAM, user_id: user, channel_id: 'C0GENERAL', text: 'availability' });
    return (await slack.waitFor('views.open')).body.view;
  };
  const submit = (user: string, view: any, picks: Record<string, Record<string, unknown>>) =>
    sendInteraction(t.app, { type: 'view_submission', team: { id: TEAM }, user: userOf(TEAM, user), view: viewPayload(view, 'VA', 'ha', picks) });
  const limitOf = async (user: string) => (await withTeam(t.handle.db, TEAM, (tx) => getSchedule(tx, user))).dailyLimit;

  it('is set in the availability modal, shown on App Home and in the modal again, and refused when it is not 1 to 100', async () => {
    const view = await openAvailability('U0BEN');
    expect(limitViolations(view, 'modal')).toEqual([]);
    const field = view.blocks.find((b: any) => b.block_id === 'daily_limit');
    expect(field).toMatchObject({ optional: true, element: { type: 'number_input', is_decimal_allowed: false, min_value: '1', max_value: '100' } });
    expect(field.element.initial_value).toBeUndefined();

    const before = await snapshotTeam(t.handle.db, TEAM);
    for (const value of ['0', '101', '2.5', 'lots']) {
      const wrong = await submit('U0BEN', view, { daily_limit: { value } });
      expect((await wrong.json()).errors).toEqual({ daily_limit: 'A whole number from 1 to 100, or empty for no limit.' });
    }
    expect(await snapshotTeam(t.handle.db, TEAM)).toEqual(before);

    slack.clearCalls();
    expect(await (await submit('U0BEN', view, { daily_limit: { value: '1' } })).text()).toBe('');
    expect(await limitOf('U0BEN')).toBe(1);
    const home = await slack.waitFor('views.publish');
    expect(JSON.stringify(home.body.view)).toContain('At most 1 meeting a day');
    const again = await openAvailability('U0BEN');
    expect(again.blocks.find((b: any) => b.block_id === 'daily_limit').element.initial_value).toBe('1');
  });

  it('is honoured by the booking modal: once the day holds that many meetings, it offers none and refuses a stale pick', async () => {
    expect(await limitOf('U0BEN')).toBe(1);
    // A view opened while the day was still free.
    const stale = await openBookingDay(t, slack, { user: 'U0ANA', text: '<@U0BEN|ben> 30m', day: '2027-03-02' });
    const stalePick = slotOptions(stale.dayView).find((o) => o.value === '2027-03-02T15:00:00.000Z');
    expect(stalePick).toBeDefined();
    await bookThroughSlack(t, slack, { user: 'U0ANA', text: '<@U0BEN|ben> 30m', day: '2027-03-02', start: '2027-03-02T10:00:00.000Z' });

    const { dayView } = await openBookingDay(t, slack, { user: 'U0ANA', text: '<@U0BEN|ben> 30m', day: '2027-03-02' });
    expect(slotOptions(dayView)).toEqual([]);
    expect(JSON.stringify(dayView.blocks)).toContain('No free');
    // Ana alone is still bookable that day.
    const alone = await openBookingDay(t, slack, { user: 'U0ANA', text: '30m', day: '2027-03-02' });
    expect(slotOptions(alone.dayView).length).toBeGreaterThan(0);

    slack.clearCalls();
    const refused = await sendInteraction(t.app, {
      type: 'view_submission',
      team: { id: TEAM },
      user: userOf(TEAM, 'U0ANA'),
      view: viewPayload(stale.dayView, stale.viewId, 'h-stale', { 'slot-*': { selected_option: stalePick } }),
    });
    const errors = (await refused.json()).errors;
    expect(Object.values(errors).join(' ')).toMatch(/no longer free/);
  });

  it('is removed by emptying the field', async () => {
    const view = await openAvailability('U0BEN');
    expect(await (await submit('U0BEN', view, { daily_limit: { value: null } })).text()).toBe('');
    expect(await limitOf('U0BEN')).toBeNull();
    const { dayView } = await openBookingDay(t, slack, { user: 'U0ANA', text: '<@U0BEN|ben> 30m', day: '2027-03-02' });
    expect(slotOptions(dayView).map((o) => o.value)).toContain('2027-03-02T15:00:00.000Z');
  });
});
