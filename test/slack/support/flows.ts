import { expect } from 'vitest';
import { listBookings, type Booking } from '../../../src/bookings/index.js';
import type { FakeSlack } from './fake-slack.js';
import { TEAM, eventsSettled, type SlackTestApp } from './slack-app.js';
import { sendCommand, sendInteraction, userOf, viewPayload } from './slack-requests.js';

export const slotOptions = (view: any): any[] => view.blocks.find((b: any) => b.block_id?.startsWith('slot-'))?.element.options ?? [];

/** `/meet` with `text`, then a day picked, as Slack would send them; returns the modal's id and its view with that day's slots. */
export async function openBookingDay(
  t: SlackTestApp,
  slack: FakeSlack,
  input: { user: string; text: string; day: string; channel?: string },
): Promise<{ viewId: string; dayView: any }> {
  slack.clearCalls();
  await sendCommand(t.app, { team_id: TEAM, user_id: input.user, channel_id: input.channel ?? 'C0GENERAL', text: input.text });
  const filled = await slack.waitFor('views.update', (b) => b.view?.blocks?.some((x: any) => x.block_id === 'day'));
  const viewId = filled.body.view_id;
  slack.clearCalls();
  await sendInteraction(t.app, {
    type: 'block_actions',
    team: { id: TEAM },
    user: userOf(TEAM, input.user),
    trigger_id: 't',
    view: viewPayload(filled.body.view, viewId, filled.body.hash, { day: { selected_date: input.day } }),
    actions: [{ type: 'datepicker', action_id: 'booking_day', block_id: 'day', selected_date: input.day }],
  });
  return { viewId, dayView: (await slack.waitFor('views.update')).body.view };
}

/** `/meet` with `text`, then a day, then the slot starting at `start`, as Slack would send them; returns the booking and its posted message. */
export async function bookThroughSlack(
  t: SlackTestApp,
  slack: FakeSlack,
  input: { user: string; text: string; day: string; start: string; title?: string; channel?: string },
): Promise<{ booking: Booking; message: Record<string, any> }> {
  const { viewId, dayView } = await openBookingDay(t, slack, input);
  const slot = slotOptions(dayView).find((o) => o.value === input.start);
  expect(slot, `slot ${input.start} offered`).toBeDefined();
  slack.clearCalls();
  const response = await sendInteraction(t.app, {
    type: 'view_submission',
    team: { id: TEAM },
    user: userOf(TEAM, input.user),
    view: viewPayload(dayView, viewId, 'h-submit', { 'slot-*': { selected_option: slot }, ...(input.title ? { title: { value: input.title } } : {}) }),
  });
  expect(await response.text()).toBe('');
  const message = await slack.waitFor('chat.postMessage', (b) => b.channel === (input.channel ?? 'C0GENERAL') || /^U/.test(String(b.channel)) && Boolean(b.blocks?.some((x: any) => x.block_id === 'meeting_actions')));
  await eventsSettled(t);
  await slack.settle();
  const found = (await listBookings(t.handle.db, TEAM, { personId: input.user, status: 'confirmed', from: new Date(input.start), to: new Date(new Date(input.start).getTime() + 60_000) })).bookings;
  expect(found).toHaveLength(1);
  return { booking: found[0]!, message: message.body };
}

/** A button on the meeting message, clicked by `user` in `channel`. */
export function clickMeetingButton(t: SlackTestApp, input: { user: string; actionId: string; bookingId: string; channel?: string; ts?: string }) {
  return sendInteraction(t.app, {
    type: 'block_actions',
    team: { id: TEAM },
    user: userOf(TEAM, input.user),
    trigger_id: `trigger-${input.actionId}-${input.user}`,
    channel: { id: input.channel ?? 'C0GENERAL', name: 'general' },
    container: { type: 'message', message_ts: input.ts ?? '1.1', channel_id: input.channel ?? 'C0GENERAL' },
    message: { ts: input.ts ?? '1.1' },
    actions: [{ type: 'button', action_id: input.actionId, block_id: 'meeting_actions', value: input.bookingId }],
  });
}
