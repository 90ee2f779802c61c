import type { AppDeps } from '../../app.js';
import { endRoomOfCancelledMeeting, keepRoomOfMovedMeeting } from '../../video/room-lifecycle.js';
import { twilioCredentials } from '../../video/twilio-rooms.js';
import type { EventHandler } from '../dispatcher.js';

/**
 * The call follows the meeting: a cancelled meeting's running room is ended (everyone in it is
 * disconnected and their page says why); a moved meeting keeps its call, and a room Twilio
 * reports over is recorded. A Twilio failure throws, so the dispatcher tries again.
 */
export function videoEventHandler(deps: AppDeps): EventHandler | undefined {
  const twilio = twilioCredentials(deps.config.twilio);
  if (!twilio) return undefined;
  const lifecycle = { db: deps.db, twilio, now: deps.now };
  return {
    name: 'video',
    kinds: ['booking.cancelled', 'booking.rescheduled'],
    async handle(event) {
      const input = { teamId: event.teamId, bookingId: event.bookingId };
      if (event.kind === 'booking.cancelled') await endRoomOfCancelledMeeting(lifecycle, input);
      else await keepRoomOfMovedMeeting(lifecycle, input);
    },
  };
}
