import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One request the receiver took in, checked with the Standard Webhooks library itself. */
export interface Received {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  payload: any;
  /** Webhook.verify accepted it with the endpoint's secret. */
  verified: boolean;
  verifyError: string | null;
  at: Date;
  headers: IncomingHttpHeaders;
}

/**
 * A real HTTP server that receives webhooks as an integrator's would: it verifies each request's
 * signature with `standardwebhooks` (the specification's own library) against the secret it was
 * given, and answers with the statuses queued for it (200 when none is).
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  secret = '';
  private readonly answers: (number | 'hang')[] = [];
  private fallback: number = 200;
  private server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const headers = req.headers;
    let verified = false;
    let verifyError: string | null = null;
    try {
      new Webhook(this.secret).verify(body, {
        'webhook-id': String(headers['webhook-id'] ?? ''),
        'webhook-timestamp': String(headers['webhook-timestamp'] ?? ''),
        'webhook-signature': String(headers['webhook-signature'] ?? ''),
      });
      verified = true;
    } catch (error) {
      verifyError = (error as Error).message;
    }
    this.received.push({
      id: String(headers['webhook-id']),
      timestamp: String(headers['webhook-timestamp']),
      signature: String(headers['webhook-signature']),
      body,
      payload: safeJson(body),
      verified,
      verifyError,
      at: new Date(),
      headers,
    });
    const answer = this.answers.shift() ?? this.fallback;
    if (answer === 'hang') return; // never answers: the sender's timeout decides
    res.writeHead(answer, { 'content-type': 'text/plain' });
    res.end(answer >= 200 && answer < 300 ? 'ok' : `refused with ${answer}`);
  });
  url = '';

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
    return this;
  }

  /** The next requests are answered with these statuses, in order. */
  answerWith(...statuses: (number | 'hang')[]): void {
    this.answers.push(...statuses);
  }

  /** Every request from now on is answered with this status (until changed). */
  alwaysAnswer(status: number): void {
    this.answers.length = 0;
    this.fallback = status;
  }

  of(type: string): Received[] {
    return this.received.filter((r) => r.payload?.type === type);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
