import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export const SLACK_API = 'https://slack.test/api/';

export interface SlackCall {
  method: string;
  body: Record<string, any>;
  token: string | null;
}

export interface SlackPersonRecord {
  tz: string;
  name: string;
  isBot?: boolean;
  deleted?: boolean;
  /** A workspace admin (users.info is_admin). */
  admin?: boolean;
}

type Answer = Record<string, unknown> | Response;
type Override = (body: Record<string, any>) => Answer | undefined | Promise<Answer | undefined>;

/**
 * Slack's Web API as msw answers it: every call is recorded (method and decoded arguments) and
 * answered like Slack would; `override` makes a method answer differently (errors, 429s).
 */
export class FakeSlack {
  readonly calls: SlackCall[] = [];
  readonly server: ReturnType<typeof setupServer>;
  private readonly overrides = new Map<string, Override[]>();
  private counter = 0;

  constructor(private readonly people: Record<string, SlackPersonRecord>) {
    this.server = setupServer(
      http.post(`${SLACK_API}:method`, async ({ request, params }) =>
        this.handle(String(params.method), await request.text(), request.headers.get('authorization')),
      ),
    );
  }

  /** Records one Web API call and answers it (msw, or the real HTTP server of serveHttp). */
  async handle(method: string, text: string, authorization: string | null): Promise<Response> {
    const body = decodeBody(text);
    this.calls.push({ method, body, token: authorization });
    const queue = this.overrides.get(method);
    if (queue?.length) {
      const override = queue[0]!;
      const answer = await override(body);
      if (answer !== undefined) {
        if ((override as any).once) queue.shift();
        return answer instanceof Response ? answer : HttpResponse.json(answer);
      }
    }
    return HttpResponse.json(this.answer(method, body));
  }

  /**
   * The same fake on a real port, for app processes this test process starts (msw reaches only
   * its own process): SLACK_API_URL=<url>.
   */
  async serveHttp(): Promise<{ url: string; close(): Promise<void> }> {
    const server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const method = new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/api\//, '');
      const response = await this.handle(method, Buffer.concat(chunks).toString('utf8'), req.headers.authorization ?? null);
      res.writeHead(response.status, { 'content-type': response.headers.get('content-type') ?? 'application/json' });
      res.end(await response.text());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return { url: `http://127.0.0.1:${port}/api/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
  }

  listen(): void {
    this.server.listen({
      onUnhandledRequest: (request) => {
        // Local servers (the Socket Mode test's websocket) are reached for real.
        if (['127.0.0.1', 'localhost'].includes(new URL(request.url).hostname)) return;
        throw new Error(`Unexpected request outside Slack's Web API: ${request.method} ${request.url}`);
      },
    });
  }

  close(): void {
    this.server.close();
  }

  /** Makes `method` answer with `answer` (once by default). */
  override(method: string, answer: Override, options: { once?: boolean } = { once: true }): void {
    const fn = Object.assign((body: Record<string, any>) => answer(body), { once: options.once ?? true });
    this.overrides.set(method, [...(this.overrides.get(method) ?? []), fn]);
  }

  fail(method: string, error: string, options: { once?: boolean } = { once: true }): void {
    this.override(method, () => ({ ok: false, error }), options);
  }

  /** Waits until the app has made no call for `quietMs`: its work after acknowledging is done. */
  async settle(quietMs = 250, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let seen = -1;
    while (Date.now() < deadline) {
      if (this.calls.length === seen) return;
      seen = this.calls.length;
      await new Promise((r) => setTimeout(r, quietMs));
    }
  }

  /** Forgets the calls so far (overrides stay). */
  clearCalls(): void {
    this.calls.length = 0;
  }

  reset(): void {
    this.calls.length = 0;
    this.overrides.clear();
  }

  callsOf(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Waits until a call matching `match` has been made (the app works on after acknowledging). */
  async waitFor(method: string, match: (body: Record<string, any>) => boolean = () => true, timeoutMs = 10_000): Promise<SlackCall> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.calls.find((c) => c.method === method && match(c.body));
      if (found) return found;
      if (Date.now() > deadline) {
        throw new Error(`No ${method} call matched within ${timeoutMs} ms; calls so far: ${this.calls.map((c) => c.method).join(', ')}`);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Waits until `count` calls of `method` matched. */
  async waitForCount(method: string, count: number, match: (body: Record<string, any>) => boolean = () => true, timeoutMs = 10_000): Promise<SlackCall[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.calls.filter((c) => c.method === method && match(c.body));
      if (found.length >= count) return found;
      if (Date.now() > deadline) throw new Error(`Only ${found.length} of ${count} ${method} calls within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  private answer(method: string, body: Record<string, any>): Record<string, unknown> {
    const n = ++this.counter;
    switch (method) {
      case 'users.info': {
        const person = this.people[body.user];
        if (!person) return { ok: false, error: 'user_not_found' };
        return {
          ok: true,
          user: {
            id: body.user,
            name: person.name.toLowerCase().replace(/\s+/g, '.'),
            real_name: person.name,
            tz: person.tz,
            is_bot: Boolean(person.isBot),
            deleted: Boolean(person.deleted),
            is_admin: Boolean(person.admin),
            profile: { real_name: person.name, email: `${String(body.user).toLowerCase()}@example.com` },
          },
        };
      }
      case 'views.open':
        return { ok: true, view: { ...body.view, id: `V${n}`, hash: `hash-${n}` } };
      case 'views.update':
        return { ok: true, view: { ...body.view, id: body.view_id, hash: `hash-${n}` } };
      case 'views.publish':
        return { ok: true, view: { ...body.view, id: `VH${n}`, hash: `hash-${n}` } };
      case 'chat.postMessage':
        return { ok: true, channel: dmOf(body.channel), ts: `1700000000.${String(n).padStart(6, '0')}`, message: { text: body.text } };
      case 'chat.update':
        return { ok: true, channel: body.channel, ts: body.ts };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: `1700000000.${String(n).padStart(6, '0')}` };
      case 'chat.scheduleMessage':
        return { ok: true, channel: dmOf(body.channel), scheduled_message_id: `Q${n}`, post_at: Number(body.post_at) };
      case 'chat.deleteScheduledMessage':
        return { ok: true };
      case 'auth.test':
        return { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T0TEST' };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}

/** A user id as channel opens the DM with the app: Slack answers with the D… channel. */
export function dmOf(channel: string): string {
  return /^[UW]/.test(channel) ? `D${channel.slice(1)}` : channel;
}

function decodeBody(text: string): Record<string, any> {
  const params = new URLSearchParams(text);
  const out: Record<string, any> = {};
  for (const [key, value] of params) {
    out[key] = /^[[{]/.test(value) ? safeJson(value) : value;
  }
  return out;
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
