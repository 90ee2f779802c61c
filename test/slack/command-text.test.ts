import { describe, expect, it } from 'vitest';
import { parseDuration, parseMeetCommand } from '../../src/slack/command-text.js';

describe('/meet command text', () => {
  it('reads escaped mentions and a duration', () => {
    expect(parseMeetCommand('<@U0ANA|ana> <@U0BEN|ben> 30m')).toEqual({ kind: 'book', peopleIds: ['U0ANA', 'U0BEN'], durationMinutes: 30, unknown: [] });
    expect(parseMeetCommand('<@U0ANA> 1h')).toEqual({ kind: 'book', peopleIds: ['U0ANA'], durationMinutes: 60, unknown: [] });
    expect(parseMeetCommand('<@W0ANA|ana>, <@U0BEN|ben>, 45 min')).toMatchObject({ peopleIds: ['W0ANA', 'U0BEN'], durationMinutes: 45 });
  });

  it('names what it did not understand', () => {
    expect(parseMeetCommand('@ana tomorrow')).toEqual({ kind: 'book', peopleIds: [], durationMinutes: undefined, unknown: ['@ana', 'tomorrow'] });
  });

  it('knows help, list and availability', () => {
    expect(parseMeetCommand(' help ').kind).toBe('help');
    expect(parseMeetCommand('LIST').kind).toBe('list');
    expect(parseMeetCommand('availability').kind).toBe('availability');
    expect(parseMeetCommand('').kind).toBe('book');
  });

  it('parses durations and refuses nonsense', () => {
    expect(parseDuration('90')).toBe(90);
    expect(parseDuration('1h30')).toBe(90);
    expect(parseDuration('2hours')).toBe(120);
    expect(parseDuration('0m')).toBeUndefined();
    expect(parseDuration('25h')).toBeUndefined();
    expect(parseDuration('soon')).toBeUndefined();
  });
});
