import { format } from 'node:util';
import { onTestFinished, vi } from 'vitest';

const LEVELS = ['log', 'info', 'warn', 'error', 'debug'] as const;

/**
 * For a test that provokes an error on purpose: what the app logs about it (a line matching one of
 * `expected`, on any console level, Bolt's and the Slack clients' loggers included) is kept in the
 * returned array for the test to assert, instead of printed. Every other line still prints, so an
 * unexpected failure shows in the output. Undone when the test ends.
 */
export function captureLogs(...expected: RegExp[]): string[] {
  const captured: string[] = [];
  for (const level of LEVELS) {
    const original = console[level];
    const spy = vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      const line = format(...args);
      if (expected.some((pattern) => pattern.test(line))) captured.push(line);
      else original.apply(console, args);
    });
    onTestFinished(() => spy.mockRestore());
  }
  return captured;
}
