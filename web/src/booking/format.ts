import { dateOf, zoneName } from './zones.js';

/** Words for days and times in the visitor's locale (12- or 24-hour as the locale has it). */
export class Formats {
  private readonly time: Intl.DateTimeFormat;
  private readonly dayLong: Intl.DateTimeFormat;
  private readonly dayShort: Intl.DateTimeFormat;
  private readonly monthYear: Intl.DateTimeFormat;
  private readonly weekday: Intl.DateTimeFormat;
  private readonly dateLong: Intl.DateTimeFormat;

  constructor(
    readonly locale: string,
    readonly zone: string,
  ) {
    this.time = new Intl.DateTimeFormat(locale, { timeZone: zone, hour: hourStyle(locale), minute: '2-digit' });
    this.dateLong = new Intl.DateTimeFormat(locale, { timeZone: zone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
    // Day keys are UTC dates: format them in UTC.
    this.dayLong = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
    this.dayShort = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short' });
    this.monthYear = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', month: 'long', year: 'numeric' });
    this.weekday = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', weekday: 'short' });
  }

  /** "10:00" or "10:00 AM". */
  timeOf(instant: number): string {
    return this.time.format(instant);
  }

  /** "Monday, 1 March 2027" of a day key. */
  day(key: string): string {
    return this.dayLong.format(dateOf(key));
  }

  /** "Mon, 1 Mar" of a day key. */
  shortDay(key: string): string {
    return this.dayShort.format(dateOf(key));
  }

  /** "March 2027". */
  month(key: string): string {
    return this.monthYear.format(dateOf(key));
  }

  /** "Mon". */
  weekdayName(key: string): string {
    return this.weekday.format(dateOf(key));
  }

  /** "Monday, 1 March 2027, 10:00 – 10:30 (Europe/London)". */
  span(start: number, end: number): string {
    return `${this.dateLong.format(start)}, ${this.timeOf(start)} – ${this.timeOf(end)} (${zoneName(this.zone)})`;
  }
}

/** "09:00" where the locale counts 24 hours, "9:00 AM" where it counts 12. */
export function hourStyle(locale: string): 'numeric' | '2-digit' {
  const cycle = new Intl.DateTimeFormat(locale, { hour: 'numeric' }).resolvedOptions().hourCycle;
  return cycle === 'h23' || cycle === 'h24' ? '2-digit' : 'numeric';
}
