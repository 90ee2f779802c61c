import type { WebClient } from '@slack/web-api';
import { loadingModal, noticeModal } from './blocks/booking-modal.js';
import { loadBookingForm, type BookingForm, type BookingFormRequest } from './booking-form.js';
import type { SlackContext } from './context.js';
import { slackErrorCode } from './slack-errors.js';
import { tell } from './tell.js';
import { encodeMetadata } from './view-state.js';

/**
 * Opens the modal with the trigger at once (Slack's trigger lasts 3 seconds), showing a loading
 * view, while the free times are worked out; then fills it in with views.update.
 */
export async function openBookingModal(
  ctx: SlackContext,
  client: WebClient,
  at: { teamId: string; userId: string; triggerId: string; channelId?: string; peopleIds?: string[]; durationMinutes?: number; unknown?: string[] },
): Promise<void> {
  const { peopleIds = [], durationMinutes, unknown = [] } = at;
  const privateMetadata = encodeMetadata(at.channelId ? { c: at.channelId } : {});
  // The trigger first: its request leaves before the form's database work starts.
  const opening = client.views.open({ trigger_id: at.triggerId, view: loadingModal('book', privateMetadata) });
  const form = loadBookingForm(ctx, client, { teamId: at.teamId, bookerId: at.userId, mode: 'book', privateMetadata, peopleIds, durationMinutes }).then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  let opened: { id: string; hash: string };
  try {
    const result = await opening;
    opened = { id: result.view!.id!, hash: result.view!.hash! };
  } catch (error) {
    const code = slackErrorCode(error);
    ctx.log.warn(`Slack: views.open for /meet failed (${code ?? error})`);
    await tell(
      ctx,
      client,
      { user: at.userId, channel: at.channelId },
      code === 'expired_trigger_id'
        ? 'Slack took too long to open the booking form. Please type `/meet` again.'
        : `The booking form could not be opened (${code ?? 'Slack did not answer'}). Please try \`/meet\` again in a moment.`,
    );
    return;
  }
  const loaded = await form;
  if (!loaded.ok) {
    ctx.log.error('Slack: preparing the booking form failed', loaded.error);
    await client.views.update({ view_id: opened.id, hash: opened.hash, view: noticeModal('Book a meeting', `:warning: ${(loaded.error as Error).message}`) });
    return;
  }
  const view = loaded.value.view;
  if (unknown.length) {
    view.blocks.unshift({
      type: 'context',
      block_id: 'unknown_words',
      elements: [{ type: 'mrkdwn', text: `I did not understand “${unknown.join(' ').slice(0, 200)}”: name people with @mentions and a length like \`30m\`.` }],
    });
  }
  const updated = await client.views.update({ view_id: opened.id, hash: opened.hash, view });
  redrawWhenCalendarsAnswer(ctx, client, loaded.value, { teamId: at.teamId, bookerId: at.userId, mode: 'book', privateMetadata, peopleIds, durationMinutes }, updated.view);
}

/** Longest wait for a slow calendar before the modal's second update is given up. */
const CALENDAR_REDRAW_LIMIT_MS = 20_000;

/**
 * The modal was filled while some calendars were still being read: when they answer, it is drawn
 * again with their busy time (unless the person changed it meanwhile: then the hash no longer
 * matches, and their change redraws it anyway). Never awaited by the Slack request.
 */
export function redrawWhenCalendarsAnswer(
  ctx: SlackContext,
  client: WebClient,
  form: BookingForm,
  request: BookingFormRequest,
  shown: { id?: string; hash?: string } | undefined,
): void {
  if (!form.calendarsPending || !shown?.id || !shown.hash) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), CALENDAR_REDRAW_LIMIT_MS)));
  void Promise.race([form.calendarsPending.then(() => 'in' as const), limit])
    .then(async (outcome) => {
      clearTimeout(timer);
      if (outcome === 'late') return;
      const again = await loadBookingForm(ctx, client, { ...request, day: form.data.day, typeId: form.data.typeId });
      await client.views.update({ view_id: shown.id!, hash: shown.hash!, view: again.view });
    })
    .catch((error) => {
      if (slackErrorCode(error) !== 'hash_conflict') ctx.log.warn(`Slack: could not redraw the booking form after its calendars answered (${slackErrorCode(error) ?? error})`);
    });
}
