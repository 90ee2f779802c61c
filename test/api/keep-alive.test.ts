import { Agent, request as httpRequest } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../src/api/index.js';
import { databaseKinds } from '../support/databases.js';
import { openApiHarness, type ApiHarness } from './support.js';

const now = new Date('2027-02-26T12:00:00Z');

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A raw HTTP/1.1 connection: what is written goes on one socket; responses are read back in order. */
class RawConnection {
  private buffer = Buffer.alloc(0);
  ended = false;
  private waiters: (() => void)[] = [];

  constructor(private readonly socket: Socket) {
    socket.on('data', (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake();
    });
    socket.on('end', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
    // The server may stop reading a body it refuses; the client's own write then fails, which is not what is tested.
    socket.on('error', () => {});
  }

  static async open(port: number): Promise<RawConnection> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new RawConnection(socket);
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** The next complete response, or null when the server closed the connection first. */
  async next(): Promise<RawResponse | null> {
    for (;;) {
      const parsed = this.parse();
      if (parsed) return parsed;
      if (this.ended) return null;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Resolves once the server has closed the connection. */
  async closedByServer(): Promise<void> {
    while (!this.ended) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  destroy(): void {
    this.socket.destroy();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private parse(): RawResponse | null {
    const headEnd = this.buffer.indexOf('\r\n\r\n');
    if (headEnd < 0) return null;
    const [statusLine, ...lines] = this.buffer.subarray(0, headEnd).toString('latin1').split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const i = line.indexOf(':');
      headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    const length = Number(headers['content-length'] ?? 0);
    if (this.buffer.length < headEnd + 4 + length) return null;
    const body = this.buffer.subarray(headEnd + 4, headEnd + 4 + length).toString('utf8');
    this.buffer = this.buffer.subarray(headEnd + 4 + length);
    return { status: Number(statusLine!.split(' ')[1]), headers, body };
  }
}

const healthz = 'GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n';

describe.each(databaseKinds())('a body over the limit on a real keep-alive connection, on %s', (kind) => {
  let h: ApiHarness;
  let server: ServerType;
  let port: number;
  let key: string;

  beforeAll(async () => {
    h = await openApiHarness(kind, now);
    key = await h.keyFor('T0KEEPALIVE');
    server = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await h?.close();
  });

  const postHead = (extra: string) =>
    `POST /api/meetings/bookings HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\n${extra}\r\n\r\n`;
  const bigBody = (bytes: number) => JSON.stringify({ notes: 'x'.repeat(bytes) });

  /** A new connection still gets /healthz answered. */
  async function expectServing(): Promise<void> {
    const fresh = await RawConnection.open(port);
    try {
      fresh.write(healthz);
      expect((await fresh.next())?.status).toBe(200);
    } finally {
      fresh.destroy();
    }
  }

  function expectTooLarge(response: RawResponse | null): void {
    expect(response?.status).toBe(413);
    expect(JSON.parse(response!.body).error).toMatchObject({ code: 'payload_too_large', field: null });
  }

  it('answers 413 to a too-large body with Content-Length, then serves the next request on the same connection', async () => {
    const connection = await RawConnection.open(port);
    try {
      const body = bigBody(MAX_BODY_BYTES + 100 * 1024);
      connection.write(postHead(`Content-Length: ${Buffer.byteLength(body)}`) + body);
      const refused = await connection.next();
      expectTooLarge(refused);
      expect(refused!.headers.connection).toBe('keep-alive');
      connection.write(healthz);
      const next = await connection.next();
      expect(next?.status).toBe(200);
      expect(JSON.parse(next!.body).status).toBe('ok');
      expect(connection.ended).toBe(false);
    } finally {
      connection.destroy();
    }
  });

  it('does the same for a chunked body', async () => {
    const connection = await RawConnection.open(port);
    try {
      const body = bigBody(MAX_BODY_BYTES + 100 * 1024);
      const chunk = (s: string) => `${Buffer.byteLength(s).toString(16)}\r\n${s}\r\n`;
      connection.write(postHead('Transfer-Encoding: chunked') + chunk(body.slice(0, 300_000)) + chunk(body.slice(300_000)) + '0\r\n\r\n');
      expectTooLarge(await connection.next());
      connection.write(healthz);
      expect((await connection.next())?.status).toBe(200);
    } finally {
      connection.destroy();
    }
  });

  it('lets a keep-alive client (node:http Agent) reuse its socket after a 413', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (method: string, path: string, body?: string) =>
      new Promise<{ status: number; reused: boolean; text: string }>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, method, path, agent, headers: body ? { 'content-type': 'application/json', authorization: `Bearer ${key}` } : {} }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode!, reused: req.reusedSocket, text }));
        });
        req.on('error', reject);
        req.end(body);
      });
    try {
      const refused = await send('POST', '/api/meetings/bookings', bigBody(MAX_BODY_BYTES * 2));
      expect(refused.status).toBe(413);
      const next = await send('GET', '/healthz');
      expect(next).toMatchObject({ status: 200, reused: true });
    } finally {
      agent.destroy();
    }
  });

  it('closes the connection cleanly after the 413 when the body is far too large to read through', async () => {
    const connection = await RawConnection.open(port);
    try {
      const body = Buffer.alloc(24 * 1024 * 1024, 'x');
      connection.write(postHead(`Content-Length: ${body.length}`));
      connection.write(body);
      const refused = await connection.next();
      expectTooLarge(refused);
      expect(refused!.headers.connection).toBe('close');
      await connection.closedByServer();
    } finally {
      connection.destroy();
    }
    await expectServing();
  });

  it('refuses a header holding a NUL character (Node answers 400) and keeps serving', async () => {
    const connection = await RawConnection.open(port);
    try {
      connection.write(`POST /api/meetings/bookings HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer ${key}\r\nIdempotency-Key: a\u0000b\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`);
      expect((await connection.next())?.status).toBe(400);
    } finally {
      connection.destroy();
    }
    await expectServing();
  });
});
