import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMeetingType, replaceSchedule } from '../../src/bookings/index.js';
import { withTeam } from '../../src/db/tenant.js';
import { limitViolations } from '../../src/slack/blocks/limits.js';
import { databaseKinds } from '../support/databases.js';
import { FakeSlack } from './support/fake-slack.js';
import { TEAM, startSlackTestApp, type SlackTestApp } from './support/slack-app.js';
import { sendCommand, sendInteraction, userOf, viewPayload } from './support/slack-requests.js';

const NOW = new Date('2027-03-01T06:00:00Z');
const slack = new FakeSlack({ U0ANA: { tz: 'Europe/London', name: 'Ana Alvarez' } });
beforeAll(() => slack.listen());
afterEach(async () => {
  await slack.settle();
  slack.reset();
});
afterAll(() => slack.close());

describe.each(databaseKinds())('a day with more free times than a select holds, on %s', (kind) => {
  let t: SlackTestApp;
  beforeAll(async () => {
    t = await startSlackTestApp(kind, NOW);
  });
  afterAll(() => t?.handle.close());

  it('offers them through an external select, filtered by what the booker types', async () => {
    // First contact creates the team and Ana; then a 20-minute type on a 5-minute grid over a 10-hour day: 117 slots.
    await sendCommand(t.app, { team_id: TEAM, user_id: 'U0ANA', channel_id: 'C0GENERAL', text: 'help' });
    await sendCommand(t.app, { team_id: TEAM, user_id: 'U0ANA', channel_id: 'C0GENERAL', text: '' });
    await slack.waitFor('views.update', (b) => b.view?.blocks?.some((x: any) => x.block_id === 'day'));
    const type = await withTeam(t.handle.db, TEAM, async (tx) => {
      await replaceSchedule(tx, TEAM, 'U0ANA', { timeZone: 'Europe/London', rules: [{ rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', start: '08:00', end: '18:00' }], overrides: [] });
      return createMeetingType(tx, TEAM, { name: 'Quick sync', durationMinutes: 20, slotIntervalMinutes: 5, minimumNoticeMinutes: 0 });
    });
    slack.reset();
    await sendCommand(t.app, { team_id: TEAM, user_id: 'U0ANA', channel_id: 'C0GENERAL', text: '20m' });
    const filled = await slack.waitFor('views.update', (b) => b.view?.blocks?.some((x: any) => x.block_id === 'day'));
    const view = filled.body.view;
    expect(view.blocks.find((b: any) => b.block_id === 'type').element.initial_option.value).toBe(type.id);
    const slot = view.blocks.find((b: any) => b.block_id.startsWith('slot-'));
    expect(slot.label.text).toBe('Free times (117)');
    expect(slot.element.type).toBe('external_select');
    expect(limitViolations(view, 'modal')).toEqual([]);

    const suggest = async (value: string) => {
      const response = await sendInteraction(t.app, {
        type: 'block_suggestion',
        team: { id: TEAM },
        user: userOf(TEAM, 'U0ANA'),
        action_id: 'booking_slot',
        block_id: slot.block_id,
        value,
        view: viewPayload(view, filled.body.view_id, 'hs'),
      });
      expect(response.status).toBe(200);
      return (await response.json()).options as any[];
    };
    const all = await suggest('');
    expect(all).toHaveLength(100);
    const afternoon = await suggest('16:');
    expect(afternoon).toHaveLength(12);
    expect(afternoon.every((o) => o.text.text.startsWith('16:'))).toBe(true);
    expect(afternoon.map((o) => o.text.text).slice(0, 2)).toEqual(['16:00–16:20', '16:05–16:25']);
    expect(afternoon[0].value).toBe('2027-03-01T16:00:00.000Z');
  });
});
