import { personKey } from '../../src/video/call-names.js';

export { displayName, personKey } from '../../src/video/call-names.js';

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
