import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Limits for hangs, not for speed: with two files at a time the longest browser tests take
    // about 20 s on this machine.
    testTimeout: 60_000,
    hookTimeout: 90_000,
    // expect.poll waits for what a page or a process does next: up to 10 s rather than 1 s.
    expect: { poll: { timeout: 10_000 } },
    pool: 'forks',
    // Two files at a time even on two cores (vitest's default there is one): most tests wait on
    // Chromium, Postgres or a child process, and the suite takes about 13 minutes instead of 15.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
