import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { http, HttpResponse } from 'msw';
import { ensureTeam, upsertPerson } from '../src/bookings/index.js';
import { calendarsOf } from '../src/calendars/service.js';
import { withTeam } from '../src/db/tenant.js';
import { BENCH_NOW, BENCH_TEAM, benchSlack } from './slack.js';

const SECRETS_KEY = 'bench-secrets-key-0123456789abcdefghijklmnop';
const CONCURRENCY = 16;

/** A feed with a daily recurring event and one-off events, as a person's own calendar would publish. */
const FEED = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//Bench//EN',
  'BEGIN:VEVENT',
  'UID:daily-standup',
  'DTSTART;TZID=Europe/London:20270101T093000',
  'DTEND;TZID=Europe/London:20270101T094500',
  'RRULE:FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR',
  'END:VEVENT',
  ...Array.from({ length: 40 }, (_, i) => ['BEGIN:VEVENT', `UID:one-off-${i}`, `DTSTART:202703${String(2 + (i % 27)).padStart(2, '0')}T1${i % 7}0000Z`, `DTEND:202703${String(2 + (i % 27)).padStart(2, '0')}T1${i % 7}3000Z`, 'END:VEVENT']).flat(),
  'END:VCALENDAR',
  '',
].join('\r\n');

/** Google FreeBusy and Microsoft getSchedule answering with a couple of busy hours a day. */
function providerHandlers() {
  const busyDays = (lo: number, hi: number) => {
    const out: { start: string; end: string }[] = [];
    for (let day = Math.floor(lo / 86_400_000) * 86_400_000; day < hi; day += 86_400_000) {
      out.push({ start: new Date(day + 13 * 3_600_000).toISOString(), end: new Date(day + 14 * 3_600_000).toISOString() });
    }
    return out;
  };
  return [
    http.post('https://www.googleapis.com/calendar/v3/freeBusy', async ({ request }) => {
      const body = (await request.json()) as { timeMin: string; timeMax: string; items: { id: string }[] };
      const busy = busyDays(Date.parse(body.timeMin), Date.parse(body.timeMax));
      return HttpResponse.json({ kind: 'calendar#freeBusy', calendars: Object.fromEntries(body.items.map((i) => [i.id, { busy }])) });
    }),
    http.post('https://graph.microsoft.com/v1.0/me/calendar/getSchedule', async ({ request }) => {
      const body = (await request.json()) as { schedules: string[]; startTime: { dateTime: string }; endTime: { dateTime: string } };
      const items = busyDays(Date.parse(`${body.startTime.dateTime}Z`), Date.parse(`${body.endTime.dateTime}Z`)).map((b) => ({
        status: 'busy',
        start: { dateTime: b.start.replace('Z', ''), timeZone: 'UTC' },
        end: { dateTime: b.end.replace('Z', ''), timeZone: 'UTC' },
      }));
      return HttpResponse.json({ value: body.schedules.map((scheduleId) => ({ scheduleId, availabilityView: '', scheduleItems: items })) });
    }),
  ];
}

async function inBatches<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(work));
}

/**
 * `/meet` → `views.open` (and → the modal filled) with no calendars, then with three connected
 * calendars per person (an iCal feed from a local server, Google and Microsoft 365 answered by
 * msw), in the same run, each in its own scratch database, after a warm-up pass. The calendars
 * are read once when connected, as they are in use (the background refresher keeps them fresh).
 */
export async function benchCalendars(): Promise<Record<string, Record<string, number | string>>> {
  const feedServer = createServer((_, res) => {
    res.writeHead(200, { 'content-type': 'text/calendar' });
    res.end(FEED);
  });
  await new Promise<void>((resolve) => feedServer.listen(0, '127.0.0.1', resolve));
  const feedUrl = `http://127.0.0.1:${(feedServer.address() as AddressInfo).port}/feed.ics`;
  try {
    const noCalendars = () =>
      benchSlack({
        prepare: async (db, _config, people) => {
          await withTeam(db, BENCH_TEAM, async (tx) => {
            await ensureTeam(tx, BENCH_TEAM);
            for (const id of people) await upsertPerson(tx, BENCH_TEAM, { slackUserId: id, name: `Person ${id}`, email: `${id.toLowerCase()}@bench.test`, timeZone: 'Europe/London' });
          });
        },
      });
    // A first pass warms the process and the database up (its figures are dropped): whichever
    // configuration ran first was otherwise the slower, whatever it was.
    await noCalendars();
    const calendars = { secretsKey: SECRETS_KEY, google: { clientId: 'bench', clientSecret: 'bench' }, microsoft: { clientId: 'bench', clientSecret: 'bench', tenant: 'common' } };
    const withCalendars = await benchSlack({
      calendars,
      handlers: providerHandlers(),
      prepare: async (db, config, people) => {
        await withTeam(db, BENCH_TEAM, async (tx) => {
          await ensureTeam(tx, BENCH_TEAM);
          for (const id of people) await upsertPerson(tx, BENCH_TEAM, { slackUserId: id, name: `Person ${id}`, email: `${id.toLowerCase()}@bench.test`, timeZone: 'Europe/London' });
        });
        const service = calendarsOf({ db, config, now: () => BENCH_NOW });
        const tokens = { accessToken: 'bench-access', refreshToken: 'bench-refresh', expiresAt: Date.now() + 3_600_000 };
        await inBatches(people, CONCURRENCY, async (id) => {
          await service.saveAccount(BENCH_TEAM, id, { provider: 'ical', label: 'Work feed', settings: {}, secret: { url: feedUrl }, remote: [{ externalId: 'feed', name: 'Work feed', canWrite: false }] });
          await service.saveAccount(BENCH_TEAM, id, {
            provider: 'google',
            label: `${id}@gmail.bench`,
            settings: { username: `${id}@gmail.bench` },
            secret: tokens,
            remote: [{ externalId: `${id}@gmail.bench`, name: 'Personal', primary: true, canWrite: true, timeZone: 'Europe/London' }],
          });
          await service.saveAccount(BENCH_TEAM, id, {
            provider: 'microsoft',
            label: `${id}@contoso.bench`,
            settings: { username: `${id}@contoso.bench` },
            secret: tokens,
            remote: [{ externalId: 'schedule', name: 'Outlook calendar', primary: true, canWrite: true }],
          });
        });
        const sample = await service.busyFor(BENCH_TEAM, [people[0]!], BENCH_NOW, new Date(BENCH_NOW.getTime() + 7 * 86_400_000));
        if (sample.unread.length || (sample.busy.get(people[0]!)?.length ?? 0) < 10) throw new Error(`Calendars were not read: ${JSON.stringify(sample.unread)}`);
      },
    });
    const baseline = await noCalendars();
    const row = (key: string) => {
      const base = baseline[key] as unknown as Record<string, number>;
      const cal = withCalendars[key] as unknown as Record<string, number>;
      return {
        'p50 ms, no calendars': base['p50 ms']!,
        'p50 ms, 3 calendars': cal['p50 ms']!,
        'p99 ms, no calendars': base['p99 ms']!,
        'p99 ms, 3 calendars': cal['p99 ms']!,
        'p99 ratio': Math.round((cal['p99 ms']! / base['p99 ms']!) * 100) / 100,
      };
    };
    return {
      '/meet → views.open': row('/meet → views.open'),
      '/meet → modal filled': row('/meet → modal filled (views.update)'),
      'submission → meeting posted': row('submission → meeting posted'),
    };
  } finally {
    feedServer.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await benchCalendars();
  console.log('Slack with people\'s calendars: the same rounds without and with three connected calendars per person (ms)');
  console.table(result);
  process.exit(0);
}
