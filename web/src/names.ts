/**
 * The name to show for a call identity: a Slack member's name from the token response, or the
 * name a guest typed, which rides in the identity as "guest:<random>:<url-encoded name>".
 */
export function displayName(identity: string, names: Record<string, string>): string {
  const known = names[identity];
  if (known) return known;
  const guest = /^guest:[^:]*:(.*)$/.exec(identity);
  if (guest) {
    try {
      return decodeURIComponent(guest[1]!) || 'Guest';
    } catch {
      return 'Guest';
    }
  }
  return identity.replace(/^slack:/, '');
}

export function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  return ((words[0]?.[0] ?? '?') + (words.length > 1 ? words[words.length - 1]![0] : '')).toUpperCase();
}
