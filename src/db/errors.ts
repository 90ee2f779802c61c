/** The database could not take the work now (no connection free in time, locks held too long); try again shortly. */
export class DatabaseBusyError extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
    this.name = 'DatabaseBusyError';
  }
}

/** Postgres SQLSTATE of an error from either driver (postgres.js or PGlite), possibly wrapped by drizzle. */
export function sqlState(error: unknown): string | undefined {
  for (let e: any = error, depth = 0; e && depth < 5; e = e.cause, depth++) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  }
  return undefined;
}

export function constraintName(error: unknown): string | undefined {
  for (let e: any = error, depth = 0; e && depth < 5; e = e.cause, depth++) {
    if (typeof e.constraint_name === 'string') return e.constraint_name;
    if (typeof e.constraint === 'string') return e.constraint;
  }
  return undefined;
}

/** Deadlock, serialization failure, lock timeout: the same work may succeed if run again. */
export const TRANSIENT_STATES = new Set(['40P01', '40001', '55P03']);

export function isTransient(error: unknown): boolean {
  const state = sqlState(error);
  return state !== undefined && TRANSIENT_STATES.has(state);
}

/** The database handle was closed (the process is stopping, or a test ended): there is nothing to retry. */
export function isDatabaseClosed(error: unknown): boolean {
  for (let e: any = error, depth = 0; e && depth < 5; e = e.cause, depth++) {
    if (['CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'CONNECTION_CLOSED'].includes(e.code) || /PGlite is closed/.test(String(e.message ?? ''))) return true;
  }
  return false;
}
