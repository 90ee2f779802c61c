/**
 * Runs every benchmark and prints its figures: `npm run bench` (Postgres at DATABASE_URL, default
 * the local server). `npm run bench -- availability booking` runs only those.
 */
const suites: Record<string, () => Promise<unknown>> = {
  availability: async () => (await import('./availability.js')).benchAvailability(),
  booking: async () => (await import('./booking.js')).benchBooking(),
  http: async () => (await import('./http.js')).benchHttp(),
  contention: async () => (await import('./contention.js')).benchContention(),
  slack: async () => (await import('./slack.js')).benchSlack(),
  calendars: async () => (await import('./calendars.js')).benchCalendars(),
  'call-page': async () => (await import('./call-page.js')).benchCallPage(),
  start: async () => (await import('./start.js')).benchStart(),
  'booking-page': async () => (await import('./booking-page.js')).benchBookingPage(),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const name of wanted.length ? wanted : Object.keys(suites)) {
  const run = suites[name];
  if (!run) {
    console.error(`Unknown benchmark "${name}"; choose from ${Object.keys(suites).join(', ')}`);
    process.exitCode = 1;
    continue;
  }
  console.log(`\n=== ${name}`);
  const result = await run();
  if (result && typeof result === 'object') console.table(result);
}
process.exit(process.exitCode ?? 0);
