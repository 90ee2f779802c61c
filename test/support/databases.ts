import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/db/client.js';

export type DatabaseKind = 'pglite' | 'postgres';

/** PGlite always; Postgres too when DATABASE_URL is set (CI sets it). */
export function databaseKinds(): DatabaseKind[] {
  return process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

/** A fresh, migrated, empty database of the given kind. */
export async function openTestDatabase(kind: DatabaseKind, options: { max?: number } = {}): Promise<DatabaseHandle> {
  if (kind === 'pglite') {
    const snapshot = new Blob([await readFile(inject('pgliteSnapshot'))]);
    return openDatabase({ snapshot, migrate: false });
  }
  const template = inject('postgresTemplate');
  return scratchPostgres(`${template}_${randomBytes(4).toString('hex')}`, template, options.max ?? 10);
}

/** An empty database, not migrated: in memory on PGlite, a scratch one on Postgres (dropped on close). */
export async function openEmptyDatabase(kind: DatabaseKind): Promise<DatabaseHandle> {
  if (kind === 'pglite') return openDatabase({ dataDir: 'memory://', migrate: false });
  return scratchPostgres(`empty_${randomBytes(4).toString('hex')}`, undefined, 2);
}

/** A new Postgres database `name` (a copy of `template`, if given), dropped when the handle closes. */
async function scratchPostgres(name: string, template: string | undefined, max: number): Promise<DatabaseHandle> {
  const url = process.env.DATABASE_URL!;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}${template ? ` template ${template}` : ''}`);
  await admin.end();
  const testUrl = new URL(url);
  testUrl.pathname = `/${name}`;
  const handle = await openDatabase({ url: testUrl.toString(), max, migrate: false });
  urls.set(handle.db, testUrl.toString());
  return {
    ...handle,
    close: async () => {
      await handle.close();
      const cleanup = postgres(url, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

const urls = new WeakMap<object, string>();

/**
 * Another client of the same database, as a second app process would have: on Postgres its own
 * pool (closed by the caller); PGlite serves one process, so there it is the same handle.
 */
export async function connectAgain(handle: DatabaseHandle, options: { max?: number } = {}): Promise<DatabaseHandle> {
  if (handle.kind === 'pglite') return { ...handle, close: async () => {} };
  return openDatabase({ url: urls.get(handle.db)!, max: options.max ?? 10, migrate: false });
}

/** The connection string of a Postgres test database (for app processes a test starts). */
export function urlOf(handle: DatabaseHandle): string | undefined {
  return urls.get(handle.db);
}
