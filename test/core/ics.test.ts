import { describe, expect, it } from 'vitest';
import ICAL from 'ical.js';
import { buildIcs } from '../../src/core/ics.js';

const base = {
  uid: '11111111-1111-4111-8111-111111111111',
  sequence: 0,
  start: new Date('2027-03-02T15:00:00Z'),
  end: new Date('2027-03-02T15:30:00Z'),
  title: 'Kick-off; planning, Q2',
  description: `Agenda\nJoin: https://meet.test/m/abc?k=${'x'.repeat(120)}`,
  cancelled: false,
  stamp: new Date('2027-03-01T08:00:00Z'),
};

describe('the .ics file (RFC 5545)', () => {
  it('is a VCALENDAR with one VEVENT, CRLF line ends, UTC times, escaped text', () => {
    const ics = buildIcs(base);
    expect(ics.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:')).toBe(true);
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(ics).toContain('METHOD:PUBLISH\r\n');
    expect(ics).toContain('UID:11111111-1111-4111-8111-111111111111@meetings-for-slack\r\n');
    expect(ics).toContain('SEQUENCE:0\r\n');
    expect(ics).toContain('DTSTAMP:20270301T080000Z\r\n');
    expect(ics).toContain('DTSTART:20270302T150000Z\r\nDTEND:20270302T153000Z\r\n');
    expect(ics).toContain('SUMMARY:Kick-off\\; planning\\, Q2\r\n');
    expect(ics).toContain('STATUS:CONFIRMED\r\n');
  });

  it('folds lines at 75 octets without splitting a character, and unfolds to the original', () => {
    const ics = buildIcs({ ...base, title: 'Ü'.repeat(100) });
    for (const line of ics.split('\r\n')) expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
    const unfolded = ics.replace(/\r\n /g, '');
    expect(unfolded).toContain(`SUMMARY:${'Ü'.repeat(100)}\r\n`);
    expect(unfolded).toContain(`DESCRIPTION:Agenda\\nJoin: https://meet.test/m/abc?k=${'x'.repeat(120)}\r\n`);
  });

  it('marks a move with a higher SEQUENCE and a cancellation with METHOD:CANCEL and STATUS:CANCELLED', () => {
    expect(buildIcs({ ...base, sequence: 2 })).toContain('SEQUENCE:2\r\n');
    const cancelled = buildIcs({ ...base, cancelled: true, sequence: 1 });
    expect(cancelled).toContain('METHOD:CANCEL\r\n');
    expect(cancelled).toContain('STATUS:CANCELLED\r\n');
  });
});

describe('the .ics invitation (RFC 5546 METHOD:REQUEST / CANCEL), read back with ical.js', () => {
  const invitation = {
    ...base,
    method: 'REQUEST' as const,
    location: `https://meet.test/m/abc?k=${'y'.repeat(150)}`,
    organizer: { name: 'Ana "the boss" Alvarez', email: 'ana@example.com' },
    attendees: [
      { name: 'Ana "the boss" Alvarez', email: 'ana@example.com', partstat: 'ACCEPTED' as const },
      { name: 'Sam Customer, Jr.', email: 'sam@example.org' },
    ],
  };

  it('names the organizer and each attendee by name, with the join link as its location', () => {
    const calendar = new ICAL.Component(ICAL.parse(buildIcs(invitation)));
    expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
    const event = calendar.getFirstSubcomponent('vevent')!;
    expect(event.getFirstPropertyValue('location')).toBe(invitation.location);
    const organizer = event.getFirstProperty('organizer')!;
    expect(organizer.getParameter('cn')).toBe("Ana 'the boss' Alvarez");
    expect(organizer.getFirstValue()).toBe('mailto:ana@example.com');
    expect(
      event.getAllProperties('attendee').map((a) => [a.getParameter('cn'), a.getFirstValue(), a.getParameter('partstat'), a.getParameter('rsvp')]),
    ).toEqual([
      ["Ana 'the boss' Alvarez", 'mailto:ana@example.com', 'ACCEPTED', 'FALSE'],
      ['Sam Customer, Jr.', 'mailto:sam@example.org', 'NEEDS-ACTION', 'FALSE'],
    ]);
    expect(event.getFirstPropertyValue('status')).toBe('CONFIRMED');
  });

  it('refuses a REQUEST without an organizer (calendars would ignore it)', () => {
    expect(() => buildIcs({ ...invitation, organizer: null })).toThrow(/organizer/);
  });

  it('cancels with METHOD:CANCEL and STATUS:CANCELLED, the method given or implied', () => {
    for (const ics of [buildIcs({ ...invitation, method: 'CANCEL', cancelled: true }), buildIcs({ ...base, cancelled: true })]) {
      const calendar = new ICAL.Component(ICAL.parse(ics));
      expect(calendar.getFirstPropertyValue('method')).toBe('CANCEL');
      expect(calendar.getFirstSubcomponent('vevent')!.getFirstPropertyValue('status')).toBe('CANCELLED');
    }
  });
});
