import { describe, expect, it } from 'vitest';
import { availabilityModal, WEEKDAYS } from '../../src/slack/blocks/availability-modal.js';
import { bookingModal, loadingModal, noticeModal, slotOptionText, type BookingFormView } from '../../src/slack/blocks/booking-modal.js';
import { cancelModal } from '../../src/slack/blocks/cancel-modal.js';
import { helpMessage } from '../../src/slack/blocks/help.js';
import { LIMITS, clip, limitViolations } from '../../src/slack/blocks/limits.js';
import { cancelledNotice, meetingMessage, personalMeetingMessage, ticketLine } from '../../src/slack/blocks/meeting-message.js';
import { webhookCreatedModal, webhookFormModal, webhookHomeBlocks, endpointDisabledMessage } from '../../src/slack/blocks/webhooks.js';
import { homeView } from '../../src/slack/home.js';
import { encodeMetadata } from '../../src/slack/view-state.js';

const long = (n: number) => 'Ü'.repeat(n);
const people = Array.from({ length: 21 }, (_, i) => ({ id: `U0P${String(i).padStart(3, '0')}`, name: `${long(40)} Person${i}`, timeZone: ['Asia/Kolkata', 'America/Los_Angeles', 'Pacific/Auckland'][i % 3]! }));

function form(over: Partial<BookingFormView> = {}): BookingFormView {
  const start = Date.parse('2027-03-01T00:00:00Z');
  return {
    mode: 'book',
    privateMetadata: encodeMetadata({ c: 'C0GENERAL' }),
    booker: people[0]!,
    types: Array.from({ length: 130 }, (_, i) => ({ id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, name: long(80), durationMinutes: 5 + i })),
    typeId: '00000000-0000-4000-8000-000000000003',
    people,
    day: '2027-03-01',
    slots: Array.from({ length: 288 }, (_, i) => ({ start: new Date(start + i * 300_000), end: new Date(start + i * 300_000 + 1_800_000) })),
    title: long(200),
    notes: long(2000),
    ...over,
  };
}

const booking = {
  id: '11111111-1111-4111-8111-111111111111',
  title: long(200),
  notes: long(3000),
  startsAt: new Date('2027-03-02T15:00:00Z'),
  endsAt: new Date('2027-03-02T15:30:00Z'),
  durationMinutes: 30,
  organizerId: 'U0P000',
  status: 'confirmed' as const,
  cancelReason: null,
  cancelledBy: null,
  rescheduledToId: null,
  participants: [
    ...people.map((p, i) => ({ id: `p${i}`, role: (i === 0 ? 'organizer' : 'host') as 'organizer' | 'host', slackUserId: p.id, guestName: null, guestEmail: null, guestId: null, guestTimeZone: null })),
    ...Array.from({ length: 20 }, (_, i) => ({ id: `g${i}`, role: 'guest' as const, slackUserId: null, guestName: long(200), guestEmail: null, guestId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, guestTimeZone: null })),
  ],
};

describe('Block Kit builders stay inside Slack’s limits', () => {
  it('the booking modal, even with 130 types, 21 people, 288 slots and the longest texts', () => {
    const view = bookingModal(form());
    expect(limitViolations(view, 'modal')).toEqual([]);
    const types = view.blocks.find((b: any) => b.block_id === 'type').element;
    expect(types.options).toHaveLength(LIMITS.staticSelectOptions);
    // More slots than a static select holds: an external select instead.
    expect(view.blocks.find((b: any) => b.block_id.startsWith('slot-')).element.type).toBe('external_select');
  });

  it('uses a static select for up to 100 slots, and shows each host’s local time', () => {
    const view = bookingModal(form({ slots: form().slots.slice(0, 100), people: people.slice(0, 3) }));
    expect(limitViolations(view, 'modal')).toEqual([]);
    const slot = view.blocks.find((b: any) => b.block_id.startsWith('slot-')).element;
    expect(slot.type).toBe('static_select');
    expect(slot.options).toHaveLength(100);
  });

  it('names other people’s local times and days beside the booker’s', () => {
    const ana = { id: 'U0ANA', name: 'Ana Alvarez', timeZone: 'Europe/London' };
    const ben = { id: 'U0BEN', name: 'Ben Brown', timeZone: 'America/New_York' };
    const cal = { id: 'U0CAL', name: 'Cal', timeZone: 'Asia/Tokyo' };
    const text = slotOptionText({ start: new Date('2027-03-01T16:00:00Z'), end: new Date('2027-03-01T16:30:00Z') }, ana, [ana, ben, cal]);
    expect(text).toBe('16:00–16:30 · Ben 11:00 · Cal Tue 01:00');
    expect(slotOptionText({ start: new Date('2027-03-01T16:00:00Z'), end: new Date('2027-03-01T16:30:00Z') }, ana, [ana, { ...ben, timeZone: 'Europe/London' }])).toBe('16:00–16:30');
  });

  it('the reschedule modal, the loading and notice modals', () => {
    expect(limitViolations(bookingModal(form({ mode: 'reschedule', moving: { title: long(200), when: 'x' } })), 'modal')).toEqual([]);
    expect(limitViolations(bookingModal(form({ slots: [], nextDay: '2027-03-02' })), 'modal')).toEqual([]);
    expect(limitViolations(loadingModal('book', '{}'), 'modal')).toEqual([]);
    expect(limitViolations(noticeModal(long(100), long(5000)), 'modal')).toEqual([]);
  });

  it('the meeting message, confirmed, in progress, ended and cancelled, with 41 participants and long notes', () => {
    const url = `https://meet.test/slack/ics/${booking.id}.ics?t=T&k=${'x'.repeat(43)}`;
    expect(limitViolations(meetingMessage({ booking, calendarUrl: url, notice: long(500) }), 'message')).toEqual([]);
    expect(limitViolations(meetingMessage({ booking, calendarUrl: url, room: { status: 'in-progress', startedAt: new Date(), endedAt: null, durationSeconds: null } }), 'message')).toEqual([]);
    expect(limitViolations(meetingMessage({ booking: { ...booking, status: 'cancelled', cancelledBy: 'U0P001', cancelReason: long(1000) }, calendarUrl: url }), 'message')).toEqual([]);
    expect(limitViolations(personalMeetingMessage({ booking, joinUrl: `https://meet.test/m/${booking.id}?k=${'x'.repeat(300)}`, calendarUrl: url, lead: 'Booked:' }), 'message')).toEqual([]);
    expect(limitViolations(cancelledNotice({ ...booking, status: 'cancelled', cancelReason: long(1000), cancelledBy: 'U0P001' }), 'message')).toEqual([]);
  });

  it('the cancel and availability modals, help and App Home', () => {
    expect(limitViolations(cancelModal({ title: long(200), startsAt: booking.startsAt, endsAt: booking.endsAt, privateMetadata: '{}' }), 'modal')).toEqual([]);
    const hours = Object.fromEntries(WEEKDAYS.map(([c]) => [c, Array.from({ length: 30 }, () => '09:00-17:00')])) as any;
    expect(limitViolations(availabilityModal({ timeZone: 'Europe/London', hours, daysOff: Array.from({ length: 400 }, () => '2027-03-01'), dailyLimit: 100, isDefault: true, privateMetadata: '' }), 'modal')).toEqual([]);
    expect(limitViolations(helpMessage(), 'message')).toEqual([]);
    const row = { type: 'section', text: { type: 'mrkdwn', text: 'x' } };
    const rows = Array.from({ length: 40 }, (_, i) => ({ ...row, block_id: `r${i}` }));
    expect(limitViolations(homeView({ today: rows, todayMore: true, week: rows.map((r, i) => ({ ...r, block_id: `w${i}` })), weekMore: true, hoursText: long(2000) }), 'home')).toEqual([]);
  });

  it('the ticket line: a link that cannot be broken out of, or just the id', () => {
    expect(ticketLine({ externalRefId: 'HD-1', externalRefUrl: 'https://x.example/t?a=1&b=<2>|3' })).toBe(':ticket: <https://x.example/t?a=1&amp;b=&lt;2&gt;%7C3|Ticket HD-1>');
    expect(ticketLine({ externalRefId: 'A|B <c>', externalRefUrl: null })).toBe(':ticket: Ticket A¦B &lt;c&gt;');
    expect(ticketLine({ externalRefId: null, externalRefUrl: null })).toBeUndefined();
    const url = `https://meet.test/slack/ics/${booking.id}.ics`;
    const withTicket = meetingMessage({ booking: { ...booking, externalRefId: long(200), externalRefUrl: `https://x.example/${'a'.repeat(1900)}` }, calendarUrl: url });
    expect(limitViolations(withTicket, 'message')).toEqual([]);
    expect(withTicket.blocks.find((b: any) => b.block_id === 'details').text.text).toContain(':ticket: <https://x.example/');
  });

  it('the webhooks section of the App Home (20 endpoints beside 60 meetings), its form and its messages', () => {
    const endpoints = Array.from({ length: 20 }, (_, i) => ({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      teamId: 'T0',
      url: `https://hooks.example.com/${'p'.repeat(1900)}/${i}`,
      description: long(200),
      eventTypes: ['booking.created', 'booking.rescheduled', 'booking.cancelled', 'meeting.started', 'meeting.ended'] as any,
      status: (i % 2 ? 'disabled' : 'enabled') as 'enabled' | 'disabled',
      disabledAt: null,
      disabledReason: i % 2 ? long(1000) : null,
      failingSince: i % 4 === 0 ? new Date() : null,
      createdBy: { kind: 'slack' as const, id: 'U0ANA' },
      notifySlackUserId: 'U0ANA',
      createdAt: new Date(),
      updatedAt: new Date(),
    }));
    const last = new Map(endpoints.map((e) => [e.id, { id: 'd', endpointId: e.id, eventId: 1, messageId: 'msg_1', eventType: 'booking.created', status: 'failed' as const, attempts: 8, nextAttemptAt: null, lastStatusCode: 500, lastError: long(2000), deliveredAt: null, createdAt: new Date() }]));
    const row = { type: 'section', text: { type: 'mrkdwn', text: 'x' } };
    const rows = Array.from({ length: 30 }, (_, i) => ({ ...row, block_id: `r${i}` }));
    const home = homeView({ today: rows, todayMore: true, week: rows.map((r, i) => ({ ...r, block_id: `w${i}` })), weekMore: true, hoursText: long(2000), webhooks: webhookHomeBlocks(endpoints, last) });
    expect(limitViolations(home, 'home')).toEqual([]);
    expect(limitViolations(webhookFormModal(), 'modal')).toEqual([]);
    expect(limitViolations(webhookCreatedModal(endpoints[0]!, 'whsec_' + 'x'.repeat(44)), 'modal')).toEqual([]);
    expect(limitViolations(endpointDisabledMessage(endpoints[1]!), 'message')).toEqual([]);
  });

  it('the checker itself catches what it should', () => {
    expect(limitViolations({ type: 'modal', title: { text: long(25) }, blocks: [] }, 'modal')).toEqual([expect.stringContaining('modal title')]);
    expect(limitViolations({ blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) }, 'message')).toEqual([expect.stringContaining('51 blocks')]);
    const options = Array.from({ length: 101 }, (_, i) => ({ text: { type: 'plain_text', text: `o${i}` }, value: `${i}` }));
    expect(limitViolations({ blocks: [{ type: 'actions', elements: [{ type: 'static_select', options }] }] }, 'message')[0]).toContain('101 options');
    expect(limitViolations({ private_metadata: 'x'.repeat(3001), type: 'modal', title: { text: 'ok' }, blocks: [] }, 'modal')[0]).toContain('private_metadata');
    expect(limitViolations({ blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }] }, 'message')[0]).toContain('section text');
    expect(clip('abcdef', 4)).toBe('abc…');
    expect(() => encodeMetadata({ x: 'y'.repeat(3000) })).toThrow(/3,000/);
  });
});
