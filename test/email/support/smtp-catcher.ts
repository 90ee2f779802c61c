import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CaughtEmail {
  /** The envelope, as the server saw it (MAIL FROM, RCPT TO). */
  from: string;
  to: string[];
  raw: string;
  parsed: ParsedMail;
}

/**
 * A real SMTP server in the test process (smtp-server): what the app sends arrives here over
 * SMTP and is parsed with mailparser. It can refuse a recipient for good (550), put one off
 * (451, for a number of tries), and stop and start again on the same port (a mail server that is
 * down for a while).
 */
export class SmtpCatcher {
  readonly emails: CaughtEmail[] = [];
  private server?: SMTPServer;
  private listeners = new Set<() => void>();
  private readonly refused = new Map<string, string>();
  private readonly deferred = new Map<string, number>();
  port = 0;

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(port = this.port): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo: (address, _session, callback) => {
        const to = address.address.toLowerCase();
        const refusal = this.refused.get(to);
        if (refusal) return callback(Object.assign(new Error(refusal), { responseCode: 550 }));
        const left = this.deferred.get(to) ?? 0;
        if (left > 0) {
          this.deferred.set(to, left - 1);
          return callback(Object.assign(new Error('Mailbox busy, try again later'), { responseCode: 451 }));
        }
        callback();
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', async () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          try {
            const parsed = await simpleParser(raw);
            this.emails.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
              raw,
              parsed,
            });
            for (const listener of this.listeners) listener();
            callback();
          } catch (error) {
            callback(error as Error);
          }
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.server.address() as AddressInfo).port;
  }

  /** Stops listening; the port stays this catcher's, for start() to take again. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** 550 for this recipient, every time. */
  refuse(address: string, message = 'No such user here'): void {
    this.refused.set(address.toLowerCase(), message);
  }

  /** 451 for this recipient, the next `times` tries. */
  defer(address: string, times: number): void {
    this.deferred.set(address.toLowerCase(), times);
  }

  /** Emails to `address` so far (optionally only those `match` accepts). */
  to(address: string, match: (email: CaughtEmail) => boolean = () => true): CaughtEmail[] {
    return this.emails.filter((e) => e.to.includes(address) && match(e));
  }

  /** Waits until `count` emails match. */
  async waitFor(match: (email: CaughtEmail) => boolean, count = 1, timeoutMs = 15_000): Promise<CaughtEmail[]> {
    const found = () => this.emails.filter(match);
    if (found().length >= count) return found();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (found().length < count) return;
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve(found());
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`waited for ${count} matching emails, got ${found().length}: ${this.emails.map((e) => `${e.to.join(',')} "${e.parsed.subject}"`).join('; ')}`));
      }, timeoutMs);
      this.listeners.add(check);
    });
  }

  clear(): void {
    this.emails.length = 0;
  }
}
