import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { calendarsOf } from '../../src/calendars/service.js';
import { limitViolations } from '../../src/slack/blocks/limits.js';
import { databaseKinds } from '../support/databases.js';
import { FakeSlack } from '../slack/support/fake-slack.js';
import { slotOptions } from '../slack/support/flows.js';
import { TEAM, startSlackTestApp, testConfig, type SlackTestApp } from '../slack/support/slack-app.js';
import { homeOpenedEvent, sendCommand, sendEvent, sendInteraction, userOf, viewPayload } from '../slack/support/slack-requests.js';
import { SECRETS_KEY } from './support/calendar-app.js';
import { FeedServer, vcalendar, vevent } from './support/feed-server.js';

const NOW = new Date('2027-03-01T07:00:00Z');
const slack = new FakeSlack({
  U0ANA: { tz: 'Europe/London', name: 'Ana Alvarez' },
  U0BEN: { tz: 'Europe/London', name: 'Ben Brown' },
});
beforeAll(() => slack.listen());
afterEach(async () => {
  await slack.settle();
  slack.clearCalls();
});
afterAll(() => slack.close());

const busyAt = (hour: string) => vcalendar(vevent({ UID: `busy-${hour}`, DTSTART: `20270301T${hour}0000Z`, DTEND: `20270301T${hour}5900Z` }));
const homeOpened = (user: string, id: string) => homeOpenedEvent(TEAM, user, id);
const hasNote = (view: any) => view.blocks.find((b: any) => b.block_id === 'calendar_notes')?.elements[0].text as string | undefined;
const starts = (view: any) => slotOptions(view).map((o: any) => o.value as string);

describe.each(databaseKinds())('calendars in Slack on %s', (kind) => {
  let t: SlackTestApp;
  let feeds: FeedServer;
  let feedUrl: string;

  beforeAll(async () => {
    feeds = await new FeedServer().start();
    feedUrl = feeds.serve('/ana.ics', busyAt('10'));
    const config = { ...testConfig(), calendars: { secretsKey: SECRETS_KEY, google: { clientId: 'g', clientSecret: 's' } } };
    t = await startSlackTestApp(kind, NOW, { config });
  });
  afterAll(async () => {
    await t?.handle.close();
    await feeds?.stop();
  });

  it('connects an iCal feed from the Home tab: the field is checked, then the modal says what was connected', async () => {
    await sendEvent(t.app, homeOpened('U0ANA', 'Ev1'));
    const home = (await slack.waitFor('views.publish')).body.view;
    expect(limitViolations(home, 'home')).toEqual([]);
    expect(home.blocks.find((b: any) => b.block_id === 'h_calendars').text.text).toBe('Your calendars');
    const connect = home.blocks.find((b: any) => b.block_id === 'calendar_connect').elements;
    expect(connect.map((e: any) => e.text.text)).toEqual(['Connect Google Calendar', 'Connect CalDAV', 'Add an iCal feed']);
    expect(connect[0].url).toMatch(/^https:\/\/meet\.test\/calendars\/connect\/google\?t=/);

    slack.clearCalls();
    await sendInteraction(t.app, { type: 'block_actions', team: { id: TEAM }, user: userOf(TEAM, 'U0ANA'), trigger_id: 'tr-feed', actions: [{ type: 'button', action_id: 'home_connect_feed', block_id: 'calendar_connect' }] });
    const modal = (await slack.waitFor('views.open')).body.view;
    expect(limitViolations(modal, 'modal')).toEqual([]);

    const wrong = await sendInteraction(t.app, { type: 'view_submission', team: { id: TEAM }, user: userOf(TEAM, 'U0ANA'), view: viewPayload(modal, 'VFEED', 'h1', { feed_url: { value: 'not an address' } }) });
    expect((await wrong.json()).errors.feed_url).toMatch(/http\(s\) address/);

    const right = await sendInteraction(t.app, { type: 'view_submission', team: { id: TEAM }, user: userOf(TEAM, 'U0ANA'), view: viewPayload(modal, 'VFEED', 'h2', { feed_url: { value: feedUrl } }) });
    const ack = await right.json();
    expect(ack.response_action).toBe('update');
    expect(ack.view.title.text).toBe('Connecting…');
    const done = await slack.waitFor('views.update', (b) => b.view_id === 'VFEED');
    expect(done.body.view.blocks[0].text.text).toContain('is connected');
    const republished = (await slack.waitFor('views.publish')).body.view;
    const calendarBlock = republished.blocks.find((b: any) => b.block_id.startsWith('cal:'));
    expect(calendarBlock.accessory.initial_options.map((o: any) => o.value)).toEqual(['busy', 'allday']);
    expect(limitViolations(republished, 'home')).toEqual([]);
  });

  it('the modal counts the calendar; while it is slow, it says so at the first update and redraws when it answers', async () => {
    await sendCommand(t.app, { team_id: TEAM, user_id: 'U0BEN', channel_id: 'C0GENERAL', text: '<@U0ANA> 30m' });
    const fresh = (await slack.waitFor('views.update', (b) => b.view?.blocks?.some((x: any) => x.block_id === 'day'))).body.view;
    expect(hasNote(fresh)).toBeUndefined();
    expect(starts(fresh)).not.toContain('2027-03-01T10:00:00.000Z');
    expect(starts(fresh)).toContain('2027-03-01T11:00:00.000Z');
    await slack.settle();
    slack.clearCalls();

    // The cache is stale ten minutes later; the calendar now answers only after three seconds, with another busy hour.
    t.clock.now = new Date(NOW.getTime() + 10 * 60_000);
    feeds.serve('/ana.ics', { body: busyAt('11'), delayMs: 3_000 });
    const answeredBefore = feeds.answered;
    await sendCommand(t.app, { team_id: TEAM, user_id: 'U0BEN', channel_id: 'C0GENERAL', text: '<@U0ANA> 30m' });
    const first = await slack.waitFor('views.update', (b) => b.view?.blocks?.some((x: any) => x.block_id === 'day'));
    // The first update went out while the calendar had not answered yet.
    expect(feeds.answered).toBe(answeredBefore);
    expect(hasNote(first.body.view)).toContain("Still reading Ana Alvarez's calendar “Work”");
    // Meanwhile, what was read last counts.
    expect(starts(first.body.view)).not.toContain('2027-03-01T10:00:00.000Z');
    const second = await slack.waitForCount('views.update', 2, (b) => b.view?.blocks?.some((x: any) => x.block_id === 'day'), 15_000);
    const redrawn = second[1]!.body;
    expect(redrawn.view_id).toBe(first.body.view_id);
    expect(hasNote(redrawn.view)).toBeUndefined();
    expect(starts(redrawn.view)).toContain('2027-03-01T10:00:00.000Z');
    expect(starts(redrawn.view)).not.toContain('2027-03-01T11:00:00.000Z');
  });

  it('a calendar that cannot be read is named in the modal, with why', async () => {
    t.clock.now = new Date(NOW.getTime() + 30 * 60_000);
    feeds.serve('/ana.ics', { status: 503, body: 'down' });
    await sendCommand(t.app, { team_id: TEAM, user_id: 'U0BEN', channel_id: 'C0GENERAL', text: '<@U0ANA> 30m' });
    const view = (await slack.waitFor('views.update', (b) => b.view?.blocks?.some((x: any) => x.block_id === 'day'))).body.view;
    expect(hasNote(view)).toMatch(/Could not read Ana Alvarez's calendar “Work” \(The calendar feed failed \(503\)/);
    expect(limitViolations(view, 'modal')).toEqual([]);
  });

  it('unticking "Counts as busy" on the Home tab frees the time', async () => {
    feeds.serve('/ana.ics', busyAt('11'));
    await sendEvent(t.app, homeOpened('U0ANA', 'Ev2'));
    const home = (await slack.waitFor('views.publish')).body.view;
    const block = home.blocks.find((b: any) => b.block_id.startsWith('cal:'));
    slack.clearCalls();
    await sendInteraction(t.app, {
      type: 'block_actions',
      team: { id: TEAM },
      user: userOf(TEAM, 'U0ANA'),
      view: { id: 'VH', type: 'home' },
      actions: [{ type: 'checkboxes', action_id: 'home_calendar_options', block_id: block.block_id, selected_options: [{ value: 'allday', text: { type: 'plain_text', text: 'All-day events count' } }] }],
    });
    const after = (await slack.waitFor('views.publish')).body.view;
    expect(after.blocks.find((b: any) => b.block_id === block.block_id).accessory.initial_options.map((o: any) => o.value)).toEqual(['allday']);
    const accounts = await calendarsOf({ db: t.handle.db, config: t.config }).listAccounts(TEAM, 'U0ANA');
    expect(accounts[0]!.calendars[0]!.countsAsBusy).toBe(false);
  });
});
