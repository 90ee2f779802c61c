/**
 * A short random id for this tab, kept across reloads of it (sessionStorage), so one person on a
 * phone and a laptop, or in two tabs, is two participants; a reload takes over its own seat.
 */
export function deviceId(): string {
  const key = 'meetings-device';
  try {
    const kept = sessionStorage.getItem(key);
    if (kept && /^[A-Za-z0-9]{4,16}$/.test(kept)) return kept;
    const fresh = randomId();
    sessionStorage.setItem(key, fresh);
    return fresh;
  } catch {
    return randomId();
  }
}

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(4));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}
