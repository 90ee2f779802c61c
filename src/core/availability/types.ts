/** A weekly working range in the host's own time zone. */
export interface WeeklyRule {
  /** RFC 5545 RRULE body without DTSTART, e.g. "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR". */
  rrule: string;
  /** Local start "HH:MM". */
  start: string;
  /**
   * Local end "HH:MM"; "23:59" means the end of the day; an end before the start crosses midnight;
   * an end equal to the start makes an empty range (00:00–00:00 is no time at all, not a whole day).
   */
  end: string;
  /**
   * Optional local date "YYYY-MM-DD" the rule starts on (its DTSTART): no earlier date matches,
   * and INTERVAL counts from it. Without it the rule has no start and INTERVAL counts from
   * 2024-01-01.
   */
  anchorDate?: string;
}

export interface LocalRange {
  start: string;
  end: string;
}

/** Replaces the weekly rules on one local date: other hours, or an empty list for a day off. */
export interface DateOverride {
  /** Local date "YYYY-MM-DD". */
  date: string;
  ranges: LocalRange[];
}

export interface HostSchedule {
  hostId: string;
  /** IANA time zone, e.g. "Europe/London". */
  timeZone: string;
  rules: WeeklyRule[];
  overrides: DateOverride[];
  /** The person's own limit: most meetings (of any type) on one local day; null or absent = no limit. */
  dailyLimit?: number | null;
}

export interface Interval {
  start: Date;
  end: Date;
}

/**
 * Time the host is busy: an existing confirmed booking, with the buffers it was booked with
 * (minutes), or (`external`) an event in one of the host's own calendars, which blocks time (the
 * new meeting's buffers still apply around it) but is not a meeting a daily limit counts.
 */
export interface BusyInterval extends Interval {
  bufferBeforeMinutes?: number;
  bufferAfterMinutes?: number;
  /** The booking's meeting type, which a type's daily limit counts. */
  meetingTypeId?: string;
  external?: boolean;
}

export interface SlotRules {
  durationMinutes: number;
  /**
   * Minutes between slot starts. Within each free stretch (a working range less busy time and
   * buffers) the first start is the stretch's start rounded up on the host's local clock to a
   * grid dividing this interval (the largest of 60, 30, 20, 15, 10 and 5 that does; 1 minute
   * when none does); then one every interval.
   */
  slotIntervalMinutes: number;
  bufferBeforeMinutes: number;
  bufferAfterMinutes: number;
  minimumNoticeMinutes: number;
  /** How many days ahead of `now` a slot may start. */
  bookingHorizonDays: number;
  /**
   * Most bookings of this type a host may have on one local day; null = no limit. Counts the busy
   * intervals whose `meetingTypeId` is `meetingTypeId` below (every busy interval when it is absent).
   */
  dailyLimit: number | null;
  /** The type being booked. */
  meetingTypeId?: string;
}

export interface SlotQuery extends SlotRules {
  now: Date;
  /** Window to search, UTC instants (inclusive start, exclusive end): a slot is in it when its start is. */
  from: Date;
  to: Date;
}

export interface HostAvailabilityInput {
  schedule: HostSchedule;
  busy: BusyInterval[];
}

export interface Slot {
  start: Date;
  end: Date;
  /** Hosts free for the whole slot. */
  hostIds: string[];
}
