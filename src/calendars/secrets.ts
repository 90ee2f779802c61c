/**
 * Calendar credentials at rest: AES-256-GCM with a key derived (HKDF-SHA-256) from SECRETS_KEY.
 * A sealed value is `v1.<key id>.<iv>.<ciphertext>` (base64url), and the row it belongs to is the
 * additional data, so a value copied onto another account or team does not open. SECRETS_KEY may
 * list several keys, comma separated: the first seals, any of them opens (rotation). WebCrypto
 * only, so it runs wherever the API does.
 */
import { base64urlDecode, base64urlEncode } from '../video/links.js';

export class SecretsKeyMissingError extends Error {
  constructor() {
    super('Calendars are not configured: set SECRETS_KEY (32 or more random characters) to connect calendars');
    this.name = 'SecretsKeyMissingError';
  }
}

/** A sealed value that no configured key opens (SECRETS_KEY changed), or that was altered. */
export class SecretUnreadableError extends Error {
  constructor(reason: string) {
    super(`The stored calendar credentials cannot be read (${reason}); connect the calendar again`);
    this.name = 'SecretUnreadableError';
  }
}

interface Key {
  id: string;
  key: CryptoKey;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const derived = new Map<string, Promise<Key>>();

function deriveKey(secret: string): Promise<Key> {
  let key = derived.get(secret);
  if (!key) {
    key = (async () => {
      const material = await crypto.subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveKey']);
      const aes = await crypto.subtle.deriveKey(
        { name: 'HKDF', hash: 'SHA-256', salt: encoder.encode('meetings-for-slack/calendar-secrets'), info: encoder.encode('aes-256-gcm v1') },
        material,
        { name: 'AES-GCM', length: 256 },
        false,
        ['encrypt', 'decrypt'],
      );
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(`key-id:${secret}`)));
      return { id: base64urlEncode(digest.slice(0, 6)), key: aes };
    })();
    derived.set(secret, key);
  }
  return key;
}

function keysOf(secretsKey: string | undefined): string[] {
  const keys = (secretsKey ?? '').split(',').map((k) => k.trim()).filter(Boolean);
  if (keys.length === 0) throw new SecretsKeyMissingError();
  return keys;
}

/** Seals `value` (any JSON) for the row named by `context` (e.g. "T0123/<account id>"). */
export async function sealSecret(secretsKey: string | undefined, context: string, value: unknown): Promise<string> {
  const { id, key } = await deriveKey(keysOf(secretsKey)[0]!);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(context) }, key, encoder.encode(JSON.stringify(value)));
  return `v1.${id}.${base64urlEncode(iv)}.${base64urlEncode(new Uint8Array(sealed))}`;
}

export async function openSecret<T>(secretsKey: string | undefined, context: string, sealed: string): Promise<T> {
  const keys = await Promise.all(keysOf(secretsKey).map(deriveKey));
  const [version, keyId, ivText, dataText] = sealed.split('.');
  if (version !== 'v1' || !keyId || !ivText || !dataText) throw new SecretUnreadableError('not a sealed value');
  const key = keys.find((k) => k.id === keyId);
  if (!key) throw new SecretUnreadableError('sealed with a key SECRETS_KEY no longer lists');
  const iv = base64urlDecode(ivText);
  const data = base64urlDecode(dataText);
  if (!iv || !data) throw new SecretUnreadableError('damaged');
  try {
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(context) }, key.key, data);
    return JSON.parse(decoder.decode(plain)) as T;
  } catch {
    throw new SecretUnreadableError('altered, or sealed for another account');
  }
}
