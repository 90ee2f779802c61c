import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { serve } from '@hono/node-server';
import { http, HttpResponse, type RequestHandler } from 'msw';
import { setupServer } from 'msw/node';
import { createApp } from '../src/app.js';
import type { CalendarsConfig, Config } from '../src/config.js';
import type { Database } from '../src/db/client.js';
import { openDatabase, type DatabaseHandle } from '../src/db/client.js';
import { startEvents } from '../src/events/index.js';
import { DEFAULT_BENCH_DATABASE_URL, scratchPostgres, summarize } from './stats.js';

const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const SLACK_API = 'https://slack.bench/api/';
const SECRET = 'bench-signing-secret';
const TEAM = 'T0BENCH';
/** Monday 1 March 2027, 07:00 UTC: a full working day ahead for everyone (all in London). */
const NOW = new Date('2027-03-01T07:00:00Z');

interface SlackFigures {
  'in flight': number;
  samples: number;
  'p50 ms': number;
  'p99 ms': number;
  'mean ms': number;
}

/**
 * Slack latency through the real app on a real HTTP port, with Slack's Web API answered by msw:
 * (1) from a signed `/meet` request leaving the client to the app's views.open call, and
 * (2) from a signed view submission to the chat.postMessage of the meeting in the channel,
 * each with IN_FLIGHT (50) requests at once, over ROUNDS rounds after a warm-up round.
 * Postgres at DATABASE_URL (or the local server) in a scratch database; PGlite when
 * BENCH_DB=pglite or no Postgres answers.
 */
export interface SlackBenchOptions {
  /** People's calendars (bench/calendars.ts): the configuration, msw handlers for the providers, and a set-up step. */
  calendars?: CalendarsConfig;
  handlers?: RequestHandler[];
  /** Runs before the first round, with every person the rounds will use (organizers and partners). */
  prepare?: (db: Database, config: Config, people: string[]) => Promise<void>;
}

/** The organizer and partner ids of every round, as the rounds name them. */
export function benchPeople(): string[] {
  const out: string[] = [];
  for (let round = 0; round <= ROUNDS; round++) for (let i = 0; i < IN_FLIGHT; i++) out.push(`U0R${round}O${i}`, `U0R${round}P${i}`);
  return out;
}

export const BENCH_TEAM = TEAM;
export const BENCH_NOW = NOW;

export async function benchSlack(options: SlackBenchOptions = {}): Promise<Record<string, SlackFigures | string>> {
  const { handle, drop, kind } = await openBenchDatabase();
  const sent = new Map<string, number>();
  const opened: number[] = [];
  const filledAt = new Map<string, number>();
  const filled: number[] = [];
  const posted: number[] = [];
  const views = new Map<string, any>();
  let counter = 0;
  let lastCall = performance.now();

  const mock = setupServer(
    http.post(`${SLACK_API}:method`, async ({ request, params }) => {
      const at = performance.now();
      lastCall = at;
      const body = Object.fromEntries(new URLSearchParams(await request.text()));
      const n = ++counter;
      switch (params.method) {
        case 'users.info':
          return HttpResponse.json({ ok: true, user: { id: body.user, real_name: `Person ${body.user}`, tz: 'Europe/London', profile: { email: `${body.user!.toLowerCase()}@bench.test` } } });
        case 'views.open': {
          const start = sent.get(`cmd:${body.trigger_id}`);
          if (start !== undefined) opened.push(at - start);
          sent.set(`view:V${n}`, start ?? at);
          return HttpResponse.json({ ok: true, view: { id: `V${n}`, hash: `h${n}` } });
        }
        case 'views.update': {
          const view = JSON.parse(body.view!);
          if (view.blocks?.some((b: any) => b.block_id === 'day')) {
            views.set(body.view_id!, view);
            const start = sent.get(`view:${body.view_id}`);
            if (start !== undefined && !filledAt.has(body.view_id!)) {
              filledAt.set(body.view_id!, at);
              filled.push(at - start);
            }
          }
          return HttpResponse.json({ ok: true, view: { id: body.view_id, hash: `h${n}` } });
        }
        case 'chat.postMessage': {
          const start = sent.get(`submit:${body.channel}`);
          if (start !== undefined) {
            posted.push(at - start);
            sent.delete(`submit:${body.channel}`);
          }
          return HttpResponse.json({ ok: true, channel: body.channel!.startsWith('U') ? `D${body.channel!.slice(1)}` : body.channel, ts: `${n}.000100` });
        }
        case 'chat.scheduleMessage':
          return HttpResponse.json({ ok: true, channel: `D${body.channel!.slice(1)}`, scheduled_message_id: `Q${n}` });
        default:
          return HttpResponse.json({ ok: true });
      }
    }),
    ...(options.handlers ?? []),
  );
  mock.listen({ onUnhandledRequest: 'bypass' });

  const config: Config = {
    port: 0,
    publicUrl: 'https://meet.bench',
    dataDir: '/tmp/meetings-bench',
    linkSecret: 'bench-link-secret-0123456789abcdefghij',
    slack: { botToken: 'xoxb-bench', signingSecret: SECRET, apiUrl: SLACK_API },
    twilio: { apiUrl: 'https://video.twilio.bench' },
    email: {},
    calendars: options.calendars,
  };
  await options.prepare?.(handle.db, config, benchPeople());
  const deps = { db: handle.db, dbKind: handle.kind, config, now: () => NOW };
  const app = createApp(deps);
  // As main.ts does: the meeting is posted by the booking events' Slack handler.
  const events = await startEvents(deps, handle, { pollMs: 50 });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;

  const post = async (body: string) => {
    const ts = Math.floor(Date.now() / 1000);
    const signature = `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
    const response = await fetch(base, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-signature': signature, 'x-slack-request-timestamp': String(ts) },
      body,
    });
    await response.text();
    if (response.status !== 200) throw new Error(`Slack endpoint answered ${response.status}`);
  };

  try {
    for (let round = 0; round <= ROUNDS; round++) {
      const measured = round > 0;
      const marks = { opened: opened.length, filled: filled.length, posted: posted.length };
      // Phase 1: IN_FLIGHT organizers type /meet with their own colleague at once.
      const users = Array.from({ length: IN_FLIGHT }, (_, i) => ({ user: `U0R${round}O${i}`, partner: `U0R${round}P${i}`, channel: `C0R${round}N${i}`, trigger: `trig-${round}-${i}` }));
      await Promise.all(
        users.map((u) => {
          sent.set(`cmd:${u.trigger}`, performance.now());
          return post(
            new URLSearchParams({ team_id: TEAM, user_id: u.user, channel_id: u.channel, command: '/meet', text: `<@${u.partner}|p> 30m`, trigger_id: u.trigger, response_url: 'https://slack.bench/r' }).toString(),
          );
        }),
      );
      await waitUntil(() => filled.length - marks.filled >= IN_FLIGHT, 'all modals filled');
      // Phase 2: every one of them submits a slot at once.
      const byUser = new Map<string, [string, any]>();
      for (const [viewId, view] of views) byUser.set(view.blocks.find((b: any) => b.block_id === 'people').element.initial_users[0], [viewId, view]);
      await Promise.all(
        users.map((u) => {
          const [viewId, view] = byUser.get(u.user)!;
          const slotBlock = view.blocks.find((b: any) => b.block_id.startsWith('slot-'));
          const values: Record<string, unknown> = {
            type: { booking_type: { type: 'static_select', selected_option: view.blocks.find((b: any) => b.block_id === 'type').element.initial_option } },
            people: { booking_people: { type: 'multi_users_select', selected_users: [u.user, u.partner] } },
            day: { booking_day: { type: 'datepicker', selected_date: view.blocks.find((b: any) => b.block_id === 'day').element.initial_date } },
            [slotBlock.block_id]: { booking_slot: { type: 'static_select', selected_option: slotBlock.element.options[0] } },
            title: { title: { type: 'plain_text_input', value: null } },
            notes: { notes: { type: 'plain_text_input', value: null } },
          };
          const payload = { type: 'view_submission', team: { id: TEAM }, user: { id: u.user, team_id: TEAM }, view: { ...view, id: viewId, hash: 'h', state: { values } } };
          sent.set(`submit:${u.channel}`, performance.now());
          return post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
        }),
      );
      await waitUntil(() => posted.length - marks.posted >= IN_FLIGHT, 'all meetings posted');
      views.clear();
      if (!measured) {
        opened.length = marks.opened;
        filled.length = marks.filled;
        posted.length = marks.posted;
      }
    }
    // Let the work after each acknowledgement (direct messages, reminders) finish before tearing down.
    await waitUntil(() => performance.now() - lastCall > 500, 'quiet');
  } finally {
    server.close();
    await events.stop();
    mock.close();
    await handle.close();
    await drop?.();
  }
  const figures = (samples: number[]): SlackFigures => {
    const s = summarize(samples);
    return { 'in flight': IN_FLIGHT, samples: s.n, 'p50 ms': s.p50, 'p99 ms': s.p99, 'mean ms': s.mean };
  };
  return {
    database: kind,
    '/meet → views.open': figures(opened),
    '/meet → modal filled (views.update)': figures(filled),
    'submission → meeting posted': figures(posted),
  };
}

async function waitUntil(done: () => boolean, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`Benchmark stalled: not ${what} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

async function openBenchDatabase(): Promise<{ handle: DatabaseHandle; drop?: () => Promise<void>; kind: string }> {
  if (process.env.BENCH_DB !== 'pglite') {
    try {
      const scratch = await scratchPostgres(process.env.DATABASE_URL ?? DEFAULT_BENCH_DATABASE_URL, 'slack');
      return { handle: await openDatabase({ url: scratch.url, max: 10 }), drop: scratch.drop, kind: 'postgres' };
    } catch (error) {
      console.warn(`Postgres not reachable (${error instanceof Error ? error.message : error}); using PGlite`);
    }
  }
  return { handle: await openDatabase({ dataDir: 'memory://' }), kind: 'pglite (in memory)' };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await benchSlack();
  console.log(`Slack: ${IN_FLIGHT} requests in flight, ${ROUNDS} rounds after a warm-up (times in ms)`);
  console.table(result);
  process.exit(0);
}
