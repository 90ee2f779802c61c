import type { WebClient } from '@slack/web-api';
import { getSchedule, listBookings } from '../bookings/index.js';
import { addLocalDays, localDateOf, startOfLocalDay } from '../core/availability/index.js';
import { withTeam } from '../db/tenant.js';
import { scheduleToForm } from './availability-form.js';
import { WEEKDAYS } from './blocks/availability-modal.js';
import { LIMITS, mrkdwn, plain } from './blocks/limits.js';
import type { SlackContext } from './context.js';
import { meetingRows } from './upcoming.js';
import { webhookHomeBlocks } from './blocks/webhooks.js';
import { lastDeliveries } from '../webhooks/deliveries.js';
import { listEndpoints } from '../webhooks/endpoints.js';

export const HomeActions = { editAvailability: 'home_edit_availability', book: 'home_book' } as const;
/** Meetings shown per section, so the tab stays inside Slack's 100 blocks (fewer for admins, who also see the webhooks). */
const PER_SECTION = 40;
const PER_SECTION_WITH_WEBHOOKS = 30;

/** The App Home tab: today's and this week's meetings with join buttons, and the person's hours. */
export async function publishHome(ctx: SlackContext, client: WebClient, teamId: string, userId: string): Promise<void> {
  const person = await ctx.people.one(client, teamId, userId);
  const perSection = person.isAdmin ? PER_SECTION_WITH_WEBHOOKS : PER_SECTION;
  const now = ctx.now();
  const today = localDateOf(now, person.timeZone);
  const tomorrow = startOfLocalDay(addLocalDays(today, 1), person.timeZone);
  const weekEnd = startOfLocalDay(addLocalDays(today, 7), person.timeZone);
  const [todays, week, schedule] = await Promise.all([
    listBookings(ctx.db, teamId, { personId: userId, from: now, to: tomorrow, status: 'confirmed', limit: perSection }),
    listBookings(ctx.db, teamId, { personId: userId, from: tomorrow, to: weekEnd, status: 'confirmed', limit: perSection }),
    withTeam(ctx.db, teamId, (tx) => getSchedule(tx, userId)),
  ]);
  const hours = scheduleToForm(schedule, today);
  let webhooks: any[] = [];
  if (person.isAdmin) {
    const endpoints = await listEndpoints(ctx.db, teamId);
    webhooks = webhookHomeBlocks(endpoints, await lastDeliveries(ctx.db, teamId, endpoints.map((e) => e.id)));
  }
  const view = homeView({
    webhooks,
    today: await meetingRows(ctx, teamId, userId, todays.bookings),
    todayMore: Boolean(todays.nextCursor),
    week: await meetingRows(ctx, teamId, userId, week.bookings),
    weekMore: Boolean(week.nextCursor),
    hoursText: [
      `Time zone: *${hours.timeZone}*${schedule.isDefault ? ' (default hours: you have not set yours)' : ''}`,
      ...WEEKDAYS.map(([code, name]) => `${name}: ${hours.hours[code].length ? hours.hours[code].join(', ') : '—'}`),
      hours.daysOff.length ? `Days off: ${hours.daysOff.slice(0, 30).join(', ')}${hours.daysOff.length > 30 ? ', …' : ''}` : '',
      hours.dailyLimit !== null ? `At most ${hours.dailyLimit} meeting${hours.dailyLimit === 1 ? '' : 's'} a day` : '',
    ]
      .filter(Boolean)
      .join('\n'),
  });
  await client.views.publish({ user_id: userId, view });
}

export function homeView(input: { today: any[]; todayMore: boolean; week: any[]; weekMore: boolean; hoursText: string; webhooks?: any[] }) {
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
    ...(input.webhooks ?? []),
  ];
  return { type: 'home' as const, blocks };
}
