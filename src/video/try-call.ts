/**
 * Try the call page without Slack: books a demo meeting a few minutes from now in the configured
 * database (team T0DEMO, two demo members, a "Demo call" type open around the clock) and prints
 * the members' and a guest's join links.
 *
 *   npx tsx src/video/try-call.ts      (with embedded PGlite, while the server is stopped)
 *   npm start                          then open the printed links
 *
 * Node only: a developer tool, not part of the app the Worker serves.
 */
import { existsSync } from 'node:fs';
import { loadConfig, pgliteDir, prepareDataDir } from '../config.js';
import { openDatabase } from '../db/client.js';
import { withTeam } from '../db/tenant.js';
import {
  cancelBooking,
  createBooking,
  createMeetingType,
  ensureTeam,
  listBookings,
  listMeetingTypes,
  replaceSchedule,
  upsertPerson,
} from '../bookings/index.js';
import { guestJoinUrl, joinUrl } from './links.js';

const TEAM = 'T0DEMO';
const PEOPLE = { U0DEMOANA: 'Ana Demo', U0DEMOBEN: 'Ben Demo' };
const AROUND_THE_CLOCK = [{ rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU', start: '00:00', end: '23:59' }];

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = await loadConfig();
  await prepareDataDir(config);
  const database = await openDatabase(config.databaseUrl ? { url: config.databaseUrl } : { dataDir: pgliteDir(config) });
  try {
    const typeId = await withTeam(database.db, TEAM, async (tx) => {
      await ensureTeam(tx, TEAM, 'Demo team');
      for (const [id, name] of Object.entries(PEOPLE)) {
        await upsertPerson(tx, TEAM, { slackUserId: id, name, timeZone: 'UTC' });
        await replaceSchedule(tx, TEAM, id, { timeZone: 'UTC', rules: AROUND_THE_CLOCK, overrides: [] });
      }
      const existing = (await listMeetingTypes(tx)).find((t) => t.name === 'Demo call');
      if (existing) return existing.id;
      const created = await createMeetingType(tx, TEAM, { name: 'Demo call', durationMinutes: 30, slotIntervalMinutes: 5, minimumNoticeMinutes: 0 });
      return created.id;
    });

    // Earlier demo meetings would overlap this one: cancel them.
    const now = new Date();
    const { bookings } = await listBookings(database.db, TEAM, { personId: 'U0DEMOANA', status: 'confirmed', from: new Date(now.getTime() - 3600_000), to: new Date(now.getTime() + 3600_000) });
    for (const old of bookings) await cancelBooking(database.db, TEAM, { bookingId: old.id, actorId: 'U0DEMOANA', reason: 'Replaced by a new demo' });

    const start = new Date(Math.ceil((now.getTime() + 60_000) / 300_000) * 300_000);
    const { booking } = await createBooking(database.db, TEAM, {
      meetingTypeId: typeId,
      organizerId: 'U0DEMOANA',
      hostIds: ['U0DEMOBEN'],
      start: start.toISOString(),
      source: 'api',
      title: 'Demo call',
    });
    console.log(`Demo meeting ${booking.id}: ${booking.startsAt.toISOString()} to ${booking.endsAt.toISOString()} (join opens 10 minutes before)`);
    for (const [id, name] of Object.entries(PEOPLE)) {
      console.log(`  ${name.padEnd(10)} ${await joinUrl(config, { teamId: TEAM, bookingId: booking.id, participant: id })}`);
    }
    console.log(`  ${'Guest'.padEnd(10)} ${await guestJoinUrl(config, { teamId: TEAM, bookingId: booking.id })}`);
    if (!config.twilio.accountSid) console.log('Twilio is not configured: the page opens and previews your camera, and says the video service is not available.');
  } finally {
    await database.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
