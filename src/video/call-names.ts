/**
 * Names for call identities, shared by the server (who is in the call) and the call page (bundled
 * from here): "slack:<member>" or, per device, "slack:<member>:<device>" is a Slack member whose
 * name the token answer carries; "guest:<random>:<url-encoded name>" carries the name a guest typed.
 */

/** The person behind an identity: the same for each device of one member. */
export function personKey(identity: string): string {
  const member = /^(slack:[^:]+)(?::[^:]*)?$/.exec(identity);
  return member ? member[1]! : identity;
}

/** The name to show for a call identity. */
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
