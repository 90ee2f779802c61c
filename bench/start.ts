import { execFileSync, spawnSync } from 'node:child_process';
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
 * `npm run bench:start` or `npm run bench -- start`; BENCH_START_RUNS (default 5) warm runs each.
 */
const RUNS = Number(process.env.BENCH_START_RUNS ?? 5);

interface Row {
  start: string;
  runs: number;
  'median ms': number;
  'min ms': number;
  'max ms': number;
  'vs node -e 0': string;
}

export async function benchStart(): Promise<Row[]> {
  execFileSync(process.execPath, ['scripts/build.mjs', '--if-stale'], { cwd: repoRoot, stdio: 'inherit' });
  const dataDir = await mkdtemp(join(tmpdir(), 'meetings-bench-start-'));
  try {
    const emptyNode = times(RUNS, () => {
      const started = performance.now();
      spawnSync(process.execPath, ['-e', '0']);
      return performance.now() - started;
    });
    const server = ['dist/server/main.js'];
    const cold = [await timeStart(process.execPath, server, dataDir)];
    const warm = await timeStarts(RUNS, process.execPath, server, dataDir);
    const npmStart = await timeStarts(RUNS, process.platform === 'win32' ? 'npm.cmd' : 'npm', ['start'], dataDir);
    const withSlack = await timeStarts(RUNS, process.execPath, server, dataDir, { SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: 'bench-signing-secret' });
    const tsx = await timeStarts(Math.min(RUNS, 3), process.execPath, ['--import', 'tsx', 'src/main.ts'], dataDir);

    const baseline = median(emptyNode);
    const row = (start: string, samples: number[]): Row => ({
      start,
      runs: samples.length,
      'median ms': Math.round(median(samples)),
      'min ms': Math.round(Math.min(...samples)),
      'max ms': Math.round(Math.max(...samples)),
      'vs node -e 0': `${round(median(samples) / baseline, 1)}×`,
    });
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

async function timeStarts(runs: number, command: string, args: string[], dataDir: string, env: Record<string, string> = {}): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) samples.push(await timeStart(command, args, dataDir, env));
  return samples;
}

async function timeStart(command: string, args: string[], dataDir: string, env: Record<string, string> = {}): Promise<number> {
  const port = await freePort();
  const server = await startServerProcess(command, args, {
    url: `http://127.0.0.1:${port}/healthz`,
    env: appEnv({ PORT: String(port), DATA_DIR: dataDir, ...env }),
    timeoutMs: 60_000,
    pollMs: 5,
  });
  await server.stop();
  return server.readyMs;
}

function times(runs: number, measure: () => number): number[] {
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
