import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import { createApiKey } from '../src/api/keys.js';
import { createBooking, createMeetingType, replaceSchedule, upsertPerson } from '../src/bookings/index.js';
import { openDatabase } from '../src/db/client.js';
import { withTeam } from '../src/db/tenant.js';
import { DEFAULT_BENCH_DATABASE_URL, round, scratchPostgres } from './stats.js';

/**
 * HTTP load on the started server (a child process running createApp over Postgres, as
 * `npm start` does), with autocannon in this process:
 *   - GET  /bench/constant: a plain Hono route returning a constant, on the same server: the ceiling
 *   - GET  /bench/tx-1-select: one tenant transaction (withTeam) running `select 1`: the floor of
 *          any route that touches the database
 *   - GET  /bench/tx-4-selects: the same transaction with four `select 1` in turn: what a request
 *          of a few round trips costs at best
 *   - GET  /api/meetings/availability: one host, 7 days (API key check + slot computation)
 *   - POST /api/meetings/bookings: each request books a different free slot (key check + booking)
 * The /bench routes exist only in this benchmark's server (see serve() below), never in the app.
 * `npm run bench -- http`, or `npx tsx bench/http.ts`. BENCH_HTTP_SECONDS (default 10) and
 * BENCH_HTTP_CONNECTIONS (default 16) change the load; BENCH_HTTP_PROFILE=<dir> writes the server's
 * CPU profile of each API route's measured run there (summarise one with bench/profile-summary.ts).
 */
const PROFILE_DIR = process.env.BENCH_HTTP_PROFILE;
const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_HTTP_CONNECTIONS ?? 16);
const TEAM = 'T0HTTPBENCH';
const BOOKING_HOSTS = 64;
const DAY_MS = 86_400_000;
const SLOT_MS = 15 * 60_000;

interface Seeded {
  key: string;
  availabilityPath: string;
  bookingTypeId: string;
  firstSlot: string;
}

interface Row {
  route: string;
  'req/s': number;
  'p50 ms': number;
  'p99 ms': number;
  requests: number;
  'non-2xx': number;
  'vs constant': string;
  'vs tx, 1 select': string;
  'vs tx, 4 selects': string;
}

export async function benchHttp(baseUrl = process.env.DATABASE_URL ?? DEFAULT_BENCH_DATABASE_URL): Promise<Row[]> {
  const scratch = await scratchPostgres(baseUrl, 'http');
  let server: ChildProcess | undefined;
  try {
    const seeded = await seed(scratch.url);
    const started = await startServer(scratch.url);
    server = started.child;
    const base = `http://127.0.0.1:${started.port}`;
    const auth = { authorization: `Bearer ${seeded.key}` };
    console.log(`Server on ${base} (Postgres ${new URL(scratch.url).pathname.slice(1)}); ${SECONDS} s per route, ${CONNECTIONS} connections`);

    await load(base, { path: '/bench/constant' }, 2); // warm-up: JIT, pool, connections
    const constant = await load(base, { path: '/bench/constant' });
    await load(base, { path: '/bench/tx-1-select' }, 2);
    const oneSelect = await load(base, { path: '/bench/tx-1-select' });
    const fourSelects = await load(base, { path: '/bench/tx-4-selects' });
    await load(base, { path: seeded.availabilityPath, headers: auth }, 2);
    const availability = await profiled(server, 'availability', () => load(base, { path: seeded.availabilityPath, headers: auth }));

    // Host n % BOOKING_HOSTS takes its next 15-minute slot: every request is a fresh, free slot.
    let n = 0;
    const first = new Date(seeded.firstSlot).getTime();
    const bookings = await profiled(server, 'bookings', () => load(base, {
      method: 'POST',
      path: '/api/meetings/bookings',
      headers: { ...auth, 'content-type': 'application/json' },
      setupRequest: (request) => {
        const i = n++;
        const start = new Date(first + Math.floor(i / BOOKING_HOSTS) * SLOT_MS).toISOString();
        request.body = JSON.stringify({ meetingTypeId: seeded.bookingTypeId, organizerId: `U0HOST${i % BOOKING_HOSTS}`, start });
        return request;
      },
    }));

    const ratio = (r: autocannon.Result, baseline: autocannon.Result) => `${Number((r.requests.average / baseline.requests.average).toPrecision(2))}×`;
    const row = (route: string, r: autocannon.Result): Row => ({
      route,
      'req/s': round(r.requests.average, 0),
      'p50 ms': r.latency.p50,
      'p99 ms': r.latency.p99,
      requests: r.requests.total,
      'non-2xx': r.non2xx + r.errors,
      'vs constant': ratio(r, constant),
      'vs tx, 1 select': ratio(r, oneSelect),
      'vs tx, 4 selects': ratio(r, fourSelects),
    });
    return [
      row('GET /bench/constant (plain Hono)', constant),
      row('GET /bench/tx-1-select (tenant transaction, select 1)', oneSelect),
      row('GET /bench/tx-4-selects (tenant transaction, 4 × select 1)', fourSelects),
      row('GET /api/meetings/availability (1 host, 7 days)', availability),
      row('POST /api/meetings/bookings', bookings),
    ];
  } finally {
    server?.kill('SIGTERM');
    if (server) await new Promise((resolve) => server!.once('exit', resolve));
    await scratch.drop();
  }
}

/** Runs `work` with the server's CPU profiler on when BENCH_HTTP_PROFILE names a directory. */
async function profiled<T>(server: ChildProcess, label: string, work: () => Promise<T>): Promise<T> {
  if (!PROFILE_DIR) return work();
  await ask(server, { profile: 'start' });
  const result = await work();
  const { file } = await ask(server, { profile: 'stop', file: join(PROFILE_DIR, `http-${label}.cpuprofile`) });
  console.log(`CPU profile of ${label}: ${file}`);
  return result;
}

function ask(child: ChildProcess, message: object): Promise<any> {
  return new Promise((resolve) => {
    child.once('message', resolve);
    child.send(message);
  });
}

function load(base: string, request: autocannon.Request, seconds = SECONDS): Promise<autocannon.Result> {
  return autocannon({ url: base, connections: CONNECTIONS, duration: seconds, requests: [request] });
}

/** A team with a key; a London host with a normal week and some bookings; hosts free around the clock to book. */
async function seed(url: string): Promise<Seeded> {
  const handle = await openDatabase({ url, max: 4 });
  try {
    const key = (await createApiKey(handle.db, { teamId: TEAM, name: 'bench', rateLimit: 1_000_000 })).key;
    const now = new Date();
    const tomorrow = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
    const { m30, fast } = await withTeam(handle.db, TEAM, async (tx) => {
      await upsertPerson(tx, TEAM, { slackUserId: 'U0AVAIL', name: 'Avail Host', timeZone: 'Europe/London' });
      for (let i = 0; i < BOOKING_HOSTS; i++) {
        await upsertPerson(tx, TEAM, { slackUserId: `U0HOST${i}`, name: `Host ${i}`, timeZone: 'UTC' });
        await replaceSchedule(tx, TEAM, `U0HOST${i}`, {
          timeZone: 'UTC',
          rules: [{ rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU', start: '00:00', end: '23:59' }],
          overrides: [],
        });
      }
      const types = await tx.query.meetingTypes.findMany();
      const fast = await createMeetingType(tx, TEAM, {
        name: 'Bench 15',
        durationMinutes: 15,
        slotIntervalMinutes: 15,
        minimumNoticeMinutes: 0,
        bookingHorizonDays: 730,
      });
      return { m30: types.find((t) => t.durationMinutes === 30)!, fast };
    });
    // Ten meetings in the host's week, so the slot search has busy time to subtract.
    for (let day = 0, made = 0; made < 10; day++) {
      const date = new Date(tomorrow.getTime() + day * DAY_MS);
      if (date.getUTCDay() === 0 || date.getUTCDay() === 6) continue;
      for (const hour of [10, 14]) {
        await createBooking(handle.db, TEAM, { meetingTypeId: m30.id, organizerId: 'U0AVAIL', start: new Date(date.getTime() + hour * 3_600_000), source: 'api' });
        made++;
      }
    }
    const to = new Date(tomorrow.getTime() + 7 * DAY_MS);
    return {
      key,
      availabilityPath: `/api/meetings/availability?meetingTypeId=${m30.id}&hostIds=U0AVAIL&from=${tomorrow.toISOString()}&to=${to.toISOString()}&timeZone=America/New_York`,
      bookingTypeId: fast.id,
      firstSlot: new Date(tomorrow.getTime() + DAY_MS).toISOString(),
    };
  } finally {
    await handle.close();
  }
}

/** This file, run as the server: createApp over Postgres plus the constant route, on a free port. */
function startServer(url: string): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(fileURLToPath(import.meta.url), [], {
    env: { ...process.env, BENCH_HTTP_SERVER: url },
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (message: any) => resolve({ child, port: message.port }));
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
}

async function serve(url: string): Promise<void> {
  const { serve: listen } = await import('@hono/node-server');
  const { createApp } = await import('../src/app.js');
  const { loadConfig } = await import('../src/config.js');
  const handle = await openDatabase({ url, migrate: false });
  const config = await loadConfig({ ...process.env, DATABASE_URL: url, LINK_SECRET: 'bench-link-secret-bench-link-secret-0123' });
  const app = createApp({ db: handle.db, dbKind: 'postgres', config });
  // Bench-only routes, added here to this process's app: the app itself (and its build) has none.
  app.get('/bench/constant', (c) => c.text('ok'));
  app.get('/bench/tx-1-select', async (c) => {
    await withTeam(handle.db, TEAM, (tx) => tx.execute(sql`select 1`));
    return c.text('ok');
  });
  app.get('/bench/tx-4-selects', async (c) => {
    await withTeam(handle.db, TEAM, async (tx) => {
      for (let i = 0; i < 4; i++) await tx.execute(sql`select 1`);
    });
    return c.text('ok');
  });
  const server = listen({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => process.send!({ port: info.port }));
  if (PROFILE_DIR) answerProfileRequests();
  // Exit at once: requests autocannon left in flight would only log failures against a closing
  // pool, and the parent drops the scratch database with (force).
  process.once('SIGTERM', () => {
    server.close();
    process.exit(0);
  });
}

/** In the server: starts and stops the CPU profiler when the parent asks (see profiled()). */
function answerProfileRequests(): void {
  const session = new Session();
  session.connect();
  const post = (method: string) => new Promise<any>((resolve, reject) => session.post(method, (error, result) => (error ? reject(error) : resolve(result))));
  process.on('message', async (message: { profile?: 'start' | 'stop'; file?: string }) => {
    if (message.profile === 'start') {
      await post('Profiler.enable');
      await post('Profiler.start');
      process.send!({ started: true });
    } else if (message.profile === 'stop') {
      const { profile } = await post('Profiler.stop');
      mkdirSync(dirname(message.file!), { recursive: true });
      writeFileSync(message.file!, JSON.stringify(profile));
      process.send!({ file: message.file });
    }
  });
}

if (process.env.BENCH_HTTP_SERVER) {
  await serve(process.env.BENCH_HTTP_SERVER);
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.table(await benchHttp());
  process.exit(0);
}
