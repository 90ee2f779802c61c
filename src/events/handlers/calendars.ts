import type { AppDeps } from '../../app.js';
import { getCurrentBooking } from '../../bookings/index.js';
import { calendarsOf } from '../../calendars/service.js';
import { syncMeetingToCalendars } from '../../calendars/write-back.js';
import type { EventHandler } from '../dispatcher.js';

/**
 * Writes meetings into the calendars people chose: booking.created adds the event,
 * booking.rescheduled moves it, booking.cancelled removes it. Each delivery brings the calendars
 * in line with the meeting as it stands now (its latest booking), so a late or repeated delivery
 * does no harm; effects are recorded per event and calendar.
 */
export function calendarsEventHandler(deps: AppDeps): EventHandler | undefined {
  const service = calendarsOf(deps);
  if (!service.configured) return undefined;
  return {
    name: 'calendars',
    kinds: ['booking.created', 'booking.rescheduled', 'booking.cancelled'],
    maxAttempts: 10,
    async handle(event, effects) {
      const booking = await getCurrentBooking(deps.db, event.teamId, event.meetingId);
      if (!booking) return;
      await syncMeetingToCalendars(service, booking, effects.once.bind(effects));
    },
  };
}
