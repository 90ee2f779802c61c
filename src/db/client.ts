import { fileURLToPath } from 'node:url';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { AdmissionGate, setAdmissionGate } from './admission.js';
import { lockDataDirectory } from './directory-lock.js';
import { setTransactionPool } from './pipelined-transaction.js';
// The migrators are small and loaded up front: imported on demand in the built server, one waited
// some 200 ms on the module loader while the app's modules were still loading.
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import * as schema from './schema.js';

export type Schema = typeof schema;
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

export interface DatabaseHandle {
  db: Database;
  kind: 'pglite' | 'postgres';
  /** Where the data lives, without credentials: a directory or host/database. */
  location: string;
  close(): Promise<void>;
  /** PGlite only: the data directory as a tarball. */
  dump?: () => Promise<Blob>;
  /** LISTEN on a channel; resolves to the function that stops listening. */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
}

export const migrationsFolder = fileURLToPath(new URL('../../migrations', import.meta.url));

export interface OpenDatabaseOptions {
  /** Postgres connection string; without it, embedded PGlite. */
  url?: string;
  /** PGlite data directory; "memory://" keeps it in memory. */
  dataDir?: string;
  /** PGlite: start from a dump of a data directory (tests use a migrated snapshot). */
  snapshot?: Blob;
  /** Pool size for postgres.js. */
  max?: number;
  migrate?: boolean;
  /** How long a transaction may wait for its turn before it is refused as busy (the admission gate). */
  maxWaitMs?: number;
}

/** Connections kept free of transactions, so /healthz answers even when every transaction slot is taken. */
const RESERVED_CONNECTIONS = 2;
const DEFAULT_MAX_WAIT_MS = 5_000;

export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  const handle = options.url ? await openPostgres(options.url, options.max ?? 20) : await openPglite(options.dataDir ?? 'memory://', options.snapshot);
  const connections = handle.kind === 'postgres' ? (options.max ?? 20) : 1;
  const capacity = Math.max(1, connections - RESERVED_CONNECTIONS);
  setAdmissionGate(
    handle.db,
    new AdmissionGate({ capacity, perTeam: Math.max(1, Math.ceil(capacity * 0.6)), maxWaitMs: options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS }),
  );
  try {
    if (options.migrate !== false) await runMigrations(handle);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return handle;
}

async function openPostgres(url: string, max: number): Promise<DatabaseHandle> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const client = postgres(url, { max, onnotice: () => {} });
  const parsed = new URL(url);
  const db = drizzle(client, { schema }) as unknown as Database;
  let ended = false;
  setTransactionPool(db, {
    reserve: () =>
      ended ? Promise.reject(Object.assign(new Error('The database pool is closed (CONNECTION_ENDED)'), { code: 'CONNECTION_ENDED' })) : (client.reserve() as never),
  });
  return {
    db,
    kind: 'postgres',
    location: `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`,
    close: () => {
      ended = true;
      return client.end({ timeout: 5 });
    },
    listen: async (channel, onNotify) => {
      const subscription = await client.listen(channel, (payload) => onNotify(payload));
      return () => subscription.unlisten();
    },
  };
}

async function openPglite(dataDir: string, snapshot?: Blob): Promise<DatabaseHandle> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { btree_gist } = await import('@electric-sql/pglite/contrib/btree_gist');
  const { drizzle } = await import('drizzle-orm/pglite');
  // One process at a time: a second one opening the same directory would damage it.
  const lock = isDirectory(dataDir) ? await lockDataDirectory(dataDir) : undefined;
  // 32 MB of shared buffers rather than Postgres's 128 MB: the embedded database is small and its
  // files stay in the OS cache, and a start then takes about 100 ms less CPU and 110 MB less memory.
  const startParams = [...PGlite.defaultStartParams, '-c', 'shared_buffers=32MB'];
  let client;
  try {
    client = await PGlite.create(dataDir, { extensions: { btree_gist }, loadDataDir: snapshot, startParams });
  } catch (error) {
    await lock?.release();
    throw error;
  }
  return {
    dump: () => client.dumpDataDir('none'),
    db: drizzle(client, { schema }) as unknown as Database,
    kind: 'pglite',
    location: dataDir,
    close: async () => {
      await client.close();
      await lock?.release();
    },
    listen: (channel, onNotify) => client.listen(channel, onNotify),
  };
}

function isDirectory(dataDir: string): boolean {
  return !/^[a-z]+:\/\//.test(dataDir);
}

async function runMigrations(handle: DatabaseHandle): Promise<void> {
  const migrate = handle.kind === 'pglite' ? migratePglite : migratePostgres;
  await migrate(handle.db as never, { migrationsFolder });
}
