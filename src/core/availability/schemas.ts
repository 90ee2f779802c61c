import { z } from 'zod';
import { INSTANT_RANGE_MESSAGE, LOCAL_DATE_RANGE_MESSAGE, SLACK_ID_MAX_LENGTH, isInstantInRange, isLocalDateInRange, text } from '../input.js';
import { isValidLocalDate, isValidLocalTime, isValidTimeZone } from './local-time.js';
import { parseWeeklyRRule } from './recurrence.js';
import type { DateOverride, HostSchedule, LocalRange, SlotQuery, SlotRules, WeeklyRule } from './types.js';

const MAX_WINDOW_DAYS = 366;

export const localTimeSchema = text()
  .refine(isValidLocalTime, { error: 'expected a local time HH:MM between 00:00 and 23:59' });

export const localDateSchema = text()
  .refine(isValidLocalDate, { error: 'expected a real calendar date YYYY-MM-DD', abort: true })
  .refine(isLocalDateInRange, { error: LOCAL_DATE_RANGE_MESSAGE });

export const timeZoneSchema = text()
  .max(64)
  .refine(isValidTimeZone, { error: 'expected an IANA time zone such as "Europe/London"' });

/** An RRULE body that rrule parses, FREQ=WEEKLY, naming whole days only. */
export const weeklyRRuleSchema = text().max(500).superRefine((value, ctx) => {
  try {
    parseWeeklyRRule(value);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
  }
});

export const localRangeSchema = z.object({ start: localTimeSchema, end: localTimeSchema });

export const weeklyRuleSchema = z.object({
  rrule: weeklyRRuleSchema,
  start: localTimeSchema,
  end: localTimeSchema,
  anchorDate: localDateSchema.optional(),
});

export const dateOverrideSchema = z.object({
  date: localDateSchema,
  /** Empty: a day off. */
  ranges: z.array(localRangeSchema).max(48),
});

/** A person's own "at most N meetings a day" across all types; null = no limit. */
export const hostDailyLimitSchema = z.int().min(1).max(100).nullable();

export const hostScheduleSchema = z
  .object({
    hostId: text().min(1).max(SLACK_ID_MAX_LENGTH),
    timeZone: timeZoneSchema,
    rules: z.array(weeklyRuleSchema).max(100),
    overrides: z.array(dateOverrideSchema).max(2000),
    dailyLimit: hostDailyLimitSchema.optional(),
  })
  .superRefine((schedule, ctx) => {
    const seen = new Set<string>();
    schedule.overrides.forEach((o, i) => {
      if (seen.has(o.date)) {
        ctx.addIssue({ code: 'custom', path: ['overrides', i, 'date'], message: `more than one override for ${o.date}` });
      }
      seen.add(o.date);
    });
  });

const minutes = (max: number) => z.int().min(0).max(max);

export const slotRulesSchema = z.object({
  durationMinutes: z.int().min(1).max(24 * 60),
  slotIntervalMinutes: z.int().min(1).max(24 * 60),
  bufferBeforeMinutes: minutes(24 * 60),
  bufferAfterMinutes: minutes(24 * 60),
  minimumNoticeMinutes: minutes(365 * 24 * 60),
  bookingHorizonDays: z.int().min(1).max(730),
  dailyLimit: z.int().min(1).max(1000).nullable(),
});

const windowEdge = z.coerce.date().refine(isInstantInRange, INSTANT_RANGE_MESSAGE);

/** Instants accept Date objects or ISO strings. The window is at most a year long. */
export const slotQuerySchema = slotRulesSchema
  .extend({ now: z.coerce.date(), from: windowEdge, to: windowEdge })
  .superRefine((q, ctx) => {
    if (q.to.getTime() <= q.from.getTime()) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: '"to" must be after "from"' });
    } else if (q.to.getTime() - q.from.getTime() > MAX_WINDOW_DAYS * 86_400_000) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: `the window may span at most ${MAX_WINDOW_DAYS} days` });
    }
  });

export type LocalRangeData = z.infer<typeof localRangeSchema>;
export type WeeklyRuleData = z.infer<typeof weeklyRuleSchema>;
export type DateOverrideData = z.infer<typeof dateOverrideSchema>;
export type HostScheduleData = z.infer<typeof hostScheduleSchema>;
export type SlotRulesData = z.infer<typeof slotRulesSchema>;
export type SlotQueryData = z.infer<typeof slotQuerySchema>;

// The parsed data must be usable where the engine's types are expected.
type Assignable<T extends U, U> = T;
export type _SchemaChecks = [
  Assignable<LocalRangeData, LocalRange>,
  Assignable<WeeklyRuleData, WeeklyRule>,
  Assignable<DateOverrideData, DateOverride>,
  Assignable<HostScheduleData, HostSchedule>,
  Assignable<SlotRulesData, SlotRules>,
  Assignable<SlotQueryData, SlotQuery>,
];
