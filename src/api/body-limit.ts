import type { Context, MiddlewareHandler } from 'hono';
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
 * The body is handed on through the request's body cache, which c.req.json(), text() and
 * parseBody() read.
 */
export function limitBody(options: BodyLimitOptions): MiddlewareHandler {
  return async (c, next) => {
    const reader = bodyReader(c);
    if (!reader) return next();
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
    // Hono keeps promises there (its type says values); the first key is the one it converts
    // from for the other kinds (formData, blob).
    const cache = c.req.bodyCache as Record<string, Promise<unknown>>;
    cache.arrayBuffer = Promise.resolve(whole.buffer);
    cache.text = Promise.resolve(decoder.decode(whole));
    return next();
  };
}

const decoder = new TextDecoder();

interface ChunkReader {
  read(): Promise<{ done: true; value?: undefined } | { done: false; value: Uint8Array }>;
}

/** Node's request as @hono/node-server passes it: its stream is read directly. */
interface NodeIncoming extends AsyncIterable<Uint8Array> {
  headers: Record<string, string | string[] | undefined>;
}

/**
 * The body's chunks, or undefined when there is no body. On Node they come from Node's request
 * stream: asking the Web Request for its body there builds a second request around a stream
 * (a fifth of the time of a small API call).
 */
function bodyReader(c: Context): ChunkReader | undefined {
  const incoming = (c.env as { incoming?: NodeIncoming } | undefined)?.incoming;
  if (incoming && typeof incoming[Symbol.asyncIterator] === 'function') {
    // HTTP/1.1: a request has a body when it says its length (not 0) or its transfer coding.
    const { 'content-length': length, 'transfer-encoding': coding } = incoming.headers;
    if (coding === undefined && (length === undefined || length === '0')) return undefined;
    const chunks = incoming[Symbol.asyncIterator]();
    // Never iterator.return(): it would destroy the stream, and with it the keep-alive connection.
    return { read: () => chunks.next() as ReturnType<ChunkReader['read']> };
  }
  return c.req.raw.body?.getReader() as ChunkReader | undefined;
}

/** Reads and drops the rest of a body; false when it was longer or slower than allowed. */
async function drain(reader: ChunkReader, maxBytes: number, maxMs: number): Promise<boolean> {
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
