import { describe, expect, it } from 'vitest';
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
