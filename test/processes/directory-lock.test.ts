import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppProcess, type AppProcess } from './support.js';

const run = promisify(execFile);
const root = new URL('../..', import.meta.url).pathname;

/** The keys CLI as `npm run keys` runs it; never throws, answers its exit code and output. */
async function keys(dataDir: string, ...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli/keys.ts', ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: '', DATA_DIR: dataDir, PORT: '1' },
    });
    return { code: 0, out: stdout + stderr };
  } catch (error: any) {
    return { code: error.code ?? 1, out: `${error.stdout ?? ''}${error.stderr ?? ''}` };
  }
}

describe('the embedded database is opened by one process at a time', () => {
  let dataDir: string;
  let server: AppProcess | undefined;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'meetings-lock-'));
  });
  afterAll(async () => {
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses the keys CLI and a second server while a server holds it, whatever their port, naming the process', async () => {
    server = await startAppProcess({ DATABASE_URL: '', DATA_DIR: dataDir });
    const pid = server.child.pid!;
    const refused = await keys(dataDir, 'create', '--team', 'T0LOCK', '--name', 'blocked');
    expect(refused.code).toBe(1);
    expect(refused.out).toContain(`open in another process (pid ${pid}`);
    expect(refused.out).not.toContain('mfs_');
    await expect(startAppProcess({ DATABASE_URL: '', DATA_DIR: dataDir })).rejects.toThrow(`open in another process (pid ${pid}`);
    // The server is unharmed.
    expect((await fetch(`${server.base}/healthz`)).status).toBe(200);
  }, 120_000);

  it('lets the CLI in once the server stopped, and takes over a lock left by a process that is gone', async () => {
    await server?.stop();
    server = undefined;
    const created = await keys(dataDir, 'create', '--team', 'T0LOCK', '--name', 'after');
    expect(created.code).toBe(0);
    expect(created.out).toMatch(/mfs_[a-z0-9]{8}_/);
    await writeFile(join(dataDir, 'pglite.lock'), JSON.stringify({ pid: 2 ** 22 + 17, command: 'crashed', since: '2026-01-01T00:00:00Z' }));
    const listed = await keys(dataDir, 'list', '--team', 'T0LOCK');
    expect(listed.code).toBe(0);
    expect(listed.out).toContain('after');
  }, 120_000);
});
