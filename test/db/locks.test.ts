import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { DatabaseHandle } from '../../src/db/client.js';
import { lockKeys, tryLockKeys, withTeam } from '../../src/db/tenant.js';
import { openTestDatabase } from '../support/databases.js';
import { rawRows } from '../support/sql.js';

const TEAM = 'T0LOCKS';

/** Holds the advisory locks on `keys` in a transaction of its own until release() is called. */
async function holder(handle: DatabaseHandle, keys: string[]): Promise<{ release: () => Promise<void> }> {
  let release!: () => void;
  let held!: () => void;
  const isHeld = new Promise<void>((resolve) => (held = resolve));
  const done = withTeam(handle.db, TEAM, async (tx) => {
    await lockKeys(tx, keys);
    held();
    await new Promise<void>((resolve) => (release = resolve));
  });
  await isHeld;
  return {
    release: async () => {
      release();
      await done;
    },
  };
}

// Several connections at once: PGlite serves one, so only Postgres can show a lock held elsewhere.
describe.skipIf(!process.env.DATABASE_URL)('advisory locks on postgres', () => {
  let handle: DatabaseHandle;

  beforeAll(async () => {
    handle = await openTestDatabase('postgres', { max: 6 });
  });
  afterAll(() => handle?.close());

  /** The keys in the order lockKeys takes them (by their hash). */
  async function inLockOrder(keys: string[]): Promise<string[]> {
    const rows = await withTeam(handle.db, TEAM, (tx) =>
      rawRows<{ k: string }>(tx, sql`select k from unnest(${`{${keys.join(',')}}`}::text[]) as k order by hashtextextended(k, 0)`),
    );
    return rows.map((r) => r.k);
  }

  it('takes every key that is free and reports it; another transaction then cannot take them', async () => {
    let release!: () => void;
    const first = withTeam(handle.db, TEAM, async (tx) => {
      const taken = await tryLockKeys(tx, ['host:a', 'host:b', 'host:a']);
      await new Promise<void>((resolve) => (release = resolve));
      return taken;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = await withTeam(handle.db, TEAM, (tx) => tryLockKeys(tx, ['host:b']));
    release();
    expect(await first).toBe(true);
    expect(second).toBe(false);
    expect(await withTeam(handle.db, TEAM, (tx) => tryLockKeys(tx, ['host:a', 'host:b']))).toBe(true);
  });

  it('stops at the first key held elsewhere: it keeps those before it and never tries those after', async () => {
    const [k1, k2, k3] = await inLockOrder(['host:x', 'host:y', 'host:z']);
    const other = await holder(handle, [k2!]);
    let release!: () => void;
    let tried!: (taken: boolean) => void;
    const attempt = new Promise<boolean>((resolve) => (tried = resolve));
    const trying = withTeam(handle.db, TEAM, async (tx) => {
      tried(await tryLockKeys(tx, [k3!, k1!, k2!]));
      await new Promise<void>((resolve) => (release = resolve));
    });
    expect(await attempt).toBe(false);
    const free = async (key: string) => withTeam(handle.db, TEAM, (tx) => tryLockKeys(tx, [key]));
    expect(await free(k1!)).toBe(false); // taken by the attempt, before the refusal
    expect(await free(k3!)).toBe(true); // after the refusal: never taken
    release();
    await trying;
    await other.release();
    expect(await free(k2!)).toBe(true);
  });
});

describe('advisory locks on pglite', () => {
  it('takes the keys at once: one connection means no one else holds them', async () => {
    const handle = await openTestDatabase('pglite');
    try {
      expect(await withTeam(handle.db, TEAM, (tx) => tryLockKeys(tx, ['host:a', 'host:b']))).toBe(true);
      expect(await withTeam(handle.db, TEAM, (tx) => tryLockKeys(tx, []))).toBe(true);
    } finally {
      await handle.close();
    }
  });
});
