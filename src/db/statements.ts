import { getTableColumns, type Table } from 'drizzle-orm';
import type { Queryable } from './tenant.js';

/**
 * Statements on the hot paths (the tenant settings, the availability and booking reads): fixed
 * SQL text with numbered parameters, sent straight to the driver under the transaction. On
 * postgres.js each is a named prepared statement, parsed and planned once per connection; drizzle
 * prepares only statements given a name, and its query builders cost more CPU per request than
 * the rest of an availability answer.
 */
interface PostgresJsClient {
  unsafe(text: string, params: unknown[], options: { prepare: boolean }): PromiseLike<unknown[]> & { execute(): PromiseLike<unknown[]> };
}
interface PgliteClient {
  query(text: string, params: unknown[]): Promise<{ rows: unknown[] }>;
}

function driverOf(on: Queryable): PostgresJsClient | PgliteClient {
  // drizzle's session keeps the driver's client (the transaction's own on both drivers).
  return (on as unknown as { session: { client: PostgresJsClient | PgliteClient } }).session.client;
}

/** Whether statements issued one after another on `on` share round trips (postgres.js pipelines them). */
export function pipelines(on: Queryable): boolean {
  return 'unsafe' in driverOf(on);
}

/**
 * Runs the statement and resolves to its rows (column names as in the SQL). It is sent at once,
 * before any statement issued after this call on the same transaction.
 */
export function runStatement<T = Record<string, unknown>>(on: Queryable, text: string, params: readonly unknown[]): Promise<T[]> {
  const client = driverOf(on);
  if ('unsafe' in client) return Promise.resolve(client.unsafe(text, params as unknown[], { prepare: true }).execute()) as Promise<T[]>;
  return client.query(text, params as unknown[]).then((result) => result.rows as T[]);
}

/** A Postgres text[] literal, for `$n::text[]` (the same on both drivers); null is NULL. */
export function textArray(values: readonly (string | null)[]): string {
  return `{${values.map((v) => (v === null ? 'NULL' : `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)).join(',')}}`;
}

const columnsByTable = new WeakMap<Table, [key: string, name: string, fromDriver: (value: unknown) => unknown][]>();

/**
 * A table's row as drizzle would return it, from the row as JSON (`to_json(t)`: column names as
 * keys, timestamps as ISO strings): each column through its own mapping from the driver's value.
 */
export function rowFromJson<T extends Table>(table: T, json: Record<string, unknown>): T['$inferSelect'] {
  let columns = columnsByTable.get(table);
  if (!columns) {
    columns = Object.entries(getTableColumns(table)).map(([key, column]) => [key, column.name, (value: unknown) => column.mapFromDriverValue(value)]);
    columnsByTable.set(table, columns);
  }
  const row: Record<string, unknown> = {};
  for (const [key, name, fromDriver] of columns) {
    const value = json[name];
    row[key] = value === null || value === undefined ? null : fromDriver(value);
  }
  return row as T['$inferSelect'];
}
