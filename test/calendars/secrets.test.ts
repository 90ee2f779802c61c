import { describe, expect, it } from 'vitest';
import { openSecret, sealSecret, SecretsKeyMissingError, SecretUnreadableError } from '../../src/calendars/secrets.js';

const KEY = 'first-key-0123456789abcdefghijklmnopqrstuv';
const OLD = 'older-key-0123456789abcdefghijklmnopqrstuv';

describe('calendar credentials at rest', () => {
  it('seals and opens a value for its row; the sealed text shows nothing of it', async () => {
    const sealed = await sealSecret(KEY, 'T1/acct-1', { password: 'hunter2-app-password' });
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('hunter2');
    expect(await openSecret(KEY, 'T1/acct-1', sealed)).toEqual({ password: 'hunter2-app-password' });
    expect(await sealSecret(KEY, 'T1/acct-1', { password: 'hunter2-app-password' })).not.toBe(sealed);
  });

  it('does not open for another row, with another key, or altered', async () => {
    const sealed = await sealSecret(KEY, 'T1/acct-1', { token: 'x' });
    await expect(openSecret(KEY, 'T2/acct-1', sealed)).rejects.toThrow(SecretUnreadableError);
    await expect(openSecret(OLD, 'T1/acct-1', sealed)).rejects.toThrow(/no longer lists/);
    const parts = sealed.split('.');
    parts[3] = parts[3]!.slice(0, -2) + (parts[3]!.endsWith('AA') ? 'BA' : 'AA');
    await expect(openSecret(KEY, 'T1/acct-1', parts.join('.'))).rejects.toThrow(SecretUnreadableError);
  });

  it('rotates: the first key seals, any listed key opens', async () => {
    const old = await sealSecret(OLD, 'T1/a', 'v');
    expect(await openSecret(`${KEY},${OLD}`, 'T1/a', old)).toBe('v');
    const fresh = await sealSecret(`${KEY},${OLD}`, 'T1/a', 'v');
    expect(await openSecret(KEY, 'T1/a', fresh)).toBe('v');
  });

  it('refuses to seal without SECRETS_KEY', async () => {
    await expect(sealSecret(undefined, 'T1/a', 'v')).rejects.toThrow(SecretsKeyMissingError);
  });
});
