import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import { verifySlackRequest } from '@slack/bolt';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { envelopeProblem } from './envelope.js';

/** Slack refuses nothing older than five minutes; neither do we accept anything further off, either way. */
export const MAX_CLOCK_SKEW_SECONDS = 5 * 60;
/** Slack waits 3 seconds for the acknowledgement; answer just before, whatever the listener is doing. */
const ACK_DEADLINE_MS = 2_800;

export interface HonoReceiverOptions {
  signingSecret: string;
  logger?: Pick<Console, 'warn' | 'error'>;
}

/**
 * A Bolt receiver on our own Hono app, so Slack's requests arrive on the same port as the API:
 * it checks the signature and timestamp, parses the body, answers url_verification, and hands the
 * rest to Bolt with an `ack` that becomes the HTTP response.
 */
export class HonoReceiver implements Receiver {
  private app?: App;

  constructor(private readonly options: HonoReceiverOptions) {}

  init(app: App): void {
    this.app = app;
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  async handle(c: Context): Promise<Response> {
    if (!this.app) return c.json({ error: 'Slack app not initialised' }, 503);
    const rawBody = await c.req.text();
    const signature = c.req.header('x-slack-signature') ?? '';
    const timestampText = c.req.header('x-slack-request-timestamp') ?? '';
    const timestamp = Number(timestampText);
    // The signature's freshness is judged by the real clock, not the app's (replaceable) one.
    const nowSeconds = Math.floor(Date.now() / 1000);
    if (!/^\d+$/.test(timestampText) || Math.abs(nowSeconds - timestamp) > MAX_CLOCK_SKEW_SECONDS) {
      return c.json({ error: 'stale or missing X-Slack-Request-Timestamp' }, 401);
    }
    try {
      verifySlackRequest({
        signingSecret: this.options.signingSecret,
        body: rawBody,
        headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': timestamp },
      });
    } catch {
      return c.json({ error: 'invalid signature' }, 401);
    }

    let body: Record<string, any>;
    try {
      body = parseBody(rawBody, c.req.header('content-type') ?? '');
    } catch (error) {
      // Rendered in the app's error shape by its error handler.
      throw new HTTPException(400, { message: error instanceof UnreadableBodyError ? error.message : 'The body is not a Slack request: unreadable JSON' });
    }
    if (body.ssl_check) return c.body(null, 200);
    if (body.type === 'url_verification') return c.json({ challenge: body.challenge });
    const problem = envelopeProblem(body);
    if (problem) throw new HTTPException(400, { message: problem });

    const retryNum = c.req.header('x-slack-retry-num');
    const retryReason = c.req.header('x-slack-retry-reason');
    let settle!: (response: Response) => void;
    const responded = new Promise<Response>((resolve) => (settle = resolve));
    let acked = false;
    const event: ReceiverEvent = {
      body,
      retryNum: retryNum ? Number(retryNum) : undefined,
      retryReason: retryReason ?? undefined,
      ack: async (response?: unknown) => {
        if (acked) return;
        acked = true;
        settle(ackResponse(response));
      },
    };
    const deadline = setTimeout(() => {
      if (!acked) {
        acked = true;
        this.options.logger?.warn(`Slack: no acknowledgement within ${ACK_DEADLINE_MS} ms for ${describe(body)}; answered empty`);
        settle(new Response(null, { status: 200 }));
      }
    }, ACK_DEADLINE_MS);
    this.app
      .processEvent(event)
      .catch((error) => {
        this.options.logger?.error(`Slack: handling ${describe(body)} failed`, error);
        if (!acked) {
          acked = true;
          settle(new Response(JSON.stringify({ error: 'internal error' }), { status: 500, headers: { 'content-type': 'application/json' } }));
        }
      })
      .finally(() => {
        clearTimeout(deadline);
        // A request no listener acknowledged (nothing matched) still gets its answer.
        if (!acked) {
          acked = true;
          settle(new Response(null, { status: 200 }));
        }
      });
    const response = await responded;
    clearTimeout(deadline);
    return response;
  }
}

class UnreadableBodyError extends Error {}

/**
 * Slash commands are form fields; interactivity is a form field `payload` holding JSON; events are
 * JSON. Whatever the encoding, a Slack request is an object: anything else (`payload=null`, `123`,
 * `[]`) is refused.
 */
export function parseBody(rawBody: string, contentType: string): Record<string, any> {
  if (contentType.includes('application/json')) return requireObject(JSON.parse(rawBody), 'The JSON body');
  const params = new URLSearchParams(rawBody);
  const payload = params.get('payload');
  if (payload !== null) return requireObject(JSON.parse(payload), 'The payload field');
  return Object.fromEntries(params);
}

function requireObject(value: unknown, what: string): Record<string, any> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UnreadableBodyError(`${what} must be a JSON object`);
  return value as Record<string, any>;
}

function ackResponse(response: unknown): Response {
  if (response === undefined || response === null || response === '') return new Response(null, { status: 200 });
  if (typeof response === 'string') return new Response(response, { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  return new Response(JSON.stringify(response), { status: 200, headers: { 'content-type': 'application/json' } });
}

function describe(body: Record<string, any>): string {
  return body.command ?? body.event?.type ?? (body.type ? `${body.type}${body.view?.callback_id ? ` ${body.view.callback_id}` : ''}` : 'request');
}
