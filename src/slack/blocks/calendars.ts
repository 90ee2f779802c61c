import type { CalendarAccountView } from '../../calendars/store.js';
import { PROVIDER_NAMES } from '../../calendars/types.js';
import { LIMITS, clip, escapeMrkdwn, mrkdwn, option, plain } from './limits.js';

export const CalendarIds = {
  options: 'home_calendar_options',
  disconnect: 'home_calendar_disconnect',
  connectGoogle: 'home_connect_google',
  connectMicrosoft: 'home_connect_microsoft',
  connectCalDav: 'home_connect_caldav',
  connectFeed: 'home_connect_feed',
  connectCallback: 'calendar_connect',
  calendarBlockPrefix: 'cal:',
  serverBlock: 'caldav_server',
  usernameBlock: 'caldav_username',
  passwordBlock: 'caldav_password',
  feedBlock: 'feed_url',
  feedNameBlock: 'feed_name',
  input: 'value',
} as const;

/** Most calendars listed on the Home tab (each takes a block). */
export const HOME_CALENDARS_SHOWN = 20;

export interface CalendarsHome {
  configured: boolean;
  accounts: CalendarAccountView[];
  /** Personal consent links, when the provider is configured. */
  googleUrl?: string;
  microsoftUrl?: string;
  now: Date;
}

function ago(from: Date | null, now: Date): string {
  if (!from) return 'not read yet';
  const minutes = Math.max(0, Math.round((now.getTime() - from.getTime()) / 60_000));
  return minutes < 1 ? 'read just now' : minutes < 60 ? `read ${minutes} min ago` : `read ${Math.round(minutes / 60)} h ago`;
}

/** The "Your calendars" part of the Home tab: each account, its calendars with their choices, and ways to connect more. */
export function calendarsHomeBlocks(input: CalendarsHome): any[] {
  const blocks: any[] = [
    { type: 'divider', block_id: 'd_calendars' },
    { type: 'header', block_id: 'h_calendars', text: plain('Your calendars', LIMITS.headerText) },
  ];
  if (!input.configured) {
    blocks.push({ type: 'context', block_id: 'calendars_off', elements: [mrkdwn('Calendars are not set up on this server yet (its administrator sets SECRETS_KEY).')] });
    return blocks;
  }
  if (input.accounts.length === 0) {
    blocks.push({ type: 'section', block_id: 'calendars_none', text: mrkdwn('Connect your calendar so nobody books you when you are busy elsewhere, and get your meetings added to it.') });
  }
  let shown = 0;
  for (const account of input.accounts) {
    const status =
      account.status === 'ok'
        ? `:white_check_mark: ${ago(account.lastReadAt, input.now)}`
        : account.status === 'reconnect'
          ? `:no_entry: ${escapeMrkdwn(account.lastError ?? 'access was revoked')}: connect it again`
          : `:warning: ${escapeMrkdwn(account.lastError ?? 'could not be read')}`;
    blocks.push({
      type: 'section',
      block_id: `acct:${account.id}`,
      text: mrkdwn(clip(`*${PROVIDER_NAMES[account.provider]}* · ${escapeMrkdwn(account.label)}\n${status}`, 2900)),
      accessory: {
        type: 'button',
        action_id: CalendarIds.disconnect,
        value: account.id,
        text: plain('Disconnect', LIMITS.buttonText),
        confirm: {
          title: plain('Disconnect this calendar?', 100),
          text: plain(`${account.label}: its busy times stop counting and its password or tokens are deleted. Meetings already added to it stay.`, 300),
          confirm: plain('Disconnect', 30),
          deny: plain('Keep it', 30),
          style: 'danger',
        },
      },
    });
    for (const calendar of account.calendars) {
      if (shown++ >= HOME_CALENDARS_SHOWN) break;
      const options = [
        option('Counts as busy', 'busy'),
        option('All-day events count', 'allday'),
        ...(calendar.canWrite ? [option('Add my meetings here', 'write')] : []),
      ];
      const chosen = options.filter((o) => (o.value === 'busy' && calendar.countsAsBusy) || (o.value === 'allday' && calendar.allDayBusy) || (o.value === 'write' && calendar.writeBookings));
      blocks.push({
        type: 'section',
        block_id: `${CalendarIds.calendarBlockPrefix}${calendar.id}`,
        text: mrkdwn(clip(`“${escapeMrkdwn(calendar.name)}”${calendar.readError ? `\n:warning: ${escapeMrkdwn(calendar.readError)}` : ''}`, 2900)),
        accessory: { type: 'checkboxes', action_id: CalendarIds.options, options, ...(chosen.length ? { initial_options: chosen } : {}) },
      });
    }
  }
  if (shown > HOME_CALENDARS_SHOWN) blocks.push({ type: 'context', block_id: 'calendars_more', elements: [mrkdwn(`Showing ${HOME_CALENDARS_SHOWN} calendars; the API lists them all.`)] });
  blocks.push({
    type: 'actions',
    block_id: 'calendar_connect',
    elements: [
      ...(input.googleUrl ? [{ type: 'button', action_id: CalendarIds.connectGoogle, url: input.googleUrl, text: plain('Connect Google Calendar', LIMITS.buttonText) }] : []),
      ...(input.microsoftUrl ? [{ type: 'button', action_id: CalendarIds.connectMicrosoft, url: input.microsoftUrl, text: plain('Connect Microsoft 365', LIMITS.buttonText) }] : []),
      { type: 'button', action_id: CalendarIds.connectCalDav, text: plain('Connect CalDAV', LIMITS.buttonText) },
      { type: 'button', action_id: CalendarIds.connectFeed, text: plain('Add an iCal feed', LIMITS.buttonText) },
    ],
  });
  return blocks;
}

/** The modal that connects a CalDAV account or an iCal feed. `problem` is shown on top after a failed try. */
export function connectCalendarModal(kind: 'caldav' | 'ical', values: { serverUrl?: string; username?: string; url?: string; name?: string } = {}, problem?: string) {
  const text = (block: string, label: string, value: string | undefined, placeholder: string, hint?: string, optional = false) => ({
    type: 'input',
    block_id: block,
    optional,
    label: plain(label, LIMITS.inputLabel),
    ...(hint ? { hint: plain(hint) } : {}),
    element: { type: 'plain_text_input', action_id: CalendarIds.input, placeholder: plain(placeholder, LIMITS.placeholder), ...(value ? { initial_value: value } : {}) },
  });
  const blocks: any[] = problem ? [{ type: 'section', block_id: 'problem', text: mrkdwn(`:warning: ${escapeMrkdwn(clip(problem, 2800))}`) }] : [];
  if (kind === 'caldav') {
    blocks.push(
      text(CalendarIds.serverBlock, 'Server address', values.serverUrl, 'https://caldav.fastmail.com/', 'Your provider\'s CalDAV address (iCloud: https://caldav.icloud.com/).'),
      text(CalendarIds.usernameBlock, 'User name', values.username, 'you@example.com'),
      text(CalendarIds.passwordBlock, 'App password', undefined, 'An app-specific password', 'Make an app password for this at your provider; it is stored encrypted.'),
    );
  } else {
    blocks.push(
      text(CalendarIds.feedBlock, 'Secret address in iCal format', values.url, 'https://calendar.google.com/calendar/ical/…/basic.ics', 'Google: Settings → your calendar → "Secret address in iCal format". Outlook: Publish a calendar → ICS.'),
      text(CalendarIds.feedNameBlock, 'Name', values.name, 'Work', undefined, true),
    );
  }
  return {
    type: 'modal' as const,
    callback_id: CalendarIds.connectCallback,
    private_metadata: kind,
    title: plain(kind === 'caldav' ? 'Connect CalDAV' : 'Add an iCal feed', LIMITS.modalTitle),
    submit: plain('Connect', LIMITS.modalButton),
    close: plain('Cancel', LIMITS.modalButton),
    blocks,
  };
}

export function calendarNoticeModal(title: string, text: string) {
  return {
    type: 'modal' as const,
    callback_id: `${CalendarIds.connectCallback}_done`,
    title: plain(title, LIMITS.modalTitle),
    close: plain('Close', LIMITS.modalButton),
    blocks: [{ type: 'section', block_id: 'notice', text: mrkdwn(clip(text, 2900)) }],
  };
}
