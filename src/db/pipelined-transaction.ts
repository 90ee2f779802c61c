import { PostgresJsSession, PostgresJsTransaction } from 'drizzle-orm/postgres-js/session';
import type { Database } from './client.js';
import type { Tx } from './tenant.js';

interface PendingQuery extends PromiseLike<unknown[]> {
  execute(): PendingQuery;
  catch(onRejected: (error: unknown) => void): Promise<unknown>;
}
/** postgres.js's connection as a query's `onexecute` sees it: `onclose` is called once if it closes. */
interface Connection {
  onclose: ((error: unknown) => void) | null;
}
interface ReservedSql {
  unsafe(text: string, params?: unknown[], options?: { prepare?: boolean; onexecute?: (connection: Connection) => boolean }): PendingQuery;
  release(): void;
}
export interface PostgresJsPool {
  reserve(): Promise<ReservedSql>;
}

/** What a pipelined transaction knows of itself: whether its COMMIT is on its way, whether its connection closed. */
interface TransactionState {
  commit?: PendingQuery;
  closed: boolean;
  /** Shared by several writes (see WriteBatches): it commits when its work returns, not at commitWith. */
  held?: boolean;
}
const states = new WeakMap<Tx, TransactionState>();

const pools = new WeakMap<Database, PostgresJsPool>();

/**
 * Registers the postgres.js pool behind `db` (see openDatabase), which must refuse once it is
 * closing: postgres.js's reserve() would open a fresh connection even after end().
 */
export function setTransactionPool(db: Database, pool: PostgresJsPool): void {
  pools.set(db, pool);
}

/** The postgres.js pool behind `db`, or undefined on another driver (PGlite). */
export function transactionPoolOf(db: Database): PostgresJsPool | undefined {
  return pools.get(db);
}

/**
 * A transaction on a connection of its own whose BEGIN is not waited for: postgres.js pipelines
 * it with the transaction's first statements (the settings, and whatever `work` issues at once),
 * so a transaction costs one round trip less than postgres.js's `begin`, which waits for BEGIN's
 * answer first. With commitWith(), the COMMIT goes out with the last write as well.
 *
 * As with `begin`: an error in `work` rolls back and is rethrown; a statement that failed without
 * being awaited still keeps the transaction from committing (Postgres answers COMMIT with
 * ROLLBACK, which is reported as an error). The connection goes back to the pool when the
 * transaction has ended, but not one that broke on the way: postgres.js has already taken that back
 * as a closed one, and handing it back again would put a closed connection among the open ones.
 */
export async function pipelinedTransaction<T>(db: Database, pool: PostgresJsPool, work: (tx: Tx) => Promise<T>): Promise<T> {
  const reserved = await pool.reserve();
  // postgres.js would write a statement issued on a connection that has closed to a socket that is
  // gone, and throw outside any promise: a closed connection is recorded here and refuses them.
  const state: TransactionState = { closed: false };
  let connection: Connection | undefined;
  const onexecute = (c: Connection) => {
    connection = c;
    c.onclose = () => (state.closed = true);
    return true;
  };
  reserved.unsafe('begin', [], { onexecute }).execute().catch(() => {}); // a failed BEGIN fails every statement after it
  const tx = transactionOn(db, reserved, state);
  states.set(tx, state);
  let intact = true;
  const end = async (statement: 'commit' | 'rollback') => {
    if (state.closed) throw connectionClosed();
    try {
      return (await (state.commit ?? reserved.unsafe(statement))) as { command?: string };
    } catch (error) {
      intact = !brokeConnection(error);
      throw error;
    }
  };
  try {
    let result: T;
    try {
      result = await work(tx);
    } catch (error) {
      await end('rollback').catch(() => {});
      throw error;
    }
    if ((await end('commit')).command !== 'COMMIT') throw new Error('The transaction was rolled back: one of its statements failed');
    return result;
  } finally {
    if (connection) connection.onclose = null;
    if (intact && !state.closed) reserved.release();
  }
}

function connectionClosed(): Error {
  return Object.assign(new Error('The connection to the database closed during the transaction (CONNECTION_CLOSED)'), { code: 'CONNECTION_CLOSED' });
}

/**
 * Whether the connection is gone: an error of the connection itself, or one after which the server
 * closes it (FATAL). A plain statement error ends the transaction and leaves the connection usable.
 */
function brokeConnection(error: unknown): boolean {
  const { severity } = error as { severity?: string };
  return severity !== 'ERROR';
}

/**
 * Sends COMMIT right behind the statements already issued on `tx`, without waiting for their
 * answers, when `tx` is a pipelined transaction (elsewhere the transaction commits when its work
 * returns, as always). For a transaction's last write: should the write fail, Postgres rolls the
 * transaction back instead, and the write's own error is what the caller sees. Nothing may be run
 * on `tx` afterwards.
 */
export function commitWith(tx: Tx): void {
  const state = states.get(tx);
  if (!state || state.commit || state.held) return;
  const client = (tx as unknown as { session: { client: ReservedSql } }).session.client;
  state.commit = client.unsafe('commit').execute();
  state.commit.catch(() => {}); // awaited by pipelinedTransaction
}

/** From now on commitWith(tx) does nothing: `tx` commits when its work returns, whoever called commitWith. */
export function holdCommit(tx: Tx): void {
  const state = states.get(tx);
  if (state) state.held = true;
}

/** drizzle's transaction object over the reserved connection, refusing statements once COMMIT was sent or the connection closed. */
function transactionOn(db: Database, reserved: ReservedSql, state: TransactionState): Tx {
  // The session's schema is drizzle's relational configuration (what `tx.query` is built from).
  const internals = db as unknown as { dialect: never; session: { schema: never; options: never } };
  const guarded = {
    unsafe(text: string, params?: unknown[], options?: { prepare?: boolean }) {
      if (state.closed) throw connectionClosed();
      if (state.commit) throw new Error(`A statement was issued after its transaction committed: ${text.slice(0, 60)}`);
      return reserved.unsafe(text, params, options);
    },
  };
  const session = new PostgresJsSession(guarded as never, internals.dialect, internals.session.schema, internals.session.options);
  return new PostgresJsTransaction(internals.dialect, session, internals.session.schema) as unknown as Tx;
}
