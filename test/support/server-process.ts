import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The repository's root, where npm scripts run. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface ServerProcess {
  child: ChildProcess;
  /** Everything it printed so far, stdout and stderr interleaved. */
  output(): string;
  /** Milliseconds from spawning it to its first answer from `readyPath` with status 200. */
  readyMs: number;
  /** SIGTERM, then waits for the exit (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

/**
 * The environment for a server the test starts: this process's, less the app's own settings (a
 * developer's shell or CI's DATABASE_URL), plus `settings`. DATABASE_URL is empty unless given:
 * the embedded database.
 */
export function appEnv(settings: Record<string, string> = {}): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([name]) => !/^(SLACK_|TWILIO_|PUBLIC_URL$|LINK_SECRET$|DATABASE_URL$|DATA_DIR$|PORT$)/.test(name));
  return { ...Object.fromEntries(inherited), DATABASE_URL: '', ...settings };
}

/** A TCP port nobody listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Spawns `command` (in its own process group, so npm's and wrangler's children go too) and polls
 * `url` until it answers 200. Rejects with the process's output if it exits or `timeoutMs` passes first.
 */
export async function startServerProcess(
  command: string,
  args: string[],
  options: { url: string; env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; pollMs?: number },
): Promise<ServerProcess> {
  const spawnedAt = performance.now();
  const child = spawn(command, args, { cwd: options.cwd ?? repoRoot, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));

  const stop = async (graceMs = 10_000) => {
    if (exitCode !== undefined) return;
    signalGroup(child, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
    await exited;
    // npm may exit before the node process it started has shut down (and let go of the database).
    while (groupAlive(child)) await new Promise((resolve) => setTimeout(resolve, 20));
    clearTimeout(timer);
  };

  const deadline = spawnedAt + (options.timeoutMs ?? 30_000);
  for (;;) {
    if (exitCode !== undefined) throw new Error(`${command} ${args.join(' ')} exited with ${exitCode} before ${options.url} answered:\n${output}`);
    if (performance.now() > deadline) {
      await stop(2_000);
      throw new Error(`${options.url} did not answer 200 within ${options.timeoutMs ?? 30_000} ms:\n${output}`);
    }
    const status = await fetch(options.url).then(
      (response) => response.arrayBuffer().then(() => response.status),
      () => 0,
    );
    if (status === 200) return { child, output: () => output, readyMs: performance.now() - spawnedAt, stop };
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 10));
  }
}

function groupAlive(child: ChildProcess): boolean {
  try {
    process.kill(-child.pid!, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}
