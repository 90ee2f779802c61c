import type { WebClient } from '@slack/web-api';
import { getSchedule, listBookings } from '../bookings/index.js';
import { addLocalDays, localDateOf, startOfLocalDay } from '../core/availability/index.js';
import { withTeam } from '../db/tenant.js';
import { scheduleToForm } from './availability-form.js';
import { WEEKDAYS } from './blocks/availability-modal.js';
import { calendarsHomeBlocks } from './blocks/calendars.js';
import { connectLink } from '../calendars/connect.js';
import { oauthClientOf } from '../calendars/oauth.js';
import { CACHE_AHEAD_DAYS } from '../calendars/service.js';
import { LIMITS, mrkdwn, plain } from './blocks/limits.js';
import type { SlackContext } from './context.js';
import { meetingRows } from './upcoming.js';
import { bookingLinkBlocks } from './booking-link-form.js';
import { webhookHomeBlocks } from './blocks/webhooks.js';
import { lastDeliveries } from '../webhooks/deliveries.js';
import { listEndpoints } from '../webhooks/endpoints.js';

export const HomeActions = { editAvailability: 'home_edit_availability', book: 'home_book', newLink: 'home_new_link' } as const;
const DAY_MS = 86_400_000;
/** Booking links shown (one block each); `/meet links` lists them all. */
const LINKS_SHOWN = 10;
/** At most this many meetings per section; fewer when the other sections leave less of Slack's 100 blocks. */
const PER_SECTION = 40;
/** The tab's blocks other than meetings and the links, calendars and webhooks sections (headers, hours, "more" lines, the links frame). */
const FIXED_BLOCKS = 16;

/** The App Home tab: today's and this week's meetings with join buttons, and the person's hours. */
export async function publishHome(ctx: SlackContext, client: WebClient, teamId: string, userId: string): Promise<void> {
  const person = await ctx.people.one(client, teamId, userId);
  const now = ctx.now();
  const today = localDateOf(now, person.timeZone);
  const tomorrow = startOfLocalDay(addLocalDays(today, 1), person.timeZone);
  const weekEnd = startOfLocalDay(addLocalDays(today, 7), person.timeZone);
  const [todays, week, schedule, links, calendars, webhooks] = await Promise.all([
    listBookings(ctx.db, teamId, { personId: userId, from: now, to: tomorrow, status: 'confirmed', limit: PER_SECTION }),
    listBookings(ctx.db, teamId, { personId: userId, from: tomorrow, to: weekEnd, status: 'confirmed', limit: PER_SECTION }),
    withTeam(ctx.db, teamId, (tx) => getSchedule(tx, userId)),
    bookingLinkBlocks(ctx, teamId, userId),
    calendarsSection(ctx, teamId, userId, now),
    person.isAdmin ? webhooksSection(ctx, teamId) : [],
  ]);
  // The meetings get what the other sections leave of the tab's blocks.
  const room = LIMITS.homeBlocks - FIXED_BLOCKS - Math.min(links.length, LINKS_SHOWN) - calendars.length - webhooks.length;
  const perSection = Math.max(1, Math.min(PER_SECTION, Math.floor(room / 2)));
  const hours = scheduleToForm(schedule, today);
  const view = homeView({
    today: await meetingRows(ctx, teamId, userId, todays.bookings.slice(0, perSection)),
    todayMore: Boolean(todays.nextCursor) || todays.bookings.length > perSection,
    week: await meetingRows(ctx, teamId, userId, week.bookings.slice(0, perSection)),
    weekMore: Boolean(week.nextCursor) || week.bookings.length > perSection,
    links: links.slice(0, LINKS_SHOWN),
    linksMore: links.length > LINKS_SHOWN,
    hoursText: [
      `Time zone: *${hours.timeZone}*${schedule.isDefault ? ' (default hours: you have not set yours)' : ''}`,
      ...WEEKDAYS.map(([code, name]) => `${name}: ${hours.hours[code].length ? hours.hours[code].join(', ') : '—'}`),
      hours.daysOff.length ? `Days off: ${hours.daysOff.slice(0, 30).join(', ')}${hours.daysOff.length > 30 ? ', …' : ''}` : '',
      hours.dailyLimit !== null ? `At most ${hours.dailyLimit} meeting${hours.dailyLimit === 1 ? '' : 's'} a day` : '',
    ]
      .filter(Boolean)
      .join('\n'),
    calendars,
    webhooks,
  });
  await client.views.publish({ user_id: userId, view });
}

/** Workspace admins see the team's webhook endpoints. */
async function webhooksSection(ctx: SlackContext, teamId: string): Promise<any[]> {
  const endpoints = await listEndpoints(ctx.db, teamId);
  return webhookHomeBlocks(endpoints, await lastDeliveries(ctx.db, teamId, endpoints.map((e) => e.id)));
}

async function calendarsSection(ctx: SlackContext, teamId: string, userId: string, now: Date): Promise<any[]> {
  const service = ctx.calendars;
  if (!service.configured) return calendarsHomeBlocks({ configured: false, accounts: [], now });
  // Someone looking at their Home tab is likely to book next: their calendars are read now if
  // stale (not awaited), and kept fresh by the background refresher while in use.
  service
    .busyFor(teamId, [userId], new Date(now.getTime() - DAY_MS), new Date(now.getTime() + CACHE_AHEAD_DAYS * DAY_MS))
    .catch((error) => ctx.log.warn('Slack: reading calendars when the Home tab opened failed', error));
  const link = async (provider: 'google' | 'microsoft') =>
    oauthClientOf(ctx.config.calendars, provider) ? (await connectLink(service, teamId, userId, provider)).url : undefined;
  const [accounts, googleUrl, microsoftUrl] = await Promise.all([service.listAccounts(teamId, userId), link('google'), link('microsoft')]);
  return calendarsHomeBlocks({ configured: true, accounts, googleUrl, microsoftUrl, now });
}

export function homeView(input: {
  today: any[];
  todayMore: boolean;
  week: any[];
  weekMore: boolean;
  hoursText: string;
  links?: any[];
  linksMore?: boolean;
  calendars?: any[];
  webhooks?: any[];
}) {
  const more = (shown: number) => ({ type: 'context', elements: [mrkdwn(`Showing the first ${shown}. \`/meet list\` lists them in order.`)] });
  const blocks: any[] = [
    { type: 'header', block_id: 'h_today', text: plain('Today', LIMITS.headerText) },
    ...(input.today.length ? input.today : [{ type: 'section', block_id: 'today_none', text: mrkdwn('No more meetings today.') }]),
    ...(input.todayMore ? [{ ...more(input.today.length), block_id: 'today_more' }] : []),
    { type: 'header', block_id: 'h_week', text: plain('This week', LIMITS.headerText) },
    ...(input.week.length ? input.week : [{ type: 'section', block_id: 'week_none', text: mrkdwn('Nothing else this week.') }]),
    ...(input.weekMore ? [{ ...more(input.week.length), block_id: 'week_more' }] : []),
    { type: 'divider', block_id: 'd_hours' },
    { type: 'header', block_id: 'h_hours', text: plain('Your hours', LIMITS.headerText) },
    { type: 'section', block_id: 'hours', text: mrkdwn(input.hoursText) },
    {
      type: 'actions',
      block_id: 'home_actions',
      elements: [
        { type: 'button', action_id: HomeActions.book, style: 'primary', text: plain('Book a meeting', LIMITS.buttonText) },
        { type: 'button', action_id: HomeActions.editAvailability, text: plain('Edit availability', LIMITS.buttonText) },
      ],
    },
    { type: 'divider', block_id: 'd_links' },
    { type: 'header', block_id: 'h_links', text: plain('Booking links', LIMITS.headerText) },
    ...(input.links?.length
      ? input.links
      : [{ type: 'section', block_id: 'links_none', text: mrkdwn('Public pages where people outside Slack book you at free times. You host none yet.') }]),
    ...(input.linksMore ? [{ type: 'context', block_id: 'links_more', elements: [mrkdwn('`/meet links` lists them all.')] }] : []),
    {
      type: 'actions',
      block_id: 'links_actions',
      elements: [{ type: 'button', action_id: HomeActions.newLink, text: plain('New booking link', LIMITS.buttonText) }],
    },
    ...(input.calendars ?? []),
    ...(input.webhooks ?? []),
  ];
  return { type: 'home' as const, blocks };
}
