/**
 * Dates in a time zone with nothing but Intl: a day is a "YYYY-MM-DD" key in the chosen zone;
 * the calendar walks days as UTC dates, which have no DST.
 */

const dayFormats = new Map<string, Intl.DateTimeFormat>();

function dayFormat(zone: string): Intl.DateTimeFormat {
  let f = dayFormats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    dayFormats.set(zone, f);
  }
  return f;
}

function parts(instant: number, zone: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of dayFormat(zone).formatToParts(instant)) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out;
}

/** The local day of an instant in the zone. */
export function dayKeyOf(instant: number, zone: string): string {
  const p = parts(instant, zone);
  return keyOf(Date.UTC(p.year!, p.month! - 1, p.day!));
}

/** The zone's offset from UTC at an instant, in minutes. */
export function offsetMinutes(instant: number, zone: string): number {
  const p = parts(instant, zone);
  const wall = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour! % 24, p.minute!);
  return Math.round((wall - Math.floor(instant / 60_000) * 60_000) / 60_000);
}

/** "2027-03-01" of a UTC date. */
export function keyOf(utcMidnight: number): string {
  return new Date(utcMidnight).toISOString().slice(0, 10);
}

/** The UTC midnight of a day key (for walking days). */
export function dateOf(key: string): number {
  return Date.UTC(Number(key.slice(0, 4)), Number(key.slice(5, 7)) - 1, Number(key.slice(8, 10)));
}

export function addDays(key: string, days: number): string {
  return keyOf(dateOf(key) + days * 86_400_000);
}

export function addMonths(key: string, months: number): string {
  const d = new Date(dateOf(key));
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return keyOf(target.getTime());
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(key: string): number {
  return new Date(dateOf(key)).getUTCDay();
}

/** The first day of the week the locale uses: 1 = Monday … 7 = Sunday. */
export function firstDayOfWeek(locale: string): number {
  try {
    const l = new Intl.Locale(locale) as Intl.Locale & { getWeekInfo?: () => { firstDay: number }; weekInfo?: { firstDay: number } };
    return l.getWeekInfo?.().firstDay ?? l.weekInfo?.firstDay ?? 1;
  } catch {
    return 1;
  }
}

export function startOfWeek(key: string, firstDay: number): string {
  const back = (weekdayOf(key) - (firstDay % 7) + 7) % 7;
  return addDays(key, -back);
}

/** The browser's zone, if the runtime names one it knows. */
export function detectedZone(): string | undefined {
  try {
    const found = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const zone = found && RENAMED[found] && isZone(RENAMED[found]) ? RENAMED[found] : found;
    return zone && isZone(zone) ? zone : undefined;
  } catch {
    return undefined;
  }
}

export function isZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Zones ICU still lists under their old names, by the names people know them by now. */
const RENAMED: Record<string, string> = {
  'Asia/Calcutta': 'Asia/Kolkata',
  'Asia/Saigon': 'Asia/Ho_Chi_Minh',
  'Asia/Katmandu': 'Asia/Kathmandu',
  'Asia/Rangoon': 'Asia/Yangon',
  'Europe/Kiev': 'Europe/Kyiv',
  'Atlantic/Faeroe': 'Atlantic/Faroe',
  'America/Godthab': 'America/Nuuk',
  'Pacific/Ponape': 'Pacific/Pohnpei',
  'Pacific/Truk': 'Pacific/Chuuk',
};

/** Every zone the browser knows, UTC first. */
export function allZones(): string[] {
  const list = (Intl as typeof Intl & { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  const names = list.map((z) => (RENAMED[z] && isZone(RENAMED[z]) ? RENAMED[z] : z));
  return ['UTC', ...[...new Set(names)].filter((z) => z !== 'UTC').sort()];
}

/** "GMT+05:30". */
export function offsetLabel(instant: number, zone: string): string {
  const m = offsetMinutes(instant, zone);
  const abs = Math.abs(m);
  return `GMT${m < 0 ? '−' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export function zoneName(zone: string): string {
  return zone.replace(/_/g, ' ');
}
