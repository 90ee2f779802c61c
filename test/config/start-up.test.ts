import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { describe, expect, inject, it } from 'vitest';
import { databaseKinds } from '../support/databases.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** `src/main.ts` as `npm start` runs it, from an empty directory (no .env), with only `env` set. */
async function startApp(env: Record<string, string>): Promise<{ child: ChildProcess; port: number; cwd: string }> {
  const cwd = await mkdtemp(join(tmpdir(), 'meetings-start-cwd-'));
  const child = spawn(join(root, 'node_modules/.bin/tsx'), [join(root, 'src/main.ts')], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? cwd, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const port = await new Promise<number>((resolve, reject) => {
    const onData = () => {
      const m = /Listening on http:\/\/localhost:(\d+)/.exec(output);
      if (m) resolve(Number(m[1]));
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the app exited with ${code} before listening:\n${output}`)));
  });
  return { child, port, cwd };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

describe.each(databaseKinds())('start-up on %s', (kind) => {
  it('creates its directories whatever is configured, and serves /healthz', { timeout: 120_000 }, async () => {
    const base = await mkdtemp(join(tmpdir(), 'meetings-start-'));
    const dataDir = join(base, 'not', 'yet', 'there');
    let database: string | undefined;
    const env: Record<string, string> = { DATA_DIR: dataDir };
    if (kind === 'pglite') {
      // The case that failed: LINK_SECRET set, so nothing else created DATA_DIR before PGlite wanted it.
      env.LINK_SECRET = 'start-up-test-link-secret-0123456789abcdef';
    } else {
      database = `${inject('postgresTemplate')}_start_${randomBytes(3).toString('hex')}`;
      const admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
      await admin.unsafe(`create database ${database} template ${inject('postgresTemplate')}`);
      await admin.end();
      const url = new URL(process.env.DATABASE_URL!);
      url.pathname = `/${database}`;
      env.DATABASE_URL = url.toString();
    }
    const app = await startApp(env);
    try {
      const health = await fetch(`http://127.0.0.1:${app.port}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok', database: { kind } });
      if (kind === 'pglite') expect(existsSync(join(dataDir, 'pglite'))).toBe(true);
      // Without LINK_SECRET the app makes one and keeps it in DATA_DIR.
      else expect((await readFile(join(dataDir, 'link-secret'), 'utf8')).trim().length).toBeGreaterThanOrEqual(32);
    } finally {
      await stop(app.child);
      await rm(base, { recursive: true, force: true });
      await rm(app.cwd, { recursive: true, force: true });
      if (database) {
        const admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
        await admin.unsafe(`drop database if exists ${database} with (force)`);
        await admin.end();
      }
    }
  });
});
