import type { Database } from './client.js';
import { DatabaseBusyError } from './errors.js';
import { holdCommit } from './pipelined-transaction.js';
import type { Tx } from './tenant.js';

/** How a kind of write is run: its transaction when batched, and alone (with its own retries). */
export interface WriteBatchOptions {
  transaction<R>(db: Database, teamId: string, work: (tx: Tx) => Promise<R>): Promise<R>;
  alone<R>(db: Database, teamId: string, work: (tx: Tx) => Promise<R>): Promise<R>;
  /**
   * Whether a write's failure is its own answer (a rule of the app, such as a taken slot, found by
   * its own reads) rather than a failed statement: the batch's other writes still commit.
   */
  isAnswer(error: unknown): boolean;
  /** Batches of one team running at once; more arrivals wait and go together in the next. */
  concurrency?: number;
  /** Writes in one transaction at most. */
  maxBatch?: number;
}

/** A batch running longer than this (waiting on a lock, most likely) no longer counts as running. */
const STALLED_MS = 50;

interface Waiting {
  keys: ReadonlySet<string>;
  work: (tx: Tx) => Promise<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

interface TeamQueue {
  waiting: Waiting[];
  running: number;
}

/**
 * Group commit for one kind of write. While a team has `concurrency` transactions of it running
 * (and none of them has stalled), further writes wait, and those whose keys (the people they lock)
 * are disjoint then share one transaction: one BEGIN, one COMMIT and one flush of the log for all
 * of them, their statements pipelined on one connection. A write that arrives when the team has
 * room runs at once, alone, so a quiet team waits for nothing.
 *
 * Each write's work runs exactly as it would alone (it takes its own locks and reads under them),
 * so a batch commits only what each would have committed by itself. Should any statement fail,
 * the batch rolls back and every write in it runs again alone, where its failure is its own.
 */
export class WriteBatches {
  private readonly queues = new WeakMap<Database, Map<string, TeamQueue>>();
  private readonly concurrency: number;
  private readonly maxBatch: number;

  constructor(private readonly options: WriteBatchOptions) {
    this.concurrency = options.concurrency ?? 2;
    this.maxBatch = options.maxBatch ?? 32;
  }

  run<T>(db: Database, teamId: string, keys: readonly string[], work: (tx: Tx) => Promise<T>): Promise<T> {
    const queue = this.queueOf(db, teamId);
    return new Promise<T>((resolve, reject) => {
      queue.waiting.push({ keys: new Set(keys), work, resolve: resolve as (value: unknown) => void, reject });
      this.drain(db, teamId, queue);
    });
  }

  private queueOf(db: Database, teamId: string): TeamQueue {
    let byTeam = this.queues.get(db);
    if (!byTeam) this.queues.set(db, (byTeam = new Map()));
    let queue = byTeam.get(teamId);
    if (!queue) byTeam.set(teamId, (queue = { waiting: [], running: 0 }));
    return queue;
  }

  private drain(db: Database, teamId: string, queue: TeamQueue): void {
    while (queue.running < this.concurrency && queue.waiting.length > 0) {
      const batch = this.takeBatch(queue);
      queue.running++;
      let counted = true;
      const uncount = () => {
        if (!counted) return;
        counted = false;
        queue.running--;
        this.drain(db, teamId, queue);
      };
      // A batch waiting on a lock stops holding the others back.
      const stalled = setTimeout(uncount, STALLED_MS);
      void this.runBatch(db, teamId, batch).finally(() => {
        clearTimeout(stalled);
        uncount();
        const byTeam = this.queues.get(db);
        if (queue.running === 0 && queue.waiting.length === 0 && byTeam?.get(teamId) === queue) byTeam.delete(teamId);
      });
    }
  }

  /** The waiting writes, in order of arrival, that lock nothing an earlier one in the batch locks. */
  private takeBatch(queue: TeamQueue): Waiting[] {
    const batch: Waiting[] = [];
    const rest: Waiting[] = [];
    const locked = new Set<string>();
    for (const write of queue.waiting) {
      if (batch.length < this.maxBatch && ![...write.keys].some((key) => locked.has(key))) {
        batch.push(write);
        for (const key of write.keys) locked.add(key);
      } else {
        rest.push(write);
      }
    }
    queue.waiting = rest;
    return batch;
  }

  private async runBatch(db: Database, teamId: string, batch: Waiting[]): Promise<void> {
    if (batch.length === 1) return this.runAlone(db, teamId, batch[0]!);
    let outcomes: PromiseSettledResult<unknown>[] = [];
    let began = false;
    try {
      await this.options.transaction(db, teamId, async (tx) => {
        began = true;
        holdCommit(tx);
        outcomes = await Promise.allSettled(batch.map((write) => write.work(tx)));
        const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected' && !this.options.isAnswer(o.reason));
        if (failed) throw failed.reason;
      });
    } catch (error) {
      // Refused at the admission gate before it began: each alone would only be refused again.
      if (error instanceof DatabaseBusyError && !began) return batch.forEach((write) => write.reject(error));
      await Promise.all(batch.map((write) => this.runAlone(db, teamId, write)));
      return;
    }
    outcomes.forEach((outcome, i) => (outcome.status === 'fulfilled' ? batch[i]!.resolve(outcome.value) : batch[i]!.reject(outcome.reason)));
  }

  private runAlone(db: Database, teamId: string, write: Waiting): Promise<void> {
    return this.options.alone(db, teamId, write.work).then(write.resolve, write.reject);
  }
}
