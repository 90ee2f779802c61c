import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST_PLACEHOLDER_URL, MANIFEST_URL_FIELDS } from '../../src/pages/slack-setup.js';
import { freshClone, type FreshClone } from '../support/fresh-clone.js';
import { appEnv, freePort, repoRoot, startServerProcess, type ServerProcess } from '../support/server-process.js';

const run = promisify(execFile);
const readme = await readFile(join(repoRoot, 'README.md'), 'utf8');

/** The fenced ```sh block after the HTML comment that starts with `marker`. */
function blockAfter(marker: string): string {
  const at = readme.indexOf(`<!-- ${marker}`);
  if (at < 0) throw new Error(`README.md has no block marked "${marker}"`);
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!block) throw new Error(`README.md: no sh block after "${marker}"`);
  return block[1]!;
}

/** The JSON values curl printed one after the other (curl -s adds no newline between them). */
function jsonValues(output: string): any[] {
  const values: any[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < output.length; i++) {
    const ch = output[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') {
      if (depth++ === 0) start = i;
    } else if (ch === '}' || ch === ']') {
      if (--depth === 0) values.push(JSON.parse(output.slice(start, i + 1)));
    }
  }
  return values;
}

/** 10:00 UTC on the first weekday at least two days from now, as the README's block computes it. */
function expectedStart(): string {
  let d = new Date(Date.now() + 2 * 864e5);
  while ([0, 6].includes(d.getUTCDay())) d = new Date(+d + 864e5);
  return `${d.toISOString().slice(0, 10)}T10:00:00.000Z`;
}

/**
 * The README's commands as a newcomer runs them on a fresh clone: an API key from the keys CLI,
 * `npm start`, then the curl walk-through from the README itself, word for word except for the
 * key it printed and the port.
 */
describe('the README, run as written on a fresh clone', () => {
  let clone: FreshClone;
  let dataDir: string;
  let server: ServerProcess;
  let port: number;
  let env: NodeJS.ProcessEnv;
  let key: string;

  beforeAll(async () => {
    clone = await freshClone();
    dataDir = await mkdtemp(join(tmpdir(), 'meetings-readme-data-'));
    port = await freePort();
    env = appEnv({ PORT: String(port), DATA_DIR: dataDir });
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
    await clone?.remove();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const bash = (script: string) => run('bash', ['-euo', 'pipefail', '-c', script], { cwd: clone.dir, env, maxBuffer: 8 * 1024 * 1024 });

  it('creates and lists an API key with npm run keys (server stopped)', async () => {
    const [create, list] = blockAfter('test/readme runs this block\'s first two commands').split('\n');
    expect(create).toMatch(/^npm run keys -- create /);
    const created = await bash(create!);
    key = /mfs_[\w-]+/.exec(created.stdout)![0];
    const listed = await bash(list!);
    expect(listed.stdout).toContain(`mfs_${key.split('_')[1]}_…  helpdesk  (active;`);
  }, 120_000);

  it('starts with npm start and books through the curl walk-through, with the date computed', async () => {
    expect(readme).toContain('npm install && npm start');
    server = await startServerProcess('npm', ['start'], { cwd: clone.dir, env, url: `http://127.0.0.1:${port}/healthz`, timeoutMs: 120_000 });

    const walk = blockAfter('test/readme runs this block as written');
    expect(walk).toContain('KEY=mfs_...\n');
    expect(walk).toContain('B=http://localhost:3000/api/meetings\n');
    expect(walk).not.toMatch(/20\d\d-\d\d-\d\d/); // no fixed date to go stale
    const script = walk.replace('KEY=mfs_...', `KEY=${key}`).replace('http://localhost:3000', `http://127.0.0.1:${port}`);
    const first = jsonValues((await bash(script)).stdout);
    expect(first).toHaveLength(3);
    const [types, person, booked] = first;
    expect(types.meetingTypes.map((t: any) => t.durationMinutes)).toContain(30);
    expect(person).toMatchObject({ id: 'U0ANA', name: 'Ana Lopez', timeZone: 'Europe/London' });
    expect(booked.booking).toMatchObject({ status: 'confirmed', startUtc: expectedStart(), organizerId: 'U0ANA' });
    expect(booked.booking.start).toMatch(/-0[45]:00$/); // in New York time, as asked

    // The same block again is a retry: the same Idempotency-Key gives the same booking.
    const again = jsonValues((await bash(script)).stdout);
    expect(again[2].booking.id).toBe(booked.booking.id);

    const availability = blockAfter('test/readme runs this block after the one above');
    const [slots] = jsonValues((await bash(`${script}\n${availability}`)).stdout).slice(3);
    expect(slots.slots.length).toBeGreaterThan(0);
    expect(slots.slots.map((s: any) => s.startUtc)).not.toContain(expectedStart());
  }, 180_000);

  it('names all four URLs of manifest.yml that point at the server', async () => {
    const manifest = await readFile(join(repoRoot, 'manifest.yml'), 'utf8');
    const parsed = parse(manifest);
    const urls = [
      parsed.features.slash_commands[0].url,
      parsed.settings.event_subscriptions.request_url,
      parsed.settings.interactivity.request_url,
      parsed.settings.interactivity.message_menu_options_url,
    ];
    expect(urls).toEqual(Array(4).fill(`${MANIFEST_PLACEHOLDER_URL}/slack/events`));
    // Those are all: no other line (comments aside) names the placeholder.
    const lines = manifest.split('\n').filter((line) => line.includes(MANIFEST_PLACEHOLDER_URL) && !line.trim().startsWith('#'));
    expect(lines).toHaveLength(MANIFEST_URL_FIELDS.length);
    expect(readme).toContain(`replace the four \`${MANIFEST_PLACEHOLDER_URL}\``);
    for (const [field] of MANIFEST_URL_FIELDS) expect(readme).toContain(`\`${field}\``);
  });
});
