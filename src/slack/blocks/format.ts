import { formatInTimeZone } from 'date-fns-tz';

/**
 * Slack date formatting: every reader sees the time in their own zone. The fallback (for clients
 * that cannot render it, and for notifications) is in UTC.
 */
export function slackDate(date: Date, format: string, fallbackZone = 'UTC'): string {
  const seconds = Math.floor(date.getTime() / 1000);
  const fallback = formatInTimeZone(date, fallbackZone, "EEE d MMM yyyy HH:mm zzz");
  return `<!date^${seconds}^${format}|${fallback}>`;
}

/** "Monday, March 1st 2027 at 15:00–15:30" in each reader's zone. */
export function slackWhen(start: Date, end: Date): string {
  return `${slackDate(start, '{date_long_pretty} at {time}')}–${slackDate(end, '{time}')}`;
}

export function mention(userId: string): string {
  return `<@${userId}>`;
}

/**
 * Who made a change: a Slack member is mentioned; changes from elsewhere are named by where they
 * came from. The API records "api-key:<prefix>"; a guest's own pages "guest:<guest id>", named
 * here from the meeting's participants.
 */
export function actor(id: string, participants: readonly { guestId: string | null; guestName: string | null }[] = []): string {
  if (/^[UW][A-Z0-9]{2,}$/.test(id)) return mention(id);
  if (id.startsWith('api-key:')) return 'the API';
  if (id.startsWith('guest:')) {
    const guestId = id.slice('guest:'.length);
    const name = participants.find((p) => p.guestId === guestId)?.guestName;
    return `${(name ?? 'a guest').replace(/[<>&*_~`]/g, '')}${name ? ' (guest)' : ''}`;
  }
  return id.replace(/[<>&*_~`]/g, '');
}

export function minutesLabel(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `${h} h ${m} min` : `${h} h`;
}
