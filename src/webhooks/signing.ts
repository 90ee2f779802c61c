import { Webhook } from 'standardwebhooks';

/**
 * Standard Webhooks signatures (the specification's own library, pure JavaScript, so it runs on
 * Node and on Workers alike): `webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`
 * with the endpoint's secret, `whsec_` followed by the base64 of 32 random bytes.
 */
export const SECRET_PREFIX = 'whsec_';

export function newWebhookSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `${SECRET_PREFIX}${btoa(binary)}`;
}

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** The three headers of one attempt: the id stays the same on every retry, the timestamp and signature are fresh. */
export function signWebhook(secret: string, messageId: string, body: string, at: Date): SignedHeaders {
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(messageId, at, body),
  };
}
