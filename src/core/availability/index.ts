export type * from './types.js';
export {
  DAY_MS,
  MINUTE_MS,
  addLocalDays,
  isValidLocalDate,
  isValidLocalTime,
  isValidTimeZone,
  localDateOf,
  localMinuteOf,
  localToUtc,
  parseLocalTime,
  startOfLocalDay,
  weekdayOf,
  type LocalDate,
} from './local-time.js';
export {
  intersectIntervals,
  intervalsOverlap,
  mergeIntervals,
  subtractIntervals,
} from './intervals.js';
export { DEFAULT_RULE_ANCHOR, parseWeeklyRRule } from './recurrence.js';
export { expandWorkingRanges, rangesForLocalDate } from './working-ranges.js';
export {
  checkSlot,
  startGridMinutes,
  computeHostSlots,
  computeSlotsAllFree,
  computeSlotsAnyFree,
  isIntervalFree,
  isSlotAvailable,
  type AvailabilityCheckQuery,
  type SlotCheck,
  type UnavailableReason,
} from './slots.js';
export {
  formatIsoInZone,
  formatLocalDay,
  formatLocalTime,
  formatSlotLabel,
  presentSlot,
  type PresentedSlot,
} from './present.js';
export { DEFAULT_SLOT_RULES, DEFAULT_WEEKLY_RULES, defaultSchedule } from './defaults.js';
export {
  dateOverrideSchema,
  hostDailyLimitSchema,
  hostScheduleSchema,
  localDateSchema,
  localRangeSchema,
  localTimeSchema,
  slotQuerySchema,
  slotRulesSchema,
  timeZoneSchema,
  weeklyRRuleSchema,
  weeklyRuleSchema,
  type DateOverrideData,
  type HostScheduleData,
  type LocalRangeData,
  type SlotQueryData,
  type SlotRulesData,
  type WeeklyRuleData,
} from './schemas.js';
