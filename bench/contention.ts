import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import postgres from 'postgres';
import { createApiKey } from '../src/api/keys.js';
import { createMeetingType, replaceSchedule, upsertPerson } from '../src/bookings/index.js';
import { openDatabase } from '../src/db/client.js';
import { withTeam } from '../src/db/tenant.js';
import { startAppProcess, type AppProcess } from '../test/processes/support.js';
import { DEFAULT_BENCH_DATABASE_URL, round, scratchPostgres, summarize } from './stats.js';

/**
 * Contention: 1,000 concurrent POST /api/meetings/bookings at one slot of one host, against the
 * real server (the build, dist/server/main.js, as `npm start` runs it, on Postgres), then a round of overlapping
 * slots of unequal length for two hosts named in either order. Prints how many bookings were made
 * and the answers by status (goal: exactly 1 booking, 999 × 409, 0 × 5xx), with p50 and p99
 * beside 1,000 concurrent GET /healthz on the same server in the same run. Both routes are
 * warmed up first by a round of their own (for bookings, at another slot, a day later).
 * `npm run bench -- contention`; BENCH_CONTENTION_REQUESTS changes the count.
 */
const REQUESTS = Number(process.env.BENCH_CONTENTION_REQUESTS ?? 1000);
const TEAM = 'T0CONTENTION';

interface Round {
  round: string;
  requests: number;
  bookings: number;
  '201': number;
  '409': number;
  '503': number;
  other: number;
  'p50 ms': number;
  'p99 ms': number;
  'p99 vs healthz': string;
}

export async function benchContention(baseUrl = process.env.DATABASE_URL ?? DEFAULT_BENCH_DATABASE_URL): Promise<Round[]> {
  const scratch = await scratchPostgres(baseUrl, 'contention');
  const dataDir = await mkdtemp(join(tmpdir(), 'meetings-contention-'));
  let server: AppProcess | undefined;
  try {
    const seeded = await seed(scratch.url);
    // BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server.
    // What `npm start` runs: the build, made first if it is missing or stale.
    execFileSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: 'inherit' });
    server = await startAppProcess(
      { DATABASE_URL: scratch.url, DATA_DIR: dataDir, LINK_SECRET: 'bench-link-secret-bench-link-secret-0123', SLACK_BOT_TOKEN: '' },
      { nodeArgs: (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean), entry: 'dist/server/main.js' },
    );
    const base = server.base;
    const auth = { authorization: `Bearer ${seeded.key}`, 'content-type': 'application/json' };
    console.log(`Server on ${base} (Postgres ${new URL(scratch.url).pathname.slice(1)}); ${REQUESTS} concurrent requests a round`);

    await fire(REQUESTS, () => ({ url: `${base}/healthz` })); // warm-up
    const health = await fire(REQUESTS, () => ({ url: `${base}/healthz` }));
    const healthP99 = summarize(health.map((r) => r.ms)).p99;

    // The booking route warmed up as /healthz was: a round at a slot of its own, not counted.
    await fire(REQUESTS, () => ({
      url: `${base}/api/meetings/bookings`,
      init: { method: 'POST', headers: auth, body: JSON.stringify({ meetingTypeId: seeded.types[30], organizerId: 'U0ONE', start: seeded.slot(24 * 60) }) },
    }));
    const sameSlot = await fire(REQUESTS, () => ({
      url: `${base}/api/meetings/bookings`,
      init: { method: 'POST', headers: auth, body: JSON.stringify({ meetingTypeId: seeded.types[30], organizerId: 'U0ONE', start: seeded.slot(0) }) },
    }));
    const overlapping = await fire(REQUESTS, (i) => {
      const duration = ([15, 30, 45, 60] as const)[i % 4]!;
      const hosts = i % 3 === 0 ? ['U0TWO', 'U0THREE'] : i % 3 === 1 ? ['U0THREE', 'U0TWO'] : ['U0TWO'];
      return {
        url: `${base}/api/meetings/bookings`,
        init: {
          method: 'POST',
          headers: auth,
          body: JSON.stringify({ meetingTypeId: seeded.types[duration], organizerId: hosts[0], hostIds: hosts.slice(1), start: seeded.slot(((i * 7) % 8) * 15) }),
        },
      };
    });
    const counts = await bookingCounts(scratch.url, seeded.slot(0));
    return [
      summarizeRound('1 host, 1 slot', sameSlot, counts.one, healthP99),
      summarizeRound('2 hosts, overlapping 15–60 min slots', overlapping, counts.overlapping, healthP99),
      summarizeRound('GET /healthz (baseline)', health, 0, healthP99),
    ];
  } finally {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
    await scratch.drop();
  }
}

interface Answer {
  status: number;
  ms: number;
}

/** `count` requests started together; each answer's status and time. */
async function fire(count: number, request: (i: number) => { url: string; init?: RequestInit }): Promise<Answer[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const { url, init } = request(i);
      const started = performance.now();
      try {
        const response = await fetch(url, init);
        await response.arrayBuffer();
        return { status: response.status, ms: performance.now() - started };
      } catch {
        return { status: 0, ms: performance.now() - started };
      }
    }),
  );
}

function summarizeRound(name: string, answers: Answer[], bookings: number, healthP99: number): Round {
  const by = (status: number) => answers.filter((a) => a.status === status).length;
  const latency = summarize(answers.map((a) => a.ms));
  return {
    round: name,
    requests: answers.length,
    bookings,
    '201': by(201),
    '409': by(409),
    '503': by(503),
    other: answers.length - by(201) - by(409) - by(503) - (name.startsWith('GET') ? by(200) : 0),
    'p50 ms': round(latency.p50, 0),
    'p99 ms': round(latency.p99, 0),
    'p99 vs healthz': `${round(latency.p99 / healthP99, 1)}×`,
  };
}

async function bookingCounts(url: string, sameSlot: string): Promise<{ one: number; overlapping: number }> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<{ organizer_id: string; n: string }[]>`
      select organizer_id, count(*) as n from bookings
      where team_id = ${TEAM} and status = 'confirmed' and (organizer_id <> 'U0ONE' or starts_at = ${sameSlot}::timestamptz)
      group by organizer_id`;
    const n = (id: string) => Number(rows.find((r) => r.organizer_id === id)?.n ?? 0);
    return { one: n('U0ONE'), overlapping: n('U0TWO') + n('U0THREE') };
  } finally {
    await sql.end();
  }
}

/** A team, its key, three hosts free all week, and 15/30/45/60-minute types on a 15-minute grid. */
async function seed(url: string): Promise<{ key: string; types: Record<15 | 30 | 45 | 60, string>; slot: (minutes: number) => string }> {
  const handle = await openDatabase({ url, max: 2 });
  try {
    const key = (await createApiKey(handle.db, { teamId: TEAM, name: 'bench', rateLimit: 1_000_000 })).key;
    const types = await withTeam(handle.db, TEAM, async (tx) => {
      for (const id of ['U0ONE', 'U0TWO', 'U0THREE']) {
        await upsertPerson(tx, TEAM, { slackUserId: id, name: id, timeZone: 'UTC' });
        await replaceSchedule(tx, TEAM, id, { timeZone: 'UTC', rules: [{ rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU', start: '00:00', end: '23:59' }], overrides: [] });
      }
      const out: Record<number, string> = {};
      for (const minutes of [15, 30, 45, 60]) {
        out[minutes] = (await createMeetingType(tx, TEAM, { name: `Bench ${minutes}`, durationMinutes: minutes, slotIntervalMinutes: 15, minimumNoticeMinutes: 0 })).id;
      }
      return out as Record<15 | 30 | 45 | 60, string>;
    });
    const now = new Date();
    const day = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 2, 10);
    return { key, types, slot: (minutes) => new Date(day + minutes * 60_000).toISOString() };
  } finally {
    await handle.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.table(await benchContention());
  process.exit(0);
}
