/**
 * Twilio's request signature (X-Twilio-Signature), as Twilio documents it: HMAC-SHA1 with the
 * account's auth token over the full URL followed by each POST parameter, sorted by name, as
 * name + value; base64. WebCrypto only, so it runs on Workers too.
 */

const encoder = new TextEncoder();

export async function twilioSignature(authToken: string, url: string, params: Record<string, string | string[]>): Promise<string> {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const value = params[name]!;
    const values = Array.isArray(value) ? [...new Set(value)].sort() : [value];
    for (const v of values) data += name + v;
  }
  const key = await crypto.subtle.importKey('raw', encoder.encode(authToken), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(data)));
  let binary = '';
  for (const byte of mac) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** True when `signature` is what Twilio would send for one of the candidate URLs (as configured, as received). */
export async function isValidTwilioSignature(
  authToken: string,
  signature: string | undefined,
  urls: string[],
  params: Record<string, string | string[]>,
): Promise<boolean> {
  if (!signature) return false;
  for (const url of new Set(urls)) {
    if (constantTimeEqual(signature, await twilioSignature(authToken, url, params))) return true;
  }
  return false;
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
