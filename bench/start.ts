import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { appEnv, freePort, repoRoot, startServerProcess } from '../test/support/server-process.js';
import { round } from './stats.js';

/**
 * Time from spawning the server to its first 200 from /healthz, on the embedded database, beside
 * the time of `node -e 0` (an empty Node process, start to exit) measured in the same run:
 *   - cold: a fresh data directory (PGlite creates and migrates it);
 *   - warm: the same data directory again, as every later start is;
 *   - warm through `npm start` (npm itself, the build check, then the server in the same process);
 *   - warm with Slack configured over HTTP (the Slack app's modules are loaded too);
 *   - warm through tsx on the TypeScript sources (npm run dev without the watcher), for comparison.
 * Beside the wall-clock time, the CPU time the started processes used until then (user + system,
 * all their threads; Linux only), which moves less when other work shares the machine.
 * `npm run bench:start` or `npm run bench -- start`; BENCH_START_RUNS (default 5) warm runs each.
 */
const RUNS = Number(process.env.BENCH_START_RUNS ?? 5);

interface Sample {
  wallMs: number;
  cpuMs: number | null;
}

interface Row {
  start: string;
  runs: number;
  'median ms': number;
  'min ms': number;
  'max ms': number;
  'vs node -e 0': string;
  'CPU ms (median)': number | string;
}

export async function benchStart(): Promise<Row[]> {
  execFileSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: repoRoot, stdio: 'inherit' });
  const dataDir = await mkdtemp(join(tmpdir(), 'meetings-bench-start-'));
  try {
    const emptyNode = times(RUNS, () => {
      const started = performance.now();
      spawnSync(process.execPath, ['-e', '0']);
      return { wallMs: performance.now() - started, cpuMs: null };
    });
    const server = ['dist/server/main.js'];
    const cold = [await timeStart(process.execPath, server, dataDir)];
    const warm = await timeStarts(RUNS, process.execPath, server, dataDir);
    const npmStart = await timeStarts(RUNS, process.platform === 'win32' ? 'npm.cmd' : 'npm', ['start'], dataDir);
    const withSlack = await timeStarts(RUNS, process.execPath, server, dataDir, { SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: 'bench-signing-secret' });
    const tsx = await timeStarts(Math.min(RUNS, 3), process.execPath, ['--import', 'tsx', 'src/main.ts'], dataDir);

    const baseline = median(emptyNode.map((s) => s.wallMs));
    const row = (start: string, samples: Sample[]): Row => {
      const wall = samples.map((s) => s.wallMs);
      const cpu = samples.map((s) => s.cpuMs).filter((ms): ms is number => ms !== null);
      return {
        start,
        runs: samples.length,
        'median ms': Math.round(median(wall)),
        'min ms': Math.round(Math.min(...wall)),
        'max ms': Math.round(Math.max(...wall)),
        'vs node -e 0': `${round(median(wall) / baseline, 1)}×`,
        'CPU ms (median)': cpu.length ? Math.round(median(cpu)) : '',
      };
    };
    return [
      row('node -e 0 (baseline: an empty Node process)', emptyNode),
      row('cold: node dist/server/main.js, new data directory', cold),
      row('warm: node dist/server/main.js', warm),
      row('warm: npm start', npmStart),
      row('warm: node dist/server/main.js, Slack configured (HTTP)', withSlack),
      row('warm: tsx src/main.ts (sources, no build)', tsx),
    ];
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function timeStarts(runs: number, command: string, args: string[], dataDir: string, env: Record<string, string> = {}): Promise<Sample[]> {
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) samples.push(await timeStart(command, args, dataDir, env));
  return samples;
}

async function timeStart(command: string, args: string[], dataDir: string, env: Record<string, string> = {}): Promise<Sample> {
  const port = await freePort();
  const server = await startServerProcess(command, args, {
    url: `http://127.0.0.1:${port}/healthz`,
    env: appEnv({ PORT: String(port), DATA_DIR: dataDir, ...env }),
    timeoutMs: 60_000,
    pollMs: 5,
  });
  const cpuMs = groupCpuMs(server.child.pid!);
  await server.stop();
  return { wallMs: server.readyMs, cpuMs };
}

/** User + system CPU time of every process in the group (npm, its shell and node for `npm start`), from /proc. */
function groupCpuMs(group: number): number | null {
  if (process.platform !== 'linux') return null;
  const ticksPerSecond = 100; // USER_HZ, 100 on Linux
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      // Fields after the command name: state ppid pgrp ... utime (12th) stime (13th).
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      if (Number(fields[2]) === group) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // gone meanwhile
    }
  }
  return (ticks * 1000) / ticksPerSecond;
}

function times(runs: number, measure: () => Sample): Sample[] {
  measure(); // warm the file cache
  return Array.from({ length: runs }, measure);
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.table(await benchStart());
  process.exit(0);
}
