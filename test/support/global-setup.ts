import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { openDatabase } from '../../src/db/client.js';

/**
 * Builds what every database test starts from, once per run: a migrated PGlite data directory
 * (loading it takes about a second, creating one about five) and, when DATABASE_URL is set, a
 * migrated Postgres template database that each test file copies.
 */
export default async function setup({ provide }: { provide: (key: string, value: unknown) => void }) {
  const dir = join(tmpdir(), `meetings-tests-${process.pid}`);
  await mkdir(dir, { recursive: true });
  const pglite = await openDatabase({ dataDir: 'memory://' });
  const snapshotPath = join(dir, 'pglite-snapshot.tar');
  await writeFile(snapshotPath, Buffer.from(await (await pglite.dump!()).arrayBuffer()));
  await pglite.close();
  process.env.PGLITE_SNAPSHOT = snapshotPath;
  provide('pgliteSnapshot', snapshotPath);

  const url = process.env.DATABASE_URL;
  if (!url) return;
  const template = `meetings_test_${process.pid}`;
  provide('postgresTemplate', template);
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${template} with (force)`);
  await admin.unsafe(`create database ${template}`);
  const templateUrl = new URL(url);
  templateUrl.pathname = `/${template}`;
  const migrated = await openDatabase({ url: templateUrl.toString(), max: 1 });
  await migrated.close();
  await admin.end();
  return async () => {
    const cleanup = postgres(url, { max: 1, onnotice: () => {} });
    const leftovers = await cleanup<{ datname: string }[]>`select datname from pg_database where datname like ${template + '%'}`;
    for (const { datname } of leftovers) await cleanup.unsafe(`drop database if exists ${datname} with (force)`);
    await cleanup.end();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteSnapshot: string;
    postgresTemplate: string;
  }
}
