/** What `/meet …` asks for. */
export type MeetCommand =
  | { kind: 'help' }
  | { kind: 'list' }
  | { kind: 'availability' }
  | { kind: 'link' }
  | { kind: 'links' }
  | { kind: 'book'; peopleIds: string[]; durationMinutes?: number; unknown: string[] };

const SUBCOMMANDS: Record<string, MeetCommand['kind']> = {
  help: 'help',
  '?': 'help',
  list: 'list',
  upcoming: 'list',
  availability: 'availability',
  hours: 'availability',
  settings: 'availability',
  link: 'link',
  'new-link': 'link',
  links: 'links',
};

/**
 * Parses the command text. People come as Slack escapes them (`<@U0ANA|ana>`, the manifest turns
 * escaping on); a duration as `30m`, `45 min`, `1h`, `1h30` or `90`.
 */
export function parseMeetCommand(text: string): MeetCommand {
  const trimmed = text.trim();
  const sub = SUBCOMMANDS[trimmed.toLowerCase()];
  if (sub && sub !== 'book') return { kind: sub } as MeetCommand;
  const peopleIds: string[] = [];
  const unknown: string[] = [];
  let durationMinutes: number | undefined;
  const rest = trimmed.replace(/<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g, (_, id: string) => {
    if (!peopleIds.includes(id)) peopleIds.push(id);
    return ' ';
  });
  const tokens = rest.replace(/(\d)\s+(m|min|mins|minutes|h|hr|hrs|hours?)\b/gi, '$1$2').split(/[\s,]+/).filter(Boolean);
  for (const token of tokens) {
    const minutes = parseDuration(token);
    if (minutes !== undefined) durationMinutes = minutes;
    else unknown.push(token);
  }
  return { kind: 'book', peopleIds, durationMinutes, unknown };
}

export function parseDuration(token: string): number | undefined {
  const t = token.toLowerCase();
  let m = /^(\d{1,3})(?:m|min|mins|minutes)?$/.exec(t);
  if (m) return bounded(Number(m[1]));
  m = /^(\d{1,2})(?:h|hr|hrs|hour|hours)(?:(\d{1,2})(?:m|min)?)?$/.exec(t);
  if (m) return bounded(Number(m[1]) * 60 + Number(m[2] ?? 0));
  return undefined;
}

function bounded(minutes: number): number | undefined {
  return minutes > 0 && minutes <= 24 * 60 ? minutes : undefined;
}
