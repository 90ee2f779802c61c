import { getBooking, memberIds, type Booking } from '../bookings/index.js';
import { slackWhen } from './blocks/format.js';
import type { BookingFormRequest } from './booking-form.js';
import type { SlackContext } from './context.js';
import { loadLineage } from '../bookings/index.js';
import { BookingIds } from './blocks/booking-modal.js';
import { FormStateError, UNREADABLE_METADATA, bookingMetadataSchema, decodeMetadata, readBookingState, type BookingMetadata, type BookingState } from './view-state.js';

export interface OpenFormView {
  id: string;
  hash: string;
  private_metadata: string;
  state?: { values: Record<string, Record<string, any>> };
}

export interface FormSituation {
  metadata: BookingMetadata;
  state: BookingState;
  /** Rescheduling: the meeting being moved. */
  moving?: Booking;
  request: BookingFormRequest;
}

/** Reads an open booking modal back into a form request (the meeting's own type and people when moving it). */
export async function situationOf(ctx: SlackContext, teamId: string, userId: string, view: OpenFormView): Promise<FormSituation> {
  let metadata: BookingMetadata;
  try {
    metadata = decodeMetadata(bookingMetadataSchema, view.private_metadata);
  } catch {
    throw new FormStateError({ [BookingIds.dayBlock]: UNREADABLE_METADATA });
  }
  const state = readBookingState(view.state?.values);
  // Moving a meeting someone else moved meanwhile moves it from where it is now.
  const lineage = metadata.r ? await loadLineage(ctx.db, teamId, metadata.r) : null;
  const moving = metadata.r ? await getBooking(ctx.db, teamId, lineage?.currentId ?? metadata.r) : undefined;
  const request: BookingFormRequest = moving
    ? {
        teamId,
        bookerId: userId,
        mode: 'reschedule',
        privateMetadata: view.private_metadata,
        typeId: moving.meetingTypeId,
        peopleIds: memberIds(moving),
        day: state.day,
        selectedStart: state.start,
        moving: { title: moving.title, when: slackWhen(moving.startsAt, moving.endsAt) },
        excludeBookingId: moving.id,
      }
    : {
        teamId,
        bookerId: userId,
        mode: 'book',
        privateMetadata: view.private_metadata,
        typeId: state.typeId,
        peopleIds: state.peopleIds,
        day: state.day,
        selectedStart: state.start,
        title: state.title,
        notes: state.notes,
      };
  return { metadata, state, moving, request };
}
