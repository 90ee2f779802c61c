import { DatabaseBusyError } from './errors.js';

export interface AdmissionLimits {
  /** Transactions running at once; keep it below the pool size so /healthz always finds a connection. */
  capacity: number;
  /** At most this many of them for one team, so one team's flood leaves room for the others. */
  perTeam: number;
  /** How long a request may wait for its turn before it is answered "busy". */
  maxWaitMs: number;
}

interface Waiter {
  team: string;
  admit: () => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Admission control in front of the connection pool. Without it, a burst of requests queues
 * inside the driver with no bound, every connection ends up waiting on the same host's locks, and
 * even /healthz stops answering. Here each team has its own queue, served in turn, and a request
 * that waits longer than `maxWaitMs` is refused at once with DatabaseBusyError (503 upstream).
 */
export class AdmissionGate {
  private running = 0;
  private readonly runningByTeam = new Map<string, number>();
  private readonly queues = new Map<string, Waiter[]>();
  /** Teams with someone waiting, in the order they are served. */
  private readonly turn: string[] = [];

  constructor(readonly limits: AdmissionLimits) {}

  /** Waits for a place; the returned function gives it back (call it exactly once). */
  async enter(team: string): Promise<() => void> {
    if (this.canRun(team) && !this.queues.get(team)?.length) return this.start(team);
    return new Promise<() => void>((resolve, reject) => {
      const waiter: Waiter = {
        team,
        admit: () => resolve(this.start(team)),
        timer: setTimeout(() => {
          this.remove(waiter);
          reject(new DatabaseBusyError(`The database is busy: waited ${this.limits.maxWaitMs} ms for a connection`, 1));
        }, this.limits.maxWaitMs),
      };
      const queue = this.queues.get(team);
      if (queue) queue.push(waiter);
      else {
        this.queues.set(team, [waiter]);
        this.turn.push(team);
      }
    });
  }

  get stats(): { running: number; waiting: number } {
    let waiting = 0;
    for (const q of this.queues.values()) waiting += q.length;
    return { running: this.running, waiting };
  }

  private canRun(team: string): boolean {
    return this.running < this.limits.capacity && (this.runningByTeam.get(team) ?? 0) < this.limits.perTeam;
  }

  private start(team: string): () => void {
    this.running++;
    this.runningByTeam.set(team, (this.runningByTeam.get(team) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running--;
      const left = (this.runningByTeam.get(team) ?? 1) - 1;
      if (left > 0) this.runningByTeam.set(team, left);
      else this.runningByTeam.delete(team);
      this.admitNext();
    };
  }

  /** Gives free places to waiting teams in turn (round robin), skipping teams at their own limit. */
  private admitNext(): void {
    let skipped = 0;
    while (this.running < this.limits.capacity && this.turn.length > 0 && skipped < this.turn.length) {
      const team = this.turn.shift()!;
      const queue = this.queues.get(team)!;
      if (!this.canRun(team)) {
        this.turn.push(team);
        skipped++;
        continue;
      }
      skipped = 0;
      const waiter = queue.shift()!;
      if (queue.length > 0) this.turn.push(team);
      else this.queues.delete(team);
      clearTimeout(waiter.timer);
      waiter.admit();
    }
  }

  private remove(waiter: Waiter): void {
    const queue = this.queues.get(waiter.team);
    if (!queue) return;
    const i = queue.indexOf(waiter);
    if (i >= 0) queue.splice(i, 1);
    if (queue.length === 0) {
      this.queues.delete(waiter.team);
      const t = this.turn.indexOf(waiter.team);
      if (t >= 0) this.turn.splice(t, 1);
    }
  }
}

const gates = new WeakMap<object, AdmissionGate>();

/** Puts a gate in front of a database handle's transactions (openDatabase does it). */
export function setAdmissionGate(db: object, gate: AdmissionGate): void {
  gates.set(db, gate);
}

export function admissionGateOf(db: object): AdmissionGate | undefined {
  return gates.get(db);
}
