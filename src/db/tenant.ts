import { AsyncLocalStorage } from 'node:async_hooks';
import { admissionGateOf } from './admission.js';
import type { Database } from './client.js';
import { pipelinedTransaction, transactionPoolOf } from './pipelined-transaction.js';
import { pipelines, runStatement, textArray } from './statements.js';

export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];
/** Either the database or a transaction: what queries run on. */
export type Queryable = Database | Tx;

export const APP_ROLE = 'meetings_app';

export interface TransactionLimits {
  /** Longest wait for any one lock (a row, an advisory lock, a conflicting insert) before 55P03. */
  lockTimeoutMs?: number;
  /** Longest any one statement may run before 57014. */
  statementTimeoutMs?: number;
  /**
   * Plan every statement generically, once per connection: for transactions made of the hot-path
   * statements (src/db/statements.ts), written so that their generic plans are good. Postgres
   * otherwise keeps planning them afresh for each request, as the estimated cost of a host list
   * of unknown length looks higher than that of the one or two hosts actually sent.
   */
  genericPlans?: boolean;
}

/** Every transaction is bounded: nothing waits on a lock or runs a statement for ever. */
export const DEFAULT_LIMITS: Required<Omit<TransactionLimits, 'genericPlans'>> = { lockTimeoutMs: 2_000, statementTimeoutMs: 10_000 };

/**
 * Runs `work` in one transaction confined to `teamId` by row level security: the transaction
 * switches to the app's role (which cannot bypass RLS, even where the connection is a superuser,
 * as PGlite's is) and sets the team and its time limits for this transaction only. On Postgres
 * BEGIN and the settings go out with the first statements of `work` (pipelinedTransaction). It
 * first waits for its turn at the database's admission gate, if it has one.
 */
export async function withTeam<T>(db: Database, teamId: string, work: (tx: Tx) => Promise<T>, limits: TransactionLimits = {}): Promise<T> {
  if (!teamId) throw new Error('withTeam needs a team id');
  return inTransaction(db, teamId, { 'app.team_id': teamId }, work, limits);
}

/** A transaction as the app's role with no team: it sees only rows a policy opens by other means. */
export async function withoutTeam<T>(
  db: Database,
  settings: Record<string, string>,
  work: (tx: Tx) => Promise<T>,
  limits: TransactionLimits & { admissionKey?: string } = {},
): Promise<T> {
  return inTransaction(db, limits.admissionKey ?? '(no team)', settings, work, limits);
}

async function inTransaction<T>(db: Database, admissionKey: string, settings: Record<string, string>, work: (tx: Tx) => Promise<T>, limits: TransactionLimits): Promise<T> {
  const lockTimeout = limits.lockTimeoutMs ?? DEFAULT_LIMITS.lockTimeoutMs;
  const statementTimeout = limits.statementTimeoutMs ?? DEFAULT_LIMITS.statementTimeoutMs;
  const values = ['role', APP_ROLE, 'lock_timeout', `${lockTimeout}ms`, 'statement_timeout', `${statementTimeout}ms`, ...Object.entries(settings).flat()];
  if (limits.genericPlans) values.push('plan_cache_mode', 'force_generic_plan');
  // A transaction opened while another is running in the same request was already admitted.
  const release = admitted.getStore() ? undefined : await admissionGateOf(db)?.enter(admissionKey);
  let hooks: CommitHook[] = [];
  try {
    const pool = transactionPoolOf(db);
    const transaction = <R>(run: (tx: Tx) => Promise<R>) => (pool ? pipelinedTransaction(db, pool, run) : db.transaction(run));
    const result = await admitted.run(true, () =>
      transaction(async (tx) => {
        commitHooks.set(tx, (hooks = []));
        // set_config(..., true) is SET LOCAL. The statement is sent before any of `work`'s, and
        // postgres.js pipelines them: the role and team cost no round trip of their own. Should it
        // fail, the transaction is aborted and nothing after it runs.
        const configured = runStatement(tx, settingsStatement(values.length / 2), values);
        if (!pipelines(tx)) {
          await configured;
          return work(tx);
        }
        // A native promise: `work` may return a drizzle query, which runs again on every then().
        const result = Promise.resolve(work(tx));
        result.catch(() => {}); // its failure is awaited below, after the settings' own
        await configured;
        return result;
      }),
    );
    for (const hook of hooks) hook(db);
    return result;
  } finally {
    release?.();
  }
}

type CommitHook = (db: Database) => void;
const commitHooks = new WeakMap<Tx, CommitHook[]>();

/** Runs `hook` once the transaction has committed (never when it rolls back or is retried). */
export function afterCommit(tx: Tx, hook: CommitHook): void {
  const hooks = commitHooks.get(tx);
  // Every transaction is opened by inTransaction; one that is not would lose its hooks silently.
  if (!hooks) throw new Error('afterCommit needs a transaction opened by withTeam or withoutTeam');
  hooks.push(hook);
}

const settingsStatements: string[] = [];

/** `select set_config($1, $2, true), ...` for n settings (constant text, so it is prepared once per connection). */
function settingsStatement(n: number): string {
  return (settingsStatements[n] ??= `select ${Array.from({ length: n }, (_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`).join(', ')}`);
}

const admitted = new AsyncLocalStorage<boolean>();

/**
 * Transaction-scoped advisory locks on `keys`, all in one statement and always in the same order
 * (by their hash), so two transactions that need overlapping keys queue instead of deadlocking.
 */
export async function lockKeys(tx: Tx, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await runStatement(tx, LOCK_KEYS, [textArray([...new Set(keys)])]);
}

const LOCK_KEYS = 'select pg_advisory_xact_lock(h) from (select distinct hashtextextended(k, 0) as h from unnest($1::text[]) as k order by h) as ordered';

/**
 * Takes the advisory locks on `keys` that are free at once, in lockKeys' order, stopping at the
 * first one held elsewhere; true when it took them all. The ones it took are a prefix of that
 * order, so lockKeys can still wait for the rest without risking a deadlock.
 */
export async function tryLockKeys(tx: Tx, keys: readonly string[]): Promise<boolean> {
  if (keys.length === 0) return true;
  const [row] = await runStatement<{ locked: boolean }>(tx, TRY_LOCK_KEYS, [textArray([...new Set(keys)])]);
  return row!.locked;
}

// A recursive query runs one step at a time, so the locks after the first refusal are never tried.
const TRY_LOCK_KEYS = `
  with recursive ordered as (
    select h, row_number() over (order by h) as n from (select distinct hashtextextended(k, 0) as h from unnest($1::text[]) as k) as hashed),
  taken(n, ok) as (
    select 0::bigint, true
    union all
    select ordered.n, pg_try_advisory_xact_lock(ordered.h) from taken join ordered on ordered.n = taken.n + 1 where taken.ok)
  select bool_and(ok) as locked from taken`;
