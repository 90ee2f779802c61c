import type { App, ViewSubmitAction } from '@slack/bolt';
import { connectAccount, connectInputSchema, type ConnectInput } from '../../../calendars/connect.js';
import { CalendarError } from '../../../calendars/types.js';
import { CalendarIds, calendarNoticeModal, connectCalendarModal } from '../../blocks/calendars.js';
import type { SlackContext } from '../../context.js';
import { publishHome } from '../../home.js';

/**
 * Connecting CalDAV or a feed from Slack: the fields are checked at once (errors beside them);
 * the server is then asked for the calendars, which may take longer than Slack's 3 seconds, so the
 * modal shows "Connecting…" first and is updated with the result (or the form again, saying why).
 */
export function registerCalendarConnectSubmission(app: App, ctx: SlackContext): void {
  app.view<ViewSubmitAction>(CalendarIds.connectCallback, async ({ ack, body, view, client }) => {
    const kind = view.private_metadata === 'caldav' ? 'caldav' : 'ical';
    const value = (block: string) => (view.state.values[block]?.[CalendarIds.input]?.value as string | null | undefined)?.trim() || undefined;
    const raw =
      kind === 'caldav'
        ? { provider: 'caldav', serverUrl: value(CalendarIds.serverBlock) ?? '', username: value(CalendarIds.usernameBlock) ?? '', password: value(CalendarIds.passwordBlock) ?? '' }
        : { provider: 'ical', url: value(CalendarIds.feedBlock) ?? '', name: value(CalendarIds.feedNameBlock) };
    const parsed = connectInputSchema.safeParse(raw);
    if (!parsed.success) {
      const blockOf: Record<string, string> = { serverUrl: CalendarIds.serverBlock, username: CalendarIds.usernameBlock, password: CalendarIds.passwordBlock, url: CalendarIds.feedBlock, name: CalendarIds.feedNameBlock };
      const errors: Record<string, string> = {};
      for (const issue of parsed.error.issues) errors[blockOf[String(issue.path[0])] ?? CalendarIds.feedBlock] ??= `This ${issue.message}`;
      await ack({ response_action: 'errors', errors });
      return;
    }
    await ack({ response_action: 'update', view: calendarNoticeModal('Connecting…', ':hourglass_flowing_sand: Asking the server for your calendars…') });
    const teamId = body.team?.id ?? body.user.team_id!;
    const userId = body.user.id;
    const input: ConnectInput = parsed.data;
    try {
      await ctx.people.one(client, teamId, userId);
      const account = await connectAccount(ctx.calendars, teamId, userId, input);
      const names = account.calendars.map((c) => `• ${c.name}${c.countsAsBusy ? '' : ' (not counted as busy)'}`).join('\n');
      await client.views.update({
        view_id: view.id,
        view: calendarNoticeModal('Calendar connected', `:white_check_mark: *${account.label}* is connected. Its busy times now count when people book you.\n${names}\n\nChoose on the Home tab which calendars count and where your meetings are added.`),
      });
      await publishHome(ctx, client, teamId, userId);
    } catch (error) {
      const message = error instanceof CalendarError ? error.message : 'Something went wrong while connecting. Try again in a moment.';
      if (!(error instanceof CalendarError)) ctx.log.error('Slack: connecting a calendar failed', error);
      const values = input.provider === 'caldav' ? { serverUrl: input.serverUrl, username: input.username } : { url: input.url, name: input.name };
      await client.views.update({ view_id: view.id, view: connectCalendarModal(kind, values, message) }).catch((e) => ctx.log.warn('Slack: could not show the connection error', e));
    }
  });
}
