
export interface WorkLoopOptions {
  /** How often to look for due work when no notification arrives (retries come due this way). */
  pollMs?: number;
  /** LISTEN on a channel (DatabaseHandle.listen), so a commit wakes the loop at once. */
  listen?: (channel: string, onNotify: () => void) => Promise<() => Promise<void>>;
  log?: Pick<Console, 'warn' | 'error'>;
}

/**
 * The loop of a database-backed worker (the event dispatcher, the webhook sender): a round at a
 * time, at once again while there is work, woken by NOTIFY, otherwise polling; and drain() for
 * tests and a clean shutdown. The rows themselves are the source of truth, never a timer.
 */
export abstract class WorkLoop {
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private kicked = false;
  private unlisten?: () => Promise<void>;
  protected readonly pollMs: number;
  protected readonly log: Pick<Console, 'warn' | 'error'>;

  constructor(
    private readonly name: string,
    private readonly channel: string,
    private readonly loopOptions: WorkLoopOptions,
  ) {
    this.pollMs = loopOptions.pollMs ?? 1_000;
    this.log = loopOptions.log ?? console;
  }

  /** One round; returns how many items it worked on (0: nothing was due). */
  abstract runOnce(): Promise<number>;

  /** Whether anything comes due within the time given. */
  protected abstract hasDueWork(withinMs: number): Promise<boolean>;

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    if (this.loopOptions.listen) {
      try {
        this.unlisten = await this.loopOptions.listen(this.channel, () => this.kick());
      } catch (error) {
        this.log.warn(`${this.name}: cannot LISTEN (${error instanceof Error ? error.message : error}); polling every ${this.pollMs} ms`);
      }
    }
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.kick();
    await this.loop;
    await this.unlisten?.().catch(() => {});
  }

  /** Look now rather than at the next poll. */
  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  /** Runs until nothing is due before the deadline, retries included (tests, and a clean shutdown). */
  async drain(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if ((await this.runOnce()) > 0) continue;
      if (!(await this.hasDueWork(deadline - Date.now()))) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error(`${this.name}: still working after ${timeoutMs} ms`);
  }

  private async run(): Promise<void> {
    while (this.running) {
      let worked = 0;
      try {
        worked = await this.runOnce();
      } catch (error) {
        this.log.error(`${this.name}: round failed`, error);
      }
      if (!this.running) break;
      if (worked > 0 || this.kicked) {
        this.kicked = false;
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.pollMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }
}

