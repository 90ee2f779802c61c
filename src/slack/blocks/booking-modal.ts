import { formatInTimeZone } from 'date-fns-tz';
import { LIMITS, clip, escapeMrkdwn, mrkdwn, option, plain } from './limits.js';
import { minutesLabel } from './format.js';

export const BOOKING_CALLBACK = 'booking_form';
export const BookingIds = {
  typeBlock: 'type',
  typeAction: 'booking_type',
  peopleBlock: 'people',
  peopleAction: 'booking_people',
  dayBlock: 'day',
  dayAction: 'booking_day',
  slotBlockPrefix: 'slot-',
  slotAction: 'booking_slot',
  nextDayAction: 'booking_next_day',
  titleBlock: 'title',
  titleAction: 'title',
  notesBlock: 'notes',
  notesAction: 'notes',
} as const;

export interface FormPerson {
  id: string;
  name: string;
  timeZone: string;
}

export interface BookingFormView {
  /** What the modal does: book a new meeting, or move an existing one (type and people fixed). */
  mode: 'book' | 'reschedule';
  privateMetadata: string;
  booker: FormPerson;
  types: { id: string; name: string; durationMinutes: number }[];
  typeId: string;
  /** Everyone in the meeting, the booker included. */
  people: FormPerson[];
  /** "YYYY-MM-DD" in the booker's zone. */
  day: string;
  slots: { start: Date; end: Date }[];
  /** The next day (after `day`) with a free slot, when `day` has none. */
  nextDay?: string | null;
  selectedStart?: string;
  title?: string;
  notes?: string;
  /** Shown under the slot list, e.g. that the chosen time was just taken. */
  slotHint?: string;
  /** Something about the people that needs fixing (a bot, a deactivated account). */
  peopleProblem?: string;
  /** Reschedule: the meeting being moved, described. */
  moving?: { title: string; when: string };
  /** Calendars whose busy time the slots do not have (could not be read, or still being read). */
  calendarNotes?: { person: string; calendar: string; reason: string; pending: boolean }[];
}

/** The first view, opened at once with the trigger while the free times are worked out. */
export function loadingModal(mode: 'book' | 'reschedule', privateMetadata: string) {
  return {
    type: 'modal' as const,
    callback_id: BOOKING_CALLBACK,
    private_metadata: privateMetadata,
    title: plain(mode === 'book' ? 'Book a meeting' : 'Move meeting', LIMITS.modalTitle),
    close: plain('Cancel', LIMITS.modalButton),
    blocks: [{ type: 'section', block_id: 'loading', text: mrkdwn(':hourglass_flowing_sand: Finding free times…') }],
  };
}

/** Slack's view of a message in a modal: a simple one-section modal with a close button. */
export function noticeModal(title: string, text: string) {
  return {
    type: 'modal' as const,
    title: plain(title, LIMITS.modalTitle),
    close: plain('Close', LIMITS.modalButton),
    blocks: [{ type: 'section', text: mrkdwn(text) }],
  };
}

/**
 * The slot block's id names what the slots were computed for, so a changed list is a new block
 * and Slack drops a selection that no longer exists.
 */
export function slotBlockId(form: Pick<BookingFormView, 'typeId' | 'people' | 'day'>): string {
  const key = `${form.typeId}|${form.people.map((p) => p.id).join(',')}|${form.day}`;
  let h = 0;
  for (const ch of key) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return `${BookingIds.slotBlockPrefix}${form.day}-${(h >>> 0).toString(36)}`;
}

/** "09:30–10:00 · Ben 04:30 · Cal 15:00": the booker's time, then each host's where it differs. */
export function slotOptionText(slot: { start: Date; end: Date }, booker: FormPerson, people: FormPerson[]): string {
  const tz = booker.timeZone;
  const nextDay = formatInTimeZone(slot.end, tz, 'yyyy-MM-dd') !== formatInTimeZone(slot.start, tz, 'yyyy-MM-dd');
  let text = `${formatInTimeZone(slot.start, tz, 'HH:mm')}–${formatInTimeZone(slot.end, tz, 'HH:mm')}${nextDay ? ' (+1)' : ''}`;
  const mine = formatInTimeZone(slot.start, tz, 'yyyy-MM-dd HH:mm');
  for (const p of people) {
    if (p.id === booker.id) continue;
    const theirs = formatInTimeZone(slot.start, p.timeZone, 'yyyy-MM-dd HH:mm');
    if (theirs === mine) continue;
    const dayShift = theirs.slice(0, 10) === mine.slice(0, 10) ? '' : ` ${formatInTimeZone(slot.start, p.timeZone, 'EEE')}`;
    text += ` · ${firstName(p.name)}${dayShift} ${theirs.slice(11)}`;
  }
  return clip(text, LIMITS.optionText);
}

export function firstName(name: string): string {
  return clip(name.trim().split(/\s+/)[0] || name, 20);
}

export function bookingModal(form: BookingFormView) {
  const type = form.types.find((t) => t.id === form.typeId);
  const blocks: any[] = [];
  if (form.mode === 'reschedule' && form.moving) {
    blocks.push({
      type: 'section',
      block_id: 'moving',
      text: mrkdwn(`Moving *${escapeMrkdwn(form.moving.title)}* (${form.moving.when}) with ${form.people.map((p) => `<@${p.id}>`).join(', ')}.`),
    });
  } else {
    const types = form.types.slice(0, LIMITS.staticSelectOptions);
    const typeOptions = types.map((t) => option(`${t.name} (${minutesLabel(t.durationMinutes)})`, t.id));
    blocks.push({
      type: 'input',
      block_id: BookingIds.typeBlock,
      dispatch_action: true,
      label: plain('Meeting type'),
      element: {
        type: 'static_select',
        action_id: BookingIds.typeAction,
        options: typeOptions,
        ...(typeOptions.find((o) => o.value === form.typeId) ? { initial_option: typeOptions.find((o) => o.value === form.typeId) } : {}),
      },
    });
    blocks.push({
      type: 'input',
      block_id: BookingIds.peopleBlock,
      dispatch_action: true,
      label: plain('People to meet'),
      hint: plain('You are always in the meeting.'),
      element: {
        type: 'multi_users_select',
        action_id: BookingIds.peopleAction,
        initial_users: form.people.map((p) => p.id),
        max_selected_items: 21,
      },
    });
    if (form.peopleProblem) blocks.push({ type: 'context', block_id: 'people_problem', elements: [mrkdwn(`:warning: ${form.peopleProblem}`)] });
  }
  blocks.push({
    type: 'input',
    block_id: BookingIds.dayBlock,
    dispatch_action: true,
    label: plain('Day'),
    element: { type: 'datepicker', action_id: BookingIds.dayAction, initial_date: form.day },
  });

  const zones = zoneLine(form.booker, form.people);
  if (form.slots.length === 0) {
    const dayLabel = formatDay(form.day);
    blocks.push({
      type: 'section',
      block_id: 'no_slots',
      text: mrkdwn(
        `:no_entry_sign: No free ${type ? minutesLabel(type.durationMinutes) : ''} slot on ${dayLabel} for everyone.` +
          (form.nextDay ? ` The next day with one is *${formatDay(form.nextDay)}*.` : ' There is none within the booking horizon.'),
      ),
      ...(form.nextDay
        ? { accessory: { type: 'button', action_id: BookingIds.nextDayAction, value: form.nextDay, text: plain(`Show ${formatDay(form.nextDay)}`, LIMITS.buttonText) } }
        : {}),
    });
  } else {
    const options = form.slots.map((s) => option(slotOptionText(s, form.booker, form.people), s.start.toISOString()));
    const selected = options.find((o) => o.value === form.selectedStart);
    // More than a static select can hold: an external select, filtered by what the booker types.
    const element =
      options.length > LIMITS.staticSelectOptions
        ? { type: 'external_select', action_id: BookingIds.slotAction, min_query_length: 0, placeholder: plain('Type a time, e.g. 14:'), ...(selected ? { initial_option: selected } : {}) }
        : { type: 'static_select', action_id: BookingIds.slotAction, placeholder: plain('Pick a time'), options, ...(selected ? { initial_option: selected } : {}) };
    blocks.push({
      type: 'input',
      block_id: slotBlockId(form),
      label: plain(`Free times (${form.slots.length})`),
      hint: plain(form.slotHint ?? `Times in your zone, ${form.booker.timeZone}.`),
      element,
    });
  }
  if (zones) blocks.push({ type: 'context', block_id: 'zones', elements: [mrkdwn(zones)] });
  const calendars = calendarNoteText(form.calendarNotes ?? []);
  if (calendars) blocks.push({ type: 'context', block_id: 'calendar_notes', elements: [mrkdwn(calendars)] });
  if (form.mode === 'book') {
    blocks.push({
      type: 'input',
      block_id: BookingIds.titleBlock,
      optional: true,
      label: plain('Title'),
      element: {
        type: 'plain_text_input',
        action_id: BookingIds.titleAction,
        max_length: 200,
        placeholder: plain(type ? type.name : 'Meeting'),
        ...(form.title ? { initial_value: form.title } : {}),
      },
    });
    blocks.push({
      type: 'input',
      block_id: BookingIds.notesBlock,
      optional: true,
      label: plain('Notes'),
      element: { type: 'plain_text_input', action_id: BookingIds.notesAction, multiline: true, max_length: 2000, ...(form.notes ? { initial_value: form.notes } : {}) },
    });
  }
  return {
    type: 'modal' as const,
    callback_id: BOOKING_CALLBACK,
    private_metadata: form.privateMetadata,
    title: plain(form.mode === 'book' ? 'Book a meeting' : 'Move meeting', LIMITS.modalTitle),
    submit: plain(form.mode === 'book' ? 'Book' : 'Move', LIMITS.modalButton),
    close: plain('Cancel', LIMITS.modalButton),
    blocks,
  };
}

/** Which calendars the times may clash with, and why: one line each, the first few. */
function calendarNoteText(notes: NonNullable<BookingFormView['calendarNotes']>): string | undefined {
  if (notes.length === 0) return undefined;
  const shown = notes.slice(0, 5).map((n) =>
    n.pending
      ? `:hourglass_flowing_sand: Still reading ${escapeMrkdwn(n.person)}'s calendar “${escapeMrkdwn(n.calendar)}”; the times will update when it answers.`
      : `:warning: Could not read ${escapeMrkdwn(n.person)}'s calendar “${escapeMrkdwn(n.calendar)}” (${escapeMrkdwn(n.reason)}); these times may clash with it.`,
  );
  if (notes.length > 5) shown.push(`…and ${notes.length - 5} more calendars.`);
  return clip(shown.join('\n'), 2000);
}

function zoneLine(booker: FormPerson, people: FormPerson[]): string | undefined {
  const others = people.filter((p) => p.id !== booker.id && p.timeZone !== booker.timeZone);
  if (others.length === 0) return undefined;
  return clip(`Times are yours (${booker.timeZone}); beside them: ${others.map((p) => `${escapeMrkdwn(p.name)} (${p.timeZone})`).join(', ')}.`, 2000);
}

/** "Tue 3 Mar" for a local date. */
export function formatDay(day: string): string {
  return formatInTimeZone(new Date(`${day}T12:00:00Z`), 'UTC', 'EEE d MMM');
}
