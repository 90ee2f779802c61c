import type { Config } from '../../../src/config.js';
import { CalendarService } from '../../../src/calendars/service.js';
import type { DatabaseHandle } from '../../../src/db/client.js';
import { openTestDatabase, type DatabaseKind } from '../../support/databases.js';
import { seedTeam, type SeededTeam } from '../../support/fixtures.js';

export const TEAM = 'T0CAL';
export const SECRETS_KEY = 'test-secrets-key-0123456789abcdefghijklmnop';

export function calendarConfig(overrides: Partial<NonNullable<Config['calendars']>> = {}): Config {
  return {
    port: 0,
    publicUrl: 'https://meet.test',
    dataDir: '/tmp/meetings-calendar-tests',
    linkSecret: 'link-secret-for-calendar-tests-0123456789',
    slack: { apiUrl: 'https://slack.test/api/' },
    email: {},
    twilio: { apiUrl: 'https://video.twilio.test' },
    calendars: {
      secretsKey: SECRETS_KEY,
      google: { clientId: 'google-client', clientSecret: 'google-secret' },
      microsoft: { clientId: 'ms-client', clientSecret: 'ms-secret', tenant: 'common' },
      ...overrides,
    },
  };
}

export interface CalendarTest {
  handle: DatabaseHandle;
  team: SeededTeam;
  config: Config;
  clock: { now: Date };
  service: CalendarService;
}

/** A fresh database with a team and people (id → zone), and the calendar service on a settable clock. */
export async function startCalendarTest(kind: DatabaseKind, now: Date, people: Record<string, string>, config = calendarConfig()): Promise<CalendarTest> {
  const handle = await openTestDatabase(kind);
  const team = await seedTeam(handle.db, TEAM, people);
  const clock = { now };
  const service = new CalendarService(handle.db, config, () => clock.now, { warn: () => {}, error: () => {} });
  return { handle, team, config, clock, service };
}
