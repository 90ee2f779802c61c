/** Percentile of already sorted numbers (nearest rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function summarize(samples: readonly number[]): { n: number; p50: number; p99: number; mean: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = sorted.reduce((s, x) => s + x, 0) / (sorted.length || 1);
  return { n: sorted.length, p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), mean: round(mean) };
}

/** Figures of one page in a browser benchmark (milliseconds, one decimal). */
export interface PageFigures {
  runs: number;
  'p50 ms': number;
  'p99 ms': number;
  'mean ms': number;
}

/**
 * Measures each case once to warm up, then `runs` times interleaved, so load on the machine falls
 * on all of them alike; the figures of each case.
 */
export async function measureInterleaved<K extends string, C>(
  cases: Record<K, C>,
  measure: (c: C) => Promise<number>,
  runs: number,
): Promise<Record<K, PageFigures>> {
  const names = Object.keys(cases) as K[];
  for (const name of names) await measure(cases[name]);
  const samples = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<K, number[]>;
  for (let i = 0; i < runs; i++) for (const name of names) samples[name].push(await measure(cases[name]));
  return Object.fromEntries(
    names.map((name) => {
      const s = summarize(samples[name]);
      return [name, { runs: s.n, 'p50 ms': round(s.p50, 1), 'p99 ms': round(s.p99, 1), 'mean ms': round(s.mean, 1) }];
    }),
  ) as Record<K, PageFigures>;
}

export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** A scratch Postgres database for one benchmark run, dropped afterwards. */
export async function scratchPostgres(baseUrl: string, label: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const { default: postgres } = await import('postgres');
  const name = `meetings_bench_${label}_${process.pid}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const cleanup = postgres(baseUrl, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

export const DEFAULT_BENCH_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
