import * as rruleNamespace from 'rrule';
import type { Options } from 'rrule';
import { DAY_MS, dayNumberOf } from './local-time.js';

// rrule ships a UMD bundle as its Node entry: under Node ESM the classes sit on `default`,
// under a bundler that reads the "module" field they are named exports.
type RRuleModule = typeof rruleNamespace;
const rrule: RRuleModule =
  (rruleNamespace as { RRule?: unknown }).RRule !== undefined
    ? rruleNamespace
    : (rruleNamespace as unknown as { default: RRuleModule }).default;
const { RRule } = rrule;

/**
 * Weekly rules carry no DTSTART. Without an `anchorDate` a rule applies to every date, its
 * INTERVAL (and the weekday of a BYDAY-less rule) counted from this Monday.
 */
export const DEFAULT_RULE_ANCHOR = '2024-01-01';

const FORBIDDEN_PARTS = ['DTSTART', 'COUNT', 'BYHOUR', 'BYMINUTE', 'BYSECOND', 'TZID'];

function stripPrefix(body: string): string {
  return body.trim().replace(/^RRULE:/i, '');
}

/**
 * Parses an RRULE body and checks that it describes whole local days, weekly: FREQ=WEEKLY,
 * no DTSTART/COUNT/BYHOUR/BYMINUTE/BYSECOND/TZID, plain weekdays in BYDAY. Throws a RangeError
 * saying what is wrong.
 */
export function parseWeeklyRRule(body: string): Partial<Options> {
  const text = stripPrefix(body);
  if (text === '') throw new RangeError('Empty RRULE: expected e.g. FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR');
  for (const part of text.split(';')) {
    const key = part.split('=')[0].trim().toUpperCase();
    if (FORBIDDEN_PARTS.includes(key)) throw new RangeError(`RRULE "${body}": ${key} is not allowed in a weekly rule`);
    if (!part.includes('=')) throw new RangeError(`RRULE "${body}": "${part}" is not NAME=VALUE`);
  }
  let options: Partial<Options>;
  try {
    options = RRule.parseString(text);
  } catch (e) {
    throw new RangeError(`RRULE "${body}": ${(e as Error).message}`);
  }
  if (options.freq !== RRule.WEEKLY) throw new RangeError(`RRULE "${body}": FREQ must be WEEKLY`);
  const days = options.byweekday;
  if (Array.isArray(days)) {
    for (const d of days) {
      if (d === null || d === undefined || (typeof d === 'object' && d.n !== undefined && d.n !== 0)) {
        throw new RangeError(`RRULE "${body}": BYDAY must list plain weekdays (MO, TU, …)`);
      }
    }
  }
  if (options.interval !== undefined && (!Number.isInteger(options.interval) || options.interval < 1)) {
    throw new RangeError(`RRULE "${body}": INTERVAL must be a positive integer`);
  }
  try {
    new RRule({ ...options, dtstart: new Date(dayNumberOf(DEFAULT_RULE_ANCHOR) * DAY_MS) });
  } catch (e) {
    throw new RangeError(`RRULE "${body}": ${(e as Error).message}`);
  }
  return options;
}

const parsed = new Map<string, Partial<Options>>();
const expansions = new Map<string, readonly number[]>();
const CACHE_LIMIT = 2000;

function remember<V>(cache: Map<string, V>, key: string, value: V): V {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
  return value;
}

/**
 * Day numbers in [fromDay, toDay] (inclusive) whose local date the weekly rule matches. With an
 * `anchorDate` ("YYYY-MM-DD", the rule's DTSTART) no earlier date matches.
 * rrule runs on "floating" dates: each local date is stood in for by its UTC midnight.
 */
export function matchingDays(body: string, fromDay: number, toDay: number, anchorDate?: string): readonly number[] {
  const key = `${body}|${anchorDate}|${fromDay}|${toDay}`;
  const hit = expansions.get(key);
  if (hit) return hit;
  const options = parsed.get(body) ?? remember(parsed, body, parseWeeklyRRule(body));
  // Moving DTSTART by whole recurrence periods keeps the same occurrences (COUNT is refused) and
  // spares rrule iterating from the anchor up to the window.
  const anchor = dayNumberOf(anchorDate ?? DEFAULT_RULE_ANCHOR);
  const period = 7 * (options.interval ?? 1);
  const periods = Math.floor((fromDay - 7 - anchor) / period);
  // An explicit anchor is where the rule begins; the default one bounds nothing.
  const start = anchor + (anchorDate === undefined ? periods : Math.max(0, periods)) * period;
  const rule = new RRule({ ...options, dtstart: new Date(start * DAY_MS) });
  const days = rule
    .between(new Date(fromDay * DAY_MS), new Date(toDay * DAY_MS), true)
    .map((d) => Math.floor(d.getTime() / DAY_MS));
  return remember(expansions, key, days);
}
