import type { sql } from 'drizzle-orm';
import type { Tx } from './tenant.js';

/** Rows of a raw query, from either driver (postgres.js returns an array, PGlite an object with rows). */
export async function rawRows<T = Record<string, unknown>>(tx: Tx, query: ReturnType<typeof sql>): Promise<T[]> {
  const result = (await tx.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}
