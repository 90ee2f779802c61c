import { z } from 'zod';
import { localDateSchema } from '../core/availability/index.js';
import { personIdSchema } from '../core/bookings/schemas.js';
import { text } from '../core/input.js';
import { BookingIds } from './blocks/booking-modal.js';
import { LIMITS } from './blocks/limits.js';

/** What the booking modal carries between requests: where /meet was typed, and the meeting being moved. */
export const bookingMetadataSchema = z.object({
  /** Channel where /meet was typed (absent from App Home). */
  c: text().max(40).optional(),
  /** Rescheduling: the booking being moved. */
  r: z.uuid().optional(),
});
export type BookingMetadata = z.infer<typeof bookingMetadataSchema>;

export function encodeMetadata(value: Record<string, unknown>): string {
  const text = JSON.stringify(value);
  if (text.length > LIMITS.privateMetadata) throw new Error('private_metadata over Slack’s 3,000 characters');
  return text;
}

/** A view's state or hidden metadata that the form never sends: `errors` says which block is at fault, for `response_action: errors`. */
export class FormStateError extends Error {
  constructor(readonly errors: Record<string, string>) {
    super(Object.values(errors).join(' '));
    this.name = 'FormStateError';
  }
}

export const UNREADABLE_METADATA = 'The form’s hidden state could not be read; please open it again.';

export function decodeMetadata<T extends z.ZodType>(schema: T, text: string | undefined): z.infer<T> {
  try {
    const parsed = schema.safeParse(JSON.parse(text || '{}'));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through
  }
  throw new Error(UNREADABLE_METADATA);
}

type StateValues = Record<string, Record<string, any>>;

/** The booking modal's fields as the person left them (zod-checked: Slack view state is input like any other). */
export const bookingStateSchema = z.object({
  typeId: text().max(100).optional(),
  peopleIds: z.array(personIdSchema).max(20).default([]),
  day: localDateSchema.optional(),
  slotBlockId: text().max(255).optional(),
  start: z.iso.datetime().optional(),
  title: text().max(200).optional(),
  notes: text().max(2000).optional(),
});
export type BookingState = z.infer<typeof bookingStateSchema>;

const stateBlocks: Partial<Record<keyof BookingState, { block: string; label: string }>> = {
  typeId: { block: BookingIds.typeBlock, label: 'Meeting type' },
  peopleIds: { block: BookingIds.peopleBlock, label: 'People' },
  day: { block: BookingIds.dayBlock, label: 'Day' },
  title: { block: BookingIds.titleBlock, label: 'Title' },
  notes: { block: BookingIds.notesBlock, label: 'Notes' },
};

/** Reads the booking modal's fields; a value the form cannot have sent throws a FormStateError naming its block. */
export function readBookingState(values: StateValues | undefined): BookingState {
  const v = values ?? {};
  const slotBlockId = Object.keys(v).find((k) => k.startsWith(BookingIds.slotBlockPrefix));
  const typed = (block: string, action: string) => {
    const value = v[block]?.[action]?.value;
    return typeof value === 'string' && value.trim() ? value.trim() : undefined;
  };
  const parsed = bookingStateSchema.safeParse({
    typeId: v[BookingIds.typeBlock]?.[BookingIds.typeAction]?.selected_option?.value ?? undefined,
    peopleIds: v[BookingIds.peopleBlock]?.[BookingIds.peopleAction]?.selected_users ?? [],
    day: v[BookingIds.dayBlock]?.[BookingIds.dayAction]?.selected_date ?? undefined,
    slotBlockId,
    start: slotBlockId ? (v[slotBlockId]?.[BookingIds.slotAction]?.selected_option?.value ?? undefined) : undefined,
    title: typed(BookingIds.titleBlock, BookingIds.titleAction),
    notes: typed(BookingIds.notesBlock, BookingIds.notesAction),
  });
  if (parsed.success) return parsed.data;
  const errors: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const where = stateBlocks[issue.path[0] as keyof BookingState];
    const block = where?.block ?? slotBlockId ?? BookingIds.dayBlock;
    errors[block] ??= `${where?.label ?? 'Time'}: ${issue.message}`;
  }
  throw new FormStateError(errors);
}
