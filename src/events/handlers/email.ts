import type { AppDeps } from '../../app.js';
import { emailConfigured } from '../../config.js';
import { mailBooked, mailCancelled, mailMoved, type EmailContext } from '../../email/meeting-mail.js';
import { GuestReminderLoop } from '../../email/reminder-loop.js';
import { smtpMailer } from '../../email/transport.js';
import type { EventHandler } from '../dispatcher.js';
import type { BookingCancelledPayload, BookingRescheduledPayload } from '../outbox.js';

/**
 * Guests' email: the confirmation with the invitation when a meeting is booked, the update when
 * it moves, the cancellation; and the reminders before the start (a background job of this
 * handler). Only when SMTP_URL and MAIL_FROM are set.
 */
export function emailEventHandler(deps: AppDeps): EventHandler | undefined {
  if (!emailConfigured(deps.config)) return undefined;
  const ctx: EmailContext = {
    db: deps.db,
    config: deps.config,
    mailer: smtpMailer(deps.config.email),
    now: () => deps.now?.() ?? new Date(),
    log: console,
  };
  return {
    name: 'email',
    kinds: ['booking.created', 'booking.rescheduled', 'booking.cancelled'],
    // With the default backoff, about four hours of retries while the mail server is down.
    maxAttempts: 15,
    job: new GuestReminderLoop(ctx),
    async handle(event, effects) {
      const change = { teamId: event.teamId, meetingId: event.meetingId, bookingId: event.bookingId, eventId: event.id };
      const once = effects.once.bind(effects);
      switch (event.kind) {
        case 'booking.created':
          return mailBooked(ctx, change, once);
        case 'booking.rescheduled':
          return mailMoved(ctx, change, event.payload as BookingRescheduledPayload, once);
        case 'booking.cancelled':
          return mailCancelled(ctx, change, event.payload as BookingCancelledPayload, once);
      }
    },
  };
}
