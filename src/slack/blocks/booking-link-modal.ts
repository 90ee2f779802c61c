import type { BookingLink } from '../../bookings/index.js';
import { LIMITS, clip, escapeMrkdwn, mrkdwn, option, plain } from './limits.js';

export const BOOKING_LINK_CALLBACK = 'booking_link';

export const BookingLinkIds = {
  typeBlock: 'link_type',
  typeAction: 'link_type_select',
  hostsBlock: 'link_hosts',
  hostsAction: 'link_hosts_select',
  modeBlock: 'link_mode',
  modeAction: 'link_mode_radio',
  titleBlock: 'link_title',
  titleAction: 'link_title_input',
  slugBlock: 'link_slug',
  slugAction: 'link_slug_input',
  questionsBlock: 'link_questions',
  questionsAction: 'link_questions_input',
  notesBlock: 'link_notes',
  notesAction: 'link_notes_check',
  channelBlock: 'link_channel',
  channelAction: 'link_channel_select',
} as const;

export const BookingLinkActions = {
  toggle: 'booking_link_toggle',
  create: 'booking_link_create',
} as const;

export const MODE_WORDS = {
  one: 'One person',
  all: 'All of them (everyone must be free)',
  any: 'Any of them, taking turns (round robin)',
} as const;

/** The modal that publishes a meeting type as a public booking page. */
export function bookingLinkModal(input: { types: { id: string; name: string }[]; userId: string; privateMetadata: string }) {
  const typeOptions = input.types.slice(0, LIMITS.staticSelectOptions).map((t) => option(t.name, t.id));
  const modeOptions = (Object.keys(MODE_WORDS) as (keyof typeof MODE_WORDS)[]).map((m) => ({ text: plain(MODE_WORDS[m], LIMITS.optionText), value: m }));
  return {
    type: 'modal' as const,
    callback_id: BOOKING_LINK_CALLBACK,
    private_metadata: input.privateMetadata,
    title: plain('New booking link', LIMITS.modalTitle),
    submit: plain('Publish', LIMITS.modalButton),
    close: plain('Cancel', LIMITS.modalButton),
    blocks: [
      {
        type: 'section',
        block_id: 'link_intro',
        text: mrkdwn('A public page where people outside Slack book a meeting with you (or your team) at free times. You can turn it off at any time.'),
      },
      {
        type: 'input',
        block_id: BookingLinkIds.typeBlock,
        label: plain('Meeting type', LIMITS.inputLabel),
        element: { type: 'static_select', action_id: BookingLinkIds.typeAction, options: typeOptions, ...(typeOptions[0] ? { initial_option: typeOptions[0] } : {}) },
      },
      {
        type: 'input',
        block_id: BookingLinkIds.hostsBlock,
        label: plain('Hosts', LIMITS.inputLabel),
        element: { type: 'multi_users_select', action_id: BookingLinkIds.hostsAction, initial_users: [input.userId], max_selected_items: 20 },
      },
      {
        type: 'input',
        block_id: BookingLinkIds.modeBlock,
        label: plain('Who is booked', LIMITS.inputLabel),
        element: { type: 'radio_buttons', action_id: BookingLinkIds.modeAction, options: modeOptions, initial_option: modeOptions[0] },
        hint: plain('With several hosts: everyone together, or whoever is free with the fewest bookings from this link that month.'),
      },
      {
        type: 'input',
        block_id: BookingLinkIds.titleBlock,
        optional: true,
        label: plain('Title on the page', LIMITS.inputLabel),
        element: { type: 'plain_text_input', action_id: BookingLinkIds.titleAction, max_length: 120, placeholder: plain('The meeting type’s name', LIMITS.placeholder) },
      },
      {
        type: 'input',
        block_id: BookingLinkIds.slugBlock,
        optional: true,
        label: plain('Address', LIMITS.inputLabel),
        element: { type: 'plain_text_input', action_id: BookingLinkIds.slugAction, max_length: 60, placeholder: plain('intro-call', LIMITS.placeholder) },
        hint: plain('The end of the page’s address: lowercase letters, digits and hyphens. Left empty, it is made from the title.'),
      },
      {
        type: 'input',
        block_id: BookingLinkIds.notesBlock,
        optional: true,
        label: plain('Questions', LIMITS.inputLabel),
        element: {
          type: 'checkboxes',
          action_id: BookingLinkIds.notesAction,
          options: [{ text: plain('Ask for notes (“Anything we should know beforehand?”)', LIMITS.optionText), value: 'notes' }],
          initial_options: [{ text: plain('Ask for notes (“Anything we should know beforehand?”)', LIMITS.optionText), value: 'notes' }],
        },
        hint: plain('Name and email are always asked.'),
      },
      {
        type: 'input',
        block_id: BookingLinkIds.questionsBlock,
        optional: true,
        label: plain('Your own questions', LIMITS.inputLabel),
        element: { type: 'plain_text_input', action_id: BookingLinkIds.questionsAction, multiline: true, max_length: 1200, placeholder: plain('Company *\nWhat would you like to discuss? (long)', LIMITS.placeholder) },
        hint: plain('Up to five, one per line. End a line with * to make it required; add (long) for a few lines of answer.'),
      },
      {
        type: 'input',
        block_id: BookingLinkIds.channelBlock,
        optional: true,
        label: plain('Post bookings in a channel', LIMITS.inputLabel),
        element: { type: 'conversations_select', action_id: BookingLinkIds.channelAction, filter: { include: ['public', 'private'], exclude_bot_users: true } },
        hint: plain('The hosts always hear of each booking by direct message. Invite me to the channel with /invite @Meetings.'),
      },
    ],
  };
}

/** One line per link: where it is, what it books, whether it is on; a button to turn it off or on. */
export function bookingLinkRows(links: (BookingLink & { url: string; typeName: string })[]): any[] {
  return links.map((link) => (
    {
      type: 'section',
      block_id: `link_${link.id}`,
      text: mrkdwn(
        clip(
          `${link.active ? ':large_green_circle:' : ':white_circle: _off_'} *${escapeMrkdwn(link.title ?? link.typeName)}*  <${link.url}|${escapeMrkdwn(link.url.replace(/^https?:\/\//, ''))}>\n` +
            `${escapeMrkdwn(link.typeName)} · ${link.hostIds.map((id) => `<@${id}>`).join(link.mode === 'any' ? ' or ' : ' and ')}` +
            `${link.hostIds.length > 1 ? ` (${link.mode === 'any' ? 'taking turns' : 'all together'})` : ''}` +
            `${link.slackChannelId ? ` · bookings in <#${link.slackChannelId}>` : ''}`,
          LIMITS.sectionText,
        ),
      ),
      accessory: {
        type: 'button',
        action_id: BookingLinkActions.toggle,
        value: JSON.stringify({ id: link.id, on: !link.active }),
        text: plain(link.active ? 'Turn off' : 'Turn on', LIMITS.buttonText),
        ...(link.active ? { style: 'danger' } : {}),
      },
    }));
}
