import { LIMITS, mrkdwn, plain } from './limits.js';

export const AVAILABILITY_CALLBACK = 'availability_form';
export const WEEKDAYS = [
  ['MO', 'Monday'],
  ['TU', 'Tuesday'],
  ['WE', 'Wednesday'],
  ['TH', 'Thursday'],
  ['FR', 'Friday'],
  ['SA', 'Saturday'],
  ['SU', 'Sunday'],
] as const;
export type Weekday = (typeof WEEKDAYS)[number][0];

export const AvailabilityIds = {
  zoneBlock: 'zone',
  zoneAction: 'zone',
  dayBlockPrefix: 'hours-',
  hoursAction: 'hours',
  daysOffBlock: 'days_off',
  daysOffAction: 'days_off',
  dailyLimitBlock: 'daily_limit',
  dailyLimitAction: 'daily_limit',
} as const;

/** The most a person may set as their own limit of meetings a day. */
export const MAX_DAILY_LIMIT = 100;

export interface AvailabilityFormView {
  timeZone: string;
  /** Per weekday, ranges like "09:00-17:00" (empty: not working). */
  hours: Record<Weekday, string[]>;
  /** Upcoming days off, "YYYY-MM-DD". */
  daysOff: string[];
  /** At most this many meetings a day, of any type; null = no limit. */
  dailyLimit: number | null;
  isDefault: boolean;
  privateMetadata: string;
}

/** Weekly hours, time zone, days off and the person's own limit of meetings a day, in one modal. */
export function availabilityModal(form: AvailabilityFormView) {
  const blocks: any[] = [
    {
      type: 'section',
      block_id: 'intro',
      text: mrkdwn(
        `${form.isDefault ? 'You have not set your hours yet, so you are bookable Monday to Friday, 9 to 5. ' : ''}Write hours as \`09:00-17:00\`; several ranges with commas (\`09:00-12:00, 13:00-17:00\`); leave a day empty for no meetings.`,
      ),
    },
    {
      type: 'input',
      block_id: AvailabilityIds.zoneBlock,
      label: plain('Time zone'),
      hint: plain('An IANA time zone, such as Europe/London or America/New_York.'),
      element: { type: 'plain_text_input', action_id: AvailabilityIds.zoneAction, initial_value: form.timeZone, max_length: 64 },
    },
    ...WEEKDAYS.map(([code, name]) => ({
      type: 'input',
      block_id: `${AvailabilityIds.dayBlockPrefix}${code}`,
      optional: true,
      label: plain(name),
      element: {
        type: 'plain_text_input',
        action_id: AvailabilityIds.hoursAction,
        max_length: 200,
        placeholder: plain('Not working'),
        ...(form.hours[code].length ? { initial_value: form.hours[code].join(', ') } : {}),
      },
    })),
    {
      type: 'input',
      block_id: AvailabilityIds.daysOffBlock,
      optional: true,
      label: plain('Days off'),
      hint: plain('One date per line (YYYY-MM-DD), or a range such as 2027-08-02..2027-08-13.'),
      element: {
        type: 'plain_text_input',
        action_id: AvailabilityIds.daysOffAction,
        multiline: true,
        max_length: 3000,
        ...(form.daysOff.length ? { initial_value: form.daysOff.join('\n').slice(0, 3000) } : {}),
      },
    },
    {
      type: 'input',
      block_id: AvailabilityIds.dailyLimitBlock,
      optional: true,
      label: plain('At most … meetings a day'),
      hint: plain('Across all meeting types; leave empty for no limit. Each meeting type may also have its own limit.'),
      element: {
        type: 'number_input',
        action_id: AvailabilityIds.dailyLimitAction,
        is_decimal_allowed: false,
        min_value: '1',
        max_value: String(MAX_DAILY_LIMIT),
        placeholder: plain('No limit'),
        ...(form.dailyLimit !== null ? { initial_value: String(form.dailyLimit) } : {}),
      },
    },
  ];
  return {
    type: 'modal' as const,
    callback_id: AVAILABILITY_CALLBACK,
    private_metadata: form.privateMetadata,
    title: plain('Your availability', LIMITS.modalTitle),
    submit: plain('Save', LIMITS.modalButton),
    close: plain('Cancel', LIMITS.modalButton),
    blocks,
  };
}
