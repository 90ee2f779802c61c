import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../processes/support.js';

const RADICALE = '/usr/bin/radicale';

/** Debian's radicale package, installed (as root, with apt-get) when it is missing. */
export function ensureRadicale(): void {
  if (existsSync(RADICALE)) return;
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) {
    throw new Error(`The CalDAV tests need ${RADICALE}. Install it with: sudo apt-get install -y radicale`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', 'radicale'], { stdio: 'inherit', env });
}

export interface RadicaleServer {
  url: string;
  users: Record<string, string>;
  /** Creates a calendar collection for `user` (MKCALENDAR) and returns its URL. */
  makeCalendar(user: string, name: string, displayName: string): Promise<string>;
  /** Stores an iCalendar object as another CalDAV client would. */
  put(user: string, url: string, ics: string): Promise<void>;
  get(user: string, url: string): Promise<{ status: number; text: string; etag: string | null }>;
  stop(): Promise<void>;
}

/** A real Radicale on a free port, with its own storage in a temporary directory and plain htpasswd users. */
export async function startRadicale(users: Record<string, string>): Promise<RadicaleServer> {
  ensureRadicale();
  const dir = await mkdtemp(join(tmpdir(), 'radicale-'));
  const port = await freePort();
  await writeFile(join(dir, 'users'), Object.entries(users).map(([u, p]) => `${u}:${p}`).join('\n') + '\n');
  await writeFile(
    join(dir, 'config'),
    [
      '[server]',
      `hosts = 127.0.0.1:${port}`,
      '[auth]',
      'type = htpasswd',
      `htpasswd_filename = ${join(dir, 'users')}`,
      'htpasswd_encryption = plain',
      '[storage]',
      `filesystem_folder = ${join(dir, 'collections')}`,
      '[rights]',
      'type = owner_only',
      '[logging]',
      'level = warning',
    ].join('\n'),
  );
  const child: ChildProcess = spawn(RADICALE, ['--config', join(dir, 'config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += String(chunk)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      await fetch(`${url}/.well-known/caldav`, { redirect: 'manual' });
      break;
    } catch {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`Radicale did not start: ${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const auth = (user: string) => `Basic ${Buffer.from(`${user}:${users[user]}`).toString('base64')}`;
  return {
    url,
    users,
    async makeCalendar(user, name, displayName) {
      const collection = `${url}/${user}/${name}/`;
      const response = await fetch(collection, {
        method: 'MKCALENDAR',
        headers: { authorization: auth(user), 'content-type': 'application/xml' },
        body: `<?xml version="1.0" encoding="utf-8"?><C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop><D:displayname>${displayName}</D:displayname><C:supported-calendar-component-set><C:comp name="VEVENT"/></C:supported-calendar-component-set></D:prop></D:set></C:mkcalendar>`,
      });
      if (response.status !== 201) throw new Error(`MKCALENDAR ${collection}: ${response.status} ${await response.text()}`);
      return collection;
    },
    async put(user, objectUrl, ics) {
      const response = await fetch(objectUrl, { method: 'PUT', headers: { authorization: auth(user), 'content-type': 'text/calendar; charset=utf-8' }, body: ics });
      if (!response.ok) throw new Error(`PUT ${objectUrl}: ${response.status} ${await response.text()}`);
    },
    async get(user, objectUrl) {
      const response = await fetch(objectUrl, { headers: { authorization: auth(user) } });
      return { status: response.status, text: await response.text(), etag: response.headers.get('etag') };
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
