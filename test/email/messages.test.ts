import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { cancellationEmail } from '../../src/email/cancellation.js';
import { startsIn, type GuestMailInput } from '../../src/email/guest-mail.js';
import { invitationEmail } from '../../src/email/invitation.js';
import { reminderEmail } from '../../src/email/reminder.js';
import { guestTime } from '../../src/email/when.js';

const at = (iso: string) => new Date(iso);

describe('a meeting’s time as a guest reads it', () => {
  it('is in their zone with its offset, or in UTC said plainly when their zone is unknown (or not a zone)', () => {
    expect(guestTime(at('2027-07-01T08:00:00Z'), at('2027-07-01T08:45:00Z'), 'Asia/Kolkata')).toEqual({
      long: 'Thursday, 1 July 2027, 13:30–14:15 (Kolkata time, UTC+05:30)',
      short: 'Thu 1 Jul, 13:30 Kolkata time',
    });
    for (const zone of [null, undefined, 'Not/AZone']) {
      expect(guestTime(at('2027-07-01T08:00:00Z'), at('2027-07-01T08:45:00Z'), zone)).toEqual({
        long: 'Thursday, 1 July 2027, 08:00–08:45 UTC (UTC+00:00)',
        short: 'Thu 1 Jul, 08:00 UTC',
        zoneNote: 'Times are in UTC (Coordinated Universal Time, offset +00:00), because we do not know your time zone.',
      });
    }
    expect(guestTime(at('2027-07-01T08:00:00Z'), at('2027-07-01T08:45:00Z'), 'UTC').long).toBe('Thursday, 1 July 2027, 08:00–08:45 UTC (UTC+00:00)');
  });

  it('names both days across local midnight, and both offsets across a clock change', () => {
    expect(guestTime(at('2027-03-02T14:30:00Z'), at('2027-03-02T15:30:00Z'), 'Asia/Tokyo').long).toBe(
      'Tuesday, 2 March 2027, 23:30 – Wednesday, 3 March 2027, 00:30 (Tokyo time, UTC+09:00)',
    );
    // New York springs forward at 02:00 on 14 March 2027: 01:30 EST is followed an hour later by 03:30 EDT.
    expect(guestTime(at('2027-03-14T06:30:00Z'), at('2027-03-14T07:30:00Z'), 'America/New_York').long).toBe(
      'Sunday, 14 March 2027, 01:30–03:30 (New York time, UTC-05:00 until UTC-04:00)',
    );
  });

  it('counts down to the start in words', () => {
    const start = at('2027-03-02T14:00:00Z');
    expect(startsIn(start, at('2027-03-02T13:59:00Z'))).toBe('in 1 minute');
    expect(startsIn(start, at('2027-03-02T13:01:00Z'))).toBe('in 59 minutes');
    expect(startsIn(start, at('2027-03-02T13:00:00Z'))).toBe('in 1 hour');
    expect(startsIn(start, at('2027-03-02T11:00:00Z'))).toBe('in about 3 hours');
  });
});

const input: GuestMailInput = {
  meeting: {
    meetingId: '11111111-1111-4111-8111-111111111111',
    title: 'Review <b>Q2</b>',
    notes: 'Line one\nLine "two" & <three>',
    startsAt: at('2027-03-02T14:00:00Z'),
    endsAt: at('2027-03-02T14:30:00Z'),
    sequence: 3,
  },
  organizer: { name: 'Ana Alvarez', email: null },
  people: [
    { name: 'Ana Alvarez', email: null, role: 'organizer', guestId: null },
    { name: 'Sam <Customer>', email: 'sam@example.org', role: 'guest', guestId: 'g-1' },
  ],
  guest: { guestId: 'g-1', name: 'Sam <Customer>', email: 'sam@example.org', timeZone: 'Europe/Paris' },
  links: { join: 'https://meet.test/m/b?k=a.b', manage: 'https://meet.test/book/manage/c.d' },
  sender: { name: 'Meetings', address: 'meetings@meet.test' },
  now: at('2027-03-01T08:00:00Z'),
};

function eventOf(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  return { calendar, event: calendar.getFirstSubcomponent('vevent')! };
}

describe('the guest email builders', () => {
  it('escape everything a person typed in the HTML, and keep it as typed in the text', () => {
    for (const email of [invitationEmail(input), cancellationEmail(input, { reason: 'Too <late>', by: 'You' }), reminderEmail(input)]) {
      expect(email.html).not.toMatch(/<b>|<three>|<Customer>|<late>/);
      expect(email.html).toContain('Review &lt;b&gt;Q2&lt;/b&gt;');
      expect(email.text).toContain('Review <b>Q2</b>');
      expect(email.to).toEqual({ name: 'Sam <Customer>', address: 'sam@example.org' });
    }
    expect(invitationEmail(input).html).toContain('Line one<br>Line &quot;two&quot; &amp; &lt;three&gt;');
  });

  it('make the invitation the organizer’s even when their address is unknown, through MAIL_FROM, and leave out who has no address', () => {
    const email = invitationEmail(input);
    expect(email.replyTo).toBeUndefined();
    const { event } = eventOf(email.calendar!.content);
    expect(event.getFirstProperty('organizer')!.getParameter('cn')).toBe('Ana Alvarez');
    expect(event.getFirstPropertyValue('organizer')).toBe('mailto:meetings@meet.test');
    expect(event.getAllProperties('attendee').map((a) => a.getFirstValue())).toEqual(['mailto:sam@example.org']);
    expect(event.getFirstPropertyValue('sequence')).toBe(3);
  });

  it('say what changed in an update, and who changed it', () => {
    const email = invitationEmail(input, { previousStartsAt: at('2027-03-01T14:00:00Z'), previousEndsAt: at('2027-03-01T14:30:00Z'), by: 'You' });
    expect(email.subject).toBe('Moved: Review <b>Q2</b>, now Tue 2 Mar, 15:00 Paris time');
    expect(email.text).toContain('You moved Review <b>Q2</b> to a new time.');
    expect(email.text).toContain('Now: Tuesday, 2 March 2027, 15:00–15:30 (Paris time, UTC+01:00)\nWas: Monday, 1 March 2027, 15:00–15:30 (Paris time, UTC+01:00)');
    expect(email.calendar!.method).toBe('REQUEST');
  });

  it('cancel with a SEQUENCE above the last invitation’s, no join link, and the reason', () => {
    const email = cancellationEmail(input, { reason: null });
    expect(email.text).toContain('Review <b>Q2</b> was cancelled.');
    expect(email.text).not.toContain('Reason');
    expect(email.text).not.toContain(input.links.join);
    const { calendar, event } = eventOf(email.calendar!.content);
    expect(calendar.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(event.getFirstPropertyValue('sequence')).toBe(4);
    expect(event.getFirstPropertyValue('location')).toBeNull();
    expect(event.getFirstPropertyValue('uid')).toBe(`${input.meeting.meetingId}@meetings-for-slack`);
  });
});
