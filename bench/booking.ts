import { pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../src/db/client.js';
import { withTeam } from '../src/db/tenant.js';
import { createBooking, createMeetingType, ensureTeam, upsertPerson } from '../src/bookings/index.js';
import { DEFAULT_BENCH_DATABASE_URL, round, scratchPostgres } from './stats.js';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 16);
const BOOKINGS_PER_CLIENT = 60;
const INSERTS_PER_CLIENT = 600;
/** Not timed: compiled code and prepared statements on every connection, for both loops alike. */
const WARM_UP_BOOKINGS_PER_CLIENT = 10;
const WARM_UP_INSERTS_PER_CLIENT = 100;

/**
 * Booking throughput on Postgres with 16 concurrent clients (each books its own host, so every
 * attempt succeeds and the full path runs: validation, availability re-check, inserts, constraint),
 * beside a bare single-row INSERT loop on the same database with the same concurrency. Each loop
 * runs a few rounds untimed first, on slots a year later and rows of their own.
 */
export async function benchBooking(baseUrl = process.env.DATABASE_URL ?? DEFAULT_BENCH_DATABASE_URL) {
  const scratch = await scratchPostgres(baseUrl, 'booking');
  const handle = await openDatabase({ url: scratch.url, max: CLIENTS });
  try {
    const teamId = 'T0BENCH';
    const now = new Date('2027-01-04T00:00:00Z');
    const type = await withTeam(handle.db, teamId, async (tx) => {
      await ensureTeam(tx, teamId, 'Bench');
      for (let i = 0; i < CLIENTS; i++) {
        await upsertPerson(tx, teamId, { slackUserId: `U0HOST${i}`, name: `Host ${i}`, timeZone: 'UTC' });
      }
      return createMeetingType(tx, teamId, {
        name: 'Bench 30',
        durationMinutes: 30,
        slotIntervalMinutes: 30,
        minimumNoticeMinutes: 0,
        bookingHorizonDays: 730,
      });
    });
    // Monday to Friday 09:00–17:00 UTC: 16 slots a day; walk the weekdays from 4 Jan 2027.
    const slotStarts: Date[] = [];
    for (let day = 0; slotStarts.length < BOOKINGS_PER_CLIENT; day++) {
      const date = new Date(now.getTime() + day * 86_400_000);
      if (date.getUTCDay() === 0 || date.getUTCDay() === 6) continue;
      for (let s = 0; s < 16 && slotStarts.length < BOOKINGS_PER_CLIENT; s++) slotStarts.push(new Date(date.getTime() + (9 * 60 + s * 30) * 60_000));
    }

    const book = (starts: Date[]) =>
      Promise.all(
        Array.from({ length: CLIENTS }, async (_, client) => {
          for (const start of starts) {
            await createBooking(handle.db, teamId, { meetingTypeId: type.id, organizerId: `U0HOST${client}`, start, source: 'api' }, { now });
          }
        }),
      );
    await book(slotStarts.slice(0, WARM_UP_BOOKINGS_PER_CLIENT).map((start) => new Date(start.getTime() + 364 * 86_400_000)));
    const bookStarted = performance.now();
    await book(slotStarts);
    const bookSeconds = (performance.now() - bookStarted) / 1000;
    const bookings = CLIENTS * BOOKINGS_PER_CLIENT;

    await handle.db.execute(sql`create table bench_insert (id bigserial primary key, team_id text not null, payload text not null, created_at timestamptz not null default now())`);
    const insert = (rows: number, label: string) =>
      Promise.all(
        Array.from({ length: CLIENTS }, async (_, client) => {
          for (let i = 0; i < rows; i++) {
            await handle.db.execute(sql`insert into bench_insert (team_id, payload) values (${teamId}, ${`${label} client ${client} row ${i}`})`);
          }
        }),
      );
    await insert(WARM_UP_INSERTS_PER_CLIENT, 'warm-up');
    const insertStarted = performance.now();
    await insert(INSERTS_PER_CLIENT, 'timed');
    const insertSeconds = (performance.now() - insertStarted) / 1000;
    const inserts = CLIENTS * INSERTS_PER_CLIENT;

    const bookingsPerSecond = bookings / bookSeconds;
    const insertsPerSecond = inserts / insertSeconds;
    return {
      clients: CLIENTS,
      bookings,
      bookingsPerSecond: round(bookingsPerSecond, 1),
      msPerBookingPerClient: round((bookSeconds * 1000 * CLIENTS) / bookings, 2),
      baselineInserts: inserts,
      baselineInsertsPerSecond: round(insertsPerSecond, 1),
      ratioToInsertBaseline: round(bookingsPerSecond / insertsPerSecond, 3),
    };
  } finally {
    await handle.close();
    await scratch.drop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await benchBooking();
  console.log('Booking throughput on Postgres');
  console.table(result);
}
