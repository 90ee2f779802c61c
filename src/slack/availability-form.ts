import type { WebClient } from '@slack/web-api';
import { getSchedule, replaceSchedule } from '../bookings/index.js';
import { addLocalDays, isValidLocalDate, isValidTimeZone, localDateOf, type DateOverride, type HostSchedule, type WeeklyRule } from '../core/availability/index.js';
import { LOCAL_DATE_RANGE_MESSAGE, isLocalDateInRange } from '../core/input.js';
import { withTeam } from '../db/tenant.js';
import { AvailabilityIds, MAX_DAILY_LIMIT, WEEKDAYS, availabilityModal, type Weekday } from './blocks/availability-modal.js';
import type { SlackContext } from './context.js';
import { slackErrorCode } from './slack-errors.js';
import { tell } from './tell.js';

const RANGE = /^([01]\d|2[0-3]):([0-5]\d)\s*[-–]\s*([01]\d|2[0-3]|24):([0-5]\d)$/;
const MAX_DAYS_OFF = 366;

/** Opens the availability modal with the person's current hours. */
export async function openAvailabilityModal(ctx: SlackContext, client: WebClient, at: { teamId: string; userId: string; triggerId: string; channelId?: string }): Promise<void> {
  // The person must be on record (with their Slack time zone) before they have a schedule.
  await ctx.people.one(client, at.teamId, at.userId);
  const schedule = await withTeam(ctx.db, at.teamId, (tx) => getSchedule(tx, at.userId));
  const view = availabilityModal({ ...scheduleToForm(schedule, localDateOf(ctx.now(), schedule.timeZone)), isDefault: schedule.isDefault, privateMetadata: '' });
  try {
    await client.views.open({ trigger_id: at.triggerId, view });
  } catch (error) {
    const code = slackErrorCode(error);
    await tell(ctx, client, { user: at.userId, channel: at.channelId }, code === 'expired_trigger_id' ? 'Slack took too long to open the form. Please try again.' : `The form could not be opened (${code ?? 'no answer from Slack'}).`);
  }
}

/** An override without working time: no ranges, or only zero-length ones (00:00–00:00, as the API may set). */
function isDayOff(override: DateOverride): boolean {
  return override.ranges.every((r) => r.start === r.end && r.end !== '23:59');
}

export function scheduleToForm(schedule: HostSchedule, today: string): { timeZone: string; hours: Record<Weekday, string[]>; daysOff: string[]; dailyLimit: number | null } {
  const hours = Object.fromEntries(WEEKDAYS.map(([code]) => [code, [] as string[]])) as Record<Weekday, string[]>;
  for (const rule of schedule.rules) {
    const days = /BYDAY=([A-Z,]+)/.exec(rule.rrule)?.[1]?.split(',') ?? [];
    for (const d of days) if (d in hours) hours[d as Weekday].push(`${rule.start}-${rule.end === '23:59' ? '24:00' : rule.end}`);
  }
  for (const list of Object.values(hours)) list.sort();
  const daysOff = schedule.overrides.filter((o) => isDayOff(o) && o.date >= today).map((o) => o.date);
  return { timeZone: schedule.timeZone, hours, daysOff, dailyLimit: schedule.dailyLimit ?? null };
}

export type FieldErrors = Record<string, string>;

/** Reads the submitted form into a schedule, or the errors to show on its fields. */
export function formToSchedule(
  values: Record<string, Record<string, { value?: string | null }>>,
  current: HostSchedule,
  today: string,
): { ok: true; schedule: { timeZone: string; rules: WeeklyRule[]; overrides: DateOverride[]; dailyLimit: number | null } } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const timeZone = (values[AvailabilityIds.zoneBlock]?.[AvailabilityIds.zoneAction]?.value ?? '').trim();
  if (!isValidTimeZone(timeZone)) errors[AvailabilityIds.zoneBlock] = 'Not a time zone I know. Use an IANA name such as Europe/London.';
  const byRange = new Map<string, Weekday[]>();
  for (const [code, name] of WEEKDAYS) {
    const block = `${AvailabilityIds.dayBlockPrefix}${code}`;
    const text = (values[block]?.[AvailabilityIds.hoursAction]?.value ?? '').trim();
    if (!text) continue;
    for (const part of text.split(/[,;]\s*/).filter(Boolean)) {
      const m = RANGE.exec(part.trim());
      if (!m) {
        errors[block] = `“${part}” is not a range like 09:00-17:00.`;
        break;
      }
      const start = `${m[1]}:${m[2]}`;
      const end = m[3] === '24' ? '23:59' : `${m[3]}:${m[4]}`;
      if (end <= start) {
        errors[block] = `${name}: the range ${part} ends before it starts.`;
        break;
      }
      const key = `${start}-${end}`;
      byRange.set(key, [...(byRange.get(key) ?? []), code]);
    }
  }
  const rules: WeeklyRule[] = [...byRange].map(([key, days]) => {
    const [start, end] = key.split('-') as [string, string];
    return { rrule: `FREQ=WEEKLY;BYDAY=${days.join(',')}`, start, end };
  });
  const daysOff = new Set<string>();
  const offText = values[AvailabilityIds.daysOffBlock]?.[AvailabilityIds.daysOffAction]?.value ?? '';
  for (const line of offText.split(/[\n,]+/).map((l) => l.trim()).filter(Boolean)) {
    const [from, to] = line.split(/\s*\.\.\s*|\s+to\s+/);
    if (!from || !isValidLocalDate(from) || (to !== undefined && !isValidLocalDate(to)) || (to !== undefined && to < from)) {
      errors[AvailabilityIds.daysOffBlock] = `“${line}” is not a date (YYYY-MM-DD) or a range (YYYY-MM-DD..YYYY-MM-DD).`;
      break;
    }
    if (!isLocalDateInRange(from) || (to !== undefined && !isLocalDateInRange(to))) {
      errors[AvailabilityIds.daysOffBlock] = `“${line}”: days off ${LOCAL_DATE_RANGE_MESSAGE}.`;
      break;
    }
    for (let d = from; d <= (to ?? from); d = addLocalDays(d, 1)) {
      daysOff.add(d);
      if (daysOff.size > MAX_DAYS_OFF) {
        errors[AvailabilityIds.daysOffBlock] = `At most ${MAX_DAYS_OFF} days off at once.`;
        break;
      }
    }
  }
  const limitText = (values[AvailabilityIds.dailyLimitBlock]?.[AvailabilityIds.dailyLimitAction]?.value ?? '').trim();
  let dailyLimit: number | null = null;
  if (limitText) {
    dailyLimit = /^\d{1,3}$/.test(limitText) ? Number(limitText) : Number.NaN;
    if (!(dailyLimit >= 1 && dailyLimit <= MAX_DAILY_LIMIT)) {
      errors[AvailabilityIds.dailyLimitBlock] = `A whole number from 1 to ${MAX_DAILY_LIMIT}, or empty for no limit.`;
    }
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  // Days off replace the upcoming days off; past ones and days with special hours stay as they were.
  const kept = current.overrides.filter((o) => !isDayOff(o) || o.date < today).filter((o) => !daysOff.has(o.date));
  const overrides = [...kept, ...[...daysOff].map((date) => ({ date, ranges: [] }))].sort((a, b) => a.date.localeCompare(b.date));
  return { ok: true, schedule: { timeZone, rules, overrides, dailyLimit } };
}

export async function saveAvailability(ctx: SlackContext, teamId: string, userId: string, values: Record<string, Record<string, { value?: string | null }>>): Promise<FieldErrors | null> {
  return withTeam(ctx.db, teamId, async (tx) => {
    const current = await getSchedule(tx, userId);
    const parsed = formToSchedule(values, current, localDateOf(ctx.now(), current.timeZone));
    if (!parsed.ok) return parsed.errors;
    await replaceSchedule(tx, teamId, userId, parsed.schedule);
    return null;
  });
}
