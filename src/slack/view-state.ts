import { z } from 'zod';
import { BookingIds } from './blocks/booking-modal.js';
import { LIMITS } from './blocks/limits.js';

/** What the booking modal carries between requests: where /meet was typed, and the meeting being moved. */
export const bookingMetadataSchema = z.object({
  /** Channel where /meet was typed (absent from App Home). */
  c: z.string().max(40).optional(),
  /** Rescheduling: the booking being moved. */
  r: z.uuid().optional(),
});
export type BookingMetadata = z.infer<typeof bookingMetadataSchema>;

export function encodeMetadata(value: Record<string, unknown>): string {
  const text = JSON.stringify(value);
  if (text.length > LIMITS.privateMetadata) throw new Error('private_metadata over Slack’s 3,000 characters');
  return text;
}

export function decodeMetadata<T extends z.ZodType>(schema: T, text: string | undefined): z.infer<T> {
  try {
    const parsed = schema.safeParse(JSON.parse(text || '{}'));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through
  }
  throw new Error('The form’s hidden state could not be read; please open it again.');
}

type StateValues = Record<string, Record<string, any>>;

/** The booking modal's fields as the person left them (zod-checked: Slack view state is input like any other). */
export const bookingStateSchema = z.object({
  typeId: z.string().optional(),
  peopleIds: z.array(z.string().regex(/^[UW][A-Z0-9]+$/)).max(20).default([]),
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).optional(),
  slotBlockId: z.string().optional(),
  start: z.iso.datetime().optional(),
  title: z.string().max(200).optional(),
  notes: z.string().max(2000).optional(),
});
export type BookingState = z.infer<typeof bookingStateSchema>;

export function readBookingState(values: StateValues | undefined): BookingState {
  const v = values ?? {};
  const slotBlockId = Object.keys(v).find((k) => k.startsWith(BookingIds.slotBlockPrefix));
  const text = (block: string, action: string) => {
    const value = v[block]?.[action]?.value;
    return typeof value === 'string' && value.trim() ? value.trim() : undefined;
  };
  return bookingStateSchema.parse({
    typeId: v[BookingIds.typeBlock]?.[BookingIds.typeAction]?.selected_option?.value ?? undefined,
    peopleIds: v[BookingIds.peopleBlock]?.[BookingIds.peopleAction]?.selected_users ?? [],
    day: v[BookingIds.dayBlock]?.[BookingIds.dayAction]?.selected_date ?? undefined,
    slotBlockId,
    start: slotBlockId ? (v[slotBlockId]?.[BookingIds.slotAction]?.selected_option?.value ?? undefined) : undefined,
    title: text(BookingIds.titleBlock, BookingIds.titleAction),
    notes: text(BookingIds.notesBlock, BookingIds.notesAction),
  });
}
