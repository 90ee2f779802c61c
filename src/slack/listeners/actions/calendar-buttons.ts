import type { App, BlockAction, ButtonAction, CheckboxesAction } from '@slack/bolt';
import { CalendarError } from '../../../calendars/types.js';
import { CalendarIds, connectCalendarModal } from '../../blocks/calendars.js';
import type { SlackContext } from '../../context.js';
import { publishHome } from '../../home.js';
import { tell } from '../../tell.js';

/** The Home tab's calendar controls: the choices per calendar, disconnecting, and connecting more. */
export function registerCalendarButtons(app: App, ctx: SlackContext): void {
  const teamOf = (body: BlockAction) => body.team?.id ?? body.user.team_id!;

  app.action<BlockAction<CheckboxesAction>>(CalendarIds.options, async ({ ack, body, action, client }) => {
    await ack();
    const calendarId = action.block_id.slice(CalendarIds.calendarBlockPrefix.length);
    const chosen = new Set(action.selected_options.map((o) => o.value));
    const teamId = teamOf(body);
    try {
      await ctx.calendars.updateCalendar(teamId, body.user.id, calendarId, { countsAsBusy: chosen.has('busy'), allDayBusy: chosen.has('allday'), writeBookings: chosen.has('write') });
    } catch (error) {
      if (!(error instanceof CalendarError)) throw error;
      await tell(ctx, client, { user: body.user.id }, error.message);
    }
    await publishHome(ctx, client, teamId, body.user.id);
  });

  app.action<BlockAction<ButtonAction>>(CalendarIds.disconnect, async ({ ack, body, action, client }) => {
    await ack();
    const teamId = teamOf(body);
    await ctx.calendars.disconnect(teamId, body.user.id, action.value ?? '');
    await publishHome(ctx, client, teamId, body.user.id);
  });

  // Link buttons open our consent page in the browser; Slack still tells us about the click.
  app.action({ action_id: new RegExp(`^(${CalendarIds.connectGoogle}|${CalendarIds.connectMicrosoft})$`), type: 'block_actions' }, async ({ ack }) => {
    await ack();
  });

  app.action<BlockAction<ButtonAction>>(new RegExp(`^(${CalendarIds.connectCalDav}|${CalendarIds.connectFeed})$`), async ({ ack, body, action, client }) => {
    await ack();
    await client.views.open({ trigger_id: body.trigger_id, view: connectCalendarModal(action.action_id === CalendarIds.connectCalDav ? 'caldav' : 'ical') });
  });
}
