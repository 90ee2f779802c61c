import { createApp } from '../../src/app.js';
import { createApiKey } from '../../src/api/keys.js';
import { loadConfig } from '../../src/config.js';
import type { DatabaseHandle } from '../../src/db/client.js';
import { openTestDatabase, type DatabaseKind } from '../support/databases.js';

export interface ApiHarness {
  handle: DatabaseHandle;
  app: ReturnType<typeof createApp>;
  /** A fresh API key of the team (created with the team's default meeting types on first use). */
  keyFor(teamId: string, name?: string): Promise<string>;
  close(): Promise<void>;
}

/** The real app over a fresh database of the given kind, with a fixed clock. */
export async function openApiHarness(kind: DatabaseKind, now: Date): Promise<ApiHarness> {
  const handle = await openTestDatabase(kind);
  const config = await loadConfig({ LINK_SECRET: 'test-link-secret-test-link-secret-0123', DATA_DIR: '/tmp/meetings-api-tests', PUBLIC_URL: 'http://localhost:3000' });
  const app = createApp({ db: handle.db, dbKind: handle.kind, config, now: () => now });
  return {
    handle,
    app,
    keyFor: async (teamId, name = 'tests') => (await createApiKey(handle.db, { teamId, name })).key,
    close: () => handle.close(),
  };
}

export interface Call {
  status: number;
  body: any;
  headers: Headers;
}

/** One request into the app: JSON in, JSON out. */
export async function call(
  app: ApiHarness['app'],
  method: string,
  path: string,
  options: { key?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Call> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.Authorization = `Bearer ${options.key}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    headers['Content-Type'] ??= 'application/json';
  }
  const response = await app.request(path, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

/** Asserts the one error shape and returns the error. */
export function expectErrorShape(result: Call): { code: string; message: string; field: string | null; requestId: string } {
  const error = result.body?.error;
  if (!error || typeof error.code !== 'string' || typeof error.message !== 'string' || !('field' in error) || typeof error.requestId !== 'string') {
    throw new Error(`Not the API error shape (status ${result.status}): ${JSON.stringify(result.body)}`);
  }
  if (error.field !== null && typeof error.field !== 'string') throw new Error(`field must be a string or null: ${JSON.stringify(error)}`);
  if (result.headers.get('X-Request-Id') !== error.requestId) throw new Error('X-Request-Id header differs from error.requestId');
  return error;
}
