import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/api/keys.js';
import { openDatabase } from '../../src/db/client.js';
import { freshClone, type FreshClone } from '../support/fresh-clone.js';
import { appEnv, freePort, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { commandBody, sign, SIGNING_SECRET } from '../slack/support/slack-requests.js';

/**
 * `npm start` as a newcomer runs it, in a fresh clone (nothing built, no data): it builds the
 * server bundle and the pages, then serves them with plain Node on the embedded database; later
 * starts skip the build until a source file changes. Everything is asked of the running process
 * over HTTP, so the bundle itself is what is tested.
 */
describe('npm start on a fresh clone', () => {
  let clone: FreshClone;
  let dataDir: string;

  beforeAll(async () => {
    clone = await freshClone();
    dataDir = await mkdtemp(join(tmpdir(), 'meetings-start-data-'));
  });

  afterAll(async () => {
    await clone?.remove();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  async function npmStart(settings: Record<string, string> = {}): Promise<ServerProcess & { base: string }> {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const server = await startServerProcess('npm', ['start'], {
      cwd: clone.dir,
      env: appEnv({ PORT: String(port), DATA_DIR: dataDir, ...settings }),
      url: `${base}/healthz`,
      timeoutMs: 120_000,
    });
    return { ...server, base };
  }

  it('builds what is missing, then serves the built app: health, home page, Slack set-up, call page assets', async () => {
    expect(existsSync(join(clone.dir, 'dist'))).toBe(false);
    const server = await npmStart({ PUBLIC_URL: 'https://meet.acme.test' });
    try {
      expect(server.output()).toMatch(/build: dist\/server\/main\.js and web\/dist/);
      expect(server.output()).toMatch(/Database: embedded PGlite in .*pglite, opened and migrated/);
      expect(existsSync(join(clone.dir, 'dist/server/main.js'))).toBe(true);

      const health = await fetch(`${server.base}/healthz`);
      expect(await health.json()).toMatchObject({ status: 'ok', database: { kind: 'pglite', ok: true } });

      const home = await fetch(`${server.base}/`);
      expect(home.status).toBe(200);
      expect(home.headers.get('content-type')).toMatch(/^text\/html/);
      const homeHtml = await home.text();
      for (const href of ['/api/docs', '/healthz', '/setup']) expect(homeHtml).toContain(`href="${href}"`);

      // /setup reads manifest.yml beside the bundle and fills in PUBLIC_URL in all four places.
      const setup = await (await fetch(`${server.base}/setup`)).text();
      expect(setup.match(/https:\/\/meet\.acme\.test\/slack\/events/g)).toHaveLength(5); // four in the manifest, one in the steps
      expect(setup).not.toContain('meet.example.com');

      const script = await fetch(`${server.base}/assets/call.js`);
      expect(script.status).toBe(200);
      expect(script.headers.get('content-type')).toMatch(/javascript/);
      expect((await fetch(`${server.base}/nope`)).status).toBe(404);
    } finally {
      await server.stop();
    }
  }, 180_000);

  it('starts again without building, and rebuilds when a source file changed', async () => {
    const again = await npmStart();
    await again.stop();
    expect(again.output()).not.toMatch(/build:/);

    const home = join(clone.dir, 'src/pages/home.tsx');
    await writeFile(home, (await readFile(home, 'utf8')).replace('<h1>Meetings for Slack</h1>', '<h1>Meetings for Slack, edited</h1>'));
    const rebuilt = await npmStart();
    try {
      expect(rebuilt.output()).toMatch(/build: dist\/server\/main\.js/);
      expect(await (await fetch(`${rebuilt.base}/`)).text()).toContain('<h1>Meetings for Slack, edited</h1>');
    } finally {
      await rebuilt.stop();
    }
  }, 180_000);

  it('serves the API with a key, slots included, and signed Slack requests through Bolt, from the bundle', async () => {
    // The embedded database serves one process at a time: the key is made while the server is stopped.
    const database = await openDatabase({ dataDir: join(dataDir, 'pglite') });
    const key = (await createApiKey(database.db, { teamId: 'T0START', name: 'start-test' })).key;
    await database.close();

    const server = await npmStart({ SLACK_BOT_TOKEN: 'xoxb-start-test', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: 'http://127.0.0.1:9/api/' });
    try {
      expect(server.output()).toContain('Slack: requests at');
      const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
      const types = (await (await fetch(`${server.base}/api/meetings/meeting-types`, { headers: auth })).json()) as any;
      const m30 = types.meetingTypes.find((t: any) => t.durationMinutes === 30);
      expect(m30).toBeDefined();
      const person = await fetch(`${server.base}/api/meetings/availability/people/U0ANA`, {
        method: 'PUT',
        headers: auth,
        body: JSON.stringify({ name: 'Ana Lopez', timeZone: 'Europe/London' }),
      });
      expect(person.status).toBe(200);
      const slots = await fetch(`${server.base}/api/meetings/availability?meetingTypeId=${m30.id}&hostIds=U0ANA&timeZone=America/New_York`, { headers: auth });
      expect(slots.status).toBe(200);
      expect(((await slots.json()) as any).slots.length).toBeGreaterThan(0);

      const body = commandBody({ team_id: 'T0START', user_id: 'U0ANA', channel_id: 'C0GENERAL', text: 'help' });
      const help = await fetch(`${server.base}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...sign(body) },
        body,
      });
      expect(help.status).toBe(200);
      expect(JSON.stringify(await help.json())).toContain('/meet');
      const forged = await fetch(`${server.base}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...sign(body, undefined, 'not-the-secret') },
        body,
      });
      expect(forged.status).toBe(401);
    } finally {
      await server.stop();
    }
  }, 180_000);
});
