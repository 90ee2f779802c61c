import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FeedAnswer {
  status?: number;
  body?: string;
  /** Answer only after this long (a slow calendar). */
  delayMs?: number;
}

/** A local HTTP server serving iCal feeds: each path answers what the test set last. */
export class FeedServer {
  readonly feeds = new Map<string, FeedAnswer>();
  readonly requests: string[] = [];
  /** Requests answered so far (a slow answer counts once it is sent). */
  answered = 0;
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      this.requests.push(path);
      const answer = this.feeds.get(path) ?? { status: 404, body: 'not found' };
      setTimeout(() => {
        res.writeHead(answer.status ?? 200, { 'content-type': 'text/calendar; charset=utf-8' });
        res.end(answer.body ?? '');
        this.answered++;
      }, answer.delayMs ?? 0);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  serve(path: string, answer: FeedAnswer | string): string {
    this.feeds.set(path, typeof answer === 'string' ? { body: answer } : answer);
    return `${this.url}${path}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

/** An iCalendar document around the given VEVENT/VTIMEZONE text (CRLF line ends, as feeds have). */
export function vcalendar(...components: string[]): string {
  return ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Test//Feed//EN', 'X-WR-CALNAME:Work', ...components, 'END:VCALENDAR', ''].join('\r\n');
}

export function vevent(fields: Record<string, string | string[]>): string {
  const lines = ['BEGIN:VEVENT'];
  for (const [key, value] of Object.entries(fields)) for (const v of Array.isArray(value) ? value : [value]) lines.push(`${key}${v.startsWith(';') ? '' : ':'}${v}`);
  lines.push('END:VEVENT');
  return lines.join('\r\n');
}

/** Windows' name for US Pacific time with its rules, as Outlook writes it. */
export const PACIFIC_VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  'TZID:Pacific Standard Time',
  'BEGIN:STANDARD',
  'DTSTART:16011104T020000',
  'RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11',
  'TZOFFSETFROM:-0700',
  'TZOFFSETTO:-0800',
  'END:STANDARD',
  'BEGIN:DAYLIGHT',
  'DTSTART:16010311T020000',
  'RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3',
  'TZOFFSETFROM:-0800',
  'TZOFFSETTO:-0700',
  'END:DAYLIGHT',
  'END:VTIMEZONE',
].join('\r\n');
