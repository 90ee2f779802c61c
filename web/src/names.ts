/**
 * The name to show for a call identity: a Slack member's name from the token response (the
 * identity is "slack:<member>" or, per device, "slack:<member>:<device>"), or the name a guest
 * typed, which rides in the identity as "guest:<random>:<url-encoded name>".
 */
export function displayName(identity: string, names: Record<string, string>): string {
  const member = personKey(identity);
  const known = names[member] ?? names[identity];
  if (known) return known;
  const guest = /^guest:[^:]*:(.*)$/.exec(identity);
  if (guest) {
    try {
      return decodeURIComponent(guest[1]!) || 'Guest';
    } catch {
      return 'Guest';
    }
  }
  return member.replace(/^slack:/, '');
}

/** The person behind an identity: the same for each device of one member. */
export function personKey(identity: string): string {
  const member = /^(slack:[^:]+)(?::[^:]*)?$/.exec(identity);
  return member ? member[1]! : identity;
}

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  return ((words[0]?.[0] ?? '?') + (words.length > 1 ? words[words.length - 1]![0] : '')).toUpperCase();
}

/** "Ana", "Ana and Ben", "Ana, Ben and Dana"; one person on two devices counts once. */
export function listNames(people: { identity: string; name: string }[]): string {
  const seen = new Map<string, { name: string; devices: number }>();
  for (const p of people) {
    const key = personKey(p.identity);
    const entry = seen.get(key);
    if (entry) entry.devices++;
    else seen.set(key, { name: p.name, devices: 1 });
  }
  const names = [...seen.values()].map((e) => (e.devices > 1 ? `${e.name} (on ${e.devices} devices)` : e.name));
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
