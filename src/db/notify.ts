import { sql } from 'drizzle-orm';
import type { Database } from './client.js';
import { isDatabaseClosed } from './errors.js';

/**
 * NOTIFY outside the transactions that made the work, coalesced per channel: Postgres serialises
 * the commits of transactions that notify (one lock on the notification queue), so a NOTIFY in
 * every booking made the bookings queue behind each other at commit. Here a burst of commits
 * costs one NOTIFY in flight and at most one after it; listeners only need to know to look.
 */
class ChannelNotifier {
  private sending = false;
  private again = false;

  constructor(
    private readonly db: Database,
    private readonly channel: string,
  ) {}

  notify(): void {
    if (this.sending) {
      this.again = true;
      return;
    }
    this.sending = true;
    void this.send();
  }

  private async send(): Promise<void> {
    try {
      do {
        this.again = false;
        await this.db.execute(sql`select pg_notify(${this.channel}, '')`);
      } while (this.again);
    } catch (error) {
      // The listeners' polling finds the work anyway, a moment later.
      if (!isDatabaseClosed(error)) console.warn(`notify ${this.channel}: ${(error as Error).message}`);
    } finally {
      this.sending = false;
    }
  }
}

const notifiers = new WeakMap<Database, Map<string, ChannelNotifier>>();

/** Wakes the channel's listeners in every process, soon. */
export function notifySoon(db: Database, channel: string): void {
  let byChannel = notifiers.get(db);
  if (!byChannel) notifiers.set(db, (byChannel = new Map()));
  let notifier = byChannel.get(channel);
  if (!notifier) byChannel.set(channel, (notifier = new ChannelNotifier(db, channel)));
  notifier.notify();
}
