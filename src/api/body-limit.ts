import type { MiddlewareHandler } from 'hono';
import { ApiError } from './errors.js';

export interface BodyLimitOptions {
  /** Largest body taken, in bytes. */
  maxBytes: number;
  /** Past the limit, how many more bytes are read and thrown away so the connection can serve the next request. */
  drainBytes: number;
  /** And for how long at most. */
  drainMs: number;
}

/**
 * Reads every request body whole before the handlers run, and refuses one over `maxBytes` with
 * 413 in the error shape. A body the server never reads stays on a keep-alive connection: Node
 * then tears the connection down under the client's next request. So the rest of a body that is
 * too large is read and dropped, and the connection stays usable; past `drainBytes` or `drainMs`
 * the 413 says `Connection: close` and the server closes the connection once it is sent.
 */
export function limitBody(options: BodyLimitOptions): MiddlewareHandler {
  return async (c, next) => {
    const body = c.req.raw.body;
    if (!body) return next();
    const reader = body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > options.maxBytes) {
        const drained = await drain(reader, options.drainBytes, options.drainMs);
        if (!drained) c.header('Connection', 'close');
        throw new ApiError(413, 'payload_too_large', `The request body is larger than ${Math.floor(options.maxBytes / 1024)} KB`);
      }
      chunks.push(value);
    }
    const whole = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      whole.set(chunk, offset);
      offset += chunk.byteLength;
    }
    c.req.raw = new Request(c.req.raw, { body: whole });
    return next();
  };
}

/** Reads and drops the rest of a body; false when it was longer or slower than allowed. */
async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, maxBytes: number, maxMs: number): Promise<boolean> {
  let left = maxBytes;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), maxMs);
  });
  try {
    for (;;) {
      const next = await Promise.race([reader.read(), timeout]);
      if (next === 'timeout') return false;
      if (next.done) return true;
      left -= next.value.byteLength;
      if (left < 0) return false;
    }
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
