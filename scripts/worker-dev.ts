/**
 * npm run worker:dev: the Worker in `wrangler dev` against a local Postgres, on a fresh clone with
 * no editing. Before starting wrangler it
 *   - writes .dev.vars (the Worker's local variables; git-ignored) when there is none, with a
 *     generated LINK_SECRET and PUBLIC_URL;
 *   - picks the database: DATABASE_URL when set, else wrangler.toml's localConnectionString, and
 *     gives it a placeholder password when it has none (wrangler insists on one; a server with
 *     trust authentication ignores it);
 *   - applies the migrations there, as `npm start` does (the Worker never migrates);
 *   - builds web/dist (wrangler.toml's [assets]) when it is missing.
 * Arguments go on to wrangler: `npm run worker:dev -- --port 8788`.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../src/db/client.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const DEV_VARS = join(root, '.dev.vars');
const DEFAULT_PORT = '8787';

function ensureDevVars(port: string): void {
  if (existsSync(DEV_VARS)) return;
  writeFileSync(
    DEV_VARS,
    [
      '# The Worker\'s local variables under `npm run worker:dev` (wrangler dev). Made for you; not committed.',
      '# A deployed Worker gets them as secrets instead: npx wrangler secret put LINK_SECRET',
      `LINK_SECRET=${randomBytes(32).toString('base64url')}`,
      `PUBLIC_URL=http://localhost:${port}`,
      '# Video calls (unset: join links open, calls cannot start):',
      '# TWILIO_ACCOUNT_SID=AC…',
      '# TWILIO_API_KEY=SK…',
      '# TWILIO_API_SECRET=…',
      '# TWILIO_AUTH_TOKEN=…',
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  console.log('worker:dev: wrote .dev.vars (a new LINK_SECRET, PUBLIC_URL); edit it to add Twilio');
}

/** DATABASE_URL, else wrangler.toml's localConnectionString; with a password, as wrangler requires. */
function localDatabaseUrl(): string {
  const configured = process.env.DATABASE_URL || /^\s*localConnectionString\s*=\s*"([^"]+)"/m.exec(readFileSync(join(root, 'wrangler.toml'), 'utf8'))?.[1];
  if (!configured) throw new Error('worker:dev: set DATABASE_URL, or localConnectionString in wrangler.toml, to a local Postgres');
  const url = new URL(configured);
  if (!url.password) url.password = 'postgres';
  return url.toString();
}

async function migrate(url: string): Promise<void> {
  const where = `${new URL(url).host}${new URL(url).pathname}`;
  let database;
  try {
    database = await openDatabase({ url, max: 1 });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`worker:dev: cannot reach Postgres at ${where} (${reason}). Start it, or set DATABASE_URL to one that runs.`);
  }
  await database.close();
  console.log(`worker:dev: Postgres at ${where}, migrated`);
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const portAt = args.indexOf('--port');
  const port = portAt >= 0 ? args[portAt + 1]! : DEFAULT_PORT;
  ensureDevVars(port);
  const url = localDatabaseUrl();
  await migrate(url);
  if (!existsSync(join(root, 'web/dist/call.js'))) {
    const { buildWeb } = await import('../web/build.mjs');
    console.log(`worker:dev: built web/dist\n${(await buildWeb()).join('\n')}`);
  }

  const wrangler = join(dirname(createRequire(import.meta.url).resolve('wrangler/package.json')), 'bin', 'wrangler.js');
  const child = spawn(process.execPath, [wrangler, 'dev', ...(portAt >= 0 ? [] : ['--port', port]), ...args], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: url },
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
