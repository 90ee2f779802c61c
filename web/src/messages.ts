/**
 * What the page says to the others over its Twilio data track: chat messages and a raised hand.
 * JSON with a version-less type tag; anything else received is ignored.
 */
export type CallMessage = { t: 'chat'; id: string; text: string; at: string } | { t: 'hand'; up: boolean };

export const CHAT_MAX = 1000;

export function encodeMessage(message: CallMessage): string {
  return JSON.stringify(message);
}

export function decodeMessage(data: unknown): CallMessage | null {
  if (typeof data !== 'string' || data.length > 4 * CHAT_MAX) return null;
  try {
    const m = JSON.parse(data) as Record<string, unknown>;
    if (m.t === 'chat' && typeof m.id === 'string' && typeof m.text === 'string' && m.text.trim() && typeof m.at === 'string') {
      return { t: 'chat', id: m.id.slice(0, 64), text: m.text.slice(0, CHAT_MAX), at: m.at };
    }
    if (m.t === 'hand' && typeof m.up === 'boolean') return { t: 'hand', up: m.up };
  } catch {
    // not ours
  }
  return null;
}
