import type { App } from '@slack/bolt';
import { BookingIds, slotOptionText } from '../../blocks/booking-modal.js';
import { LIMITS, option } from '../../blocks/limits.js';
import { loadBookingForm } from '../../booking-form.js';
import { situationOf, type OpenFormView } from '../../booking-form-state.js';
import type { SlackContext } from '../../context.js';
import { FormStateError } from '../../view-state.js';

/** A day with more free times than a static select holds: the slot list is an external select, filtered by what is typed. */
export function registerSlotOptions(app: App, ctx: SlackContext): void {
  app.options(BookingIds.slotAction, async ({ ack, body, client }) => {
    const b = body as any;
    const view = b.view as OpenFormView;
    let request;
    try {
      ({ request } = await situationOf(ctx, b.team?.id ?? b.user.team_id, b.user.id, view));
    } catch (error) {
      // A form state Slack could not have sent: nothing to offer.
      if (!(error instanceof FormStateError)) throw error;
      await ack({ options: [] });
      return;
    }
    const { data } = await loadBookingForm(ctx, client, request);
    const query = String(b.value ?? '').trim();
    const all = data.slots.map((s) => option(slotOptionText(s, data.booker, data.people), s.start.toISOString()));
    // "16:" means times starting at 16:…; failing that, any text that mentions it (a host's time).
    const starting = all.filter((o) => o.text.text.startsWith(query));
    const options = (starting.length ? starting : all.filter((o) => o.text.text.includes(query))).slice(0, LIMITS.staticSelectOptions);
    await ack({ options });
  });
}
