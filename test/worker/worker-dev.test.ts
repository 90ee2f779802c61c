import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/api/keys.js';
import { openDatabase } from '../../src/db/client.js';
import { freshClone, type FreshClone } from '../support/fresh-clone.js';
import { appEnv, freePort, startServerProcess, type ServerProcess } from '../support/server-process.js';
import { join } from 'node:path';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) console.warn('test/worker: worker:dev skipped, it needs Postgres: set DATABASE_URL');

/**
 * `npm run worker:dev` on a fresh clone, with no editing: it makes .dev.vars, migrates an empty
 * database, builds the pages wrangler serves, and the Worker answers in `wrangler dev` (workerd)
 * through its Hyperdrive binding.
 */
describe.skipIf(!databaseUrl)('npm run worker:dev on a fresh clone, against Postgres', () => {
  let clone: FreshClone;
  let worker: ServerProcess;
  let base: string;
  let url: URL;
  const name = `meetings_worker_dev_${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    const admin = postgres(databaseUrl!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    await admin.end();
    url = new URL(databaseUrl!);
    url.pathname = `/${name}`;
    clone = await freshClone();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    worker = await startServerProcess('npm', ['run', 'worker:dev', '--', '--port', String(port), '--ip', '127.0.0.1'], {
      cwd: clone.dir,
      // CLOUDFLARE_CF_FETCH_ENABLED=false: there is no internet here for wrangler's request.cf lookup.
      env: appEnv({ DATABASE_URL: url.toString(), CLOUDFLARE_CF_FETCH_ENABLED: 'false', WRANGLER_SEND_METRICS: 'false' }),
      url: `${base}/healthz`,
      timeoutMs: 150_000,
    });
  }, 180_000);

  afterAll(async () => {
    await worker?.stop();
    await clone?.remove();
    const admin = postgres(databaseUrl!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  });

  it('makes .dev.vars with a generated LINK_SECRET, migrates the database and answers /healthz from Postgres', async () => {
    const vars = await readFile(join(clone.dir, '.dev.vars'), 'utf8');
    expect(vars).toMatch(/^LINK_SECRET=[\w-]{43}$/m);
    expect(vars).toMatch(/^PUBLIC_URL=http:\/\/localhost:\d+$/m);
    expect(existsSync(join(clone.dir, 'web/dist/call.js'))).toBe(true);
    expect(worker.output()).toContain(`worker:dev: Postgres at ${url.host}/${name}, migrated`);
    const health = await fetch(`${base}/healthz`);
    expect(await health.json()).toMatchObject({ status: 'ok', database: { kind: 'postgres', ok: true } });
  });

  it('serves the API with a team key, and the pages', async () => {
    const database = await openDatabase({ url: url.toString(), max: 1, migrate: false });
    const key = (await createApiKey(database.db, { teamId: 'T0WORKERDEV', name: 'dev' })).key;
    await database.close();
    const types = await fetch(`${base}/api/meetings/meeting-types`, { headers: { authorization: `Bearer ${key}` } });
    expect(types.status).toBe(200);
    expect(((await types.json()) as any).meetingTypes.map((t: any) => t.durationMinutes)).toEqual([15, 30, 60]);
    expect((await fetch(`${base}/api/meetings/meeting-types`)).status).toBe(401);
    // A join link signed with another secret is refused by a page, not a 500: LINK_SECRET is set.
    const refused = await fetch(`${base}/m/00000000-0000-4000-8000-000000000000?k=forged`);
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);
    expect(await (await fetch(`${base}/`)).text()).toContain('<h1>Meetings for Slack</h1>');
    expect((await fetch(`${base}/assets/call.css`)).status).toBe(200);
    const embed = await fetch(`${base}/embed.js`);
    expect(embed.status).toBe(200);
    expect(embed.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(embed.headers.get('access-control-allow-origin')).toBe('*');
  });
});
