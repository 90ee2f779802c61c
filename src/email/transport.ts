import nodemailer from 'nodemailer';
import { parseMailbox, type Config } from '../config.js';
import type { OutgoingEmail } from './message.js';

/** Sends one email; throws when it was not accepted. */
export interface Mailer {
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
  close(): void;
}

/**
 * The mail server refused this message for this recipient for good (a 5xx answer to RCPT TO or
 * to the message): sending it again would be refused again, so it is recorded, not retried.
 */
export class PermanentRejection extends Error {
  constructor(
    readonly recipient: string,
    readonly response: string,
  ) {
    super(`The mail server refused the email to ${recipient}: ${response}`);
    this.name = 'PermanentRejection';
  }
}

interface SmtpError {
  permanent?: boolean;
  command?: string;
  response?: string;
  message?: string;
}

/**
 * SMTP through nodemailer, one connection per send (emails go out a few at a time, and nothing
 * stays open between them). Timeouts are short enough that a hung server fails the attempt well
 * inside the dispatcher's lease, and the event is tried again later.
 */
export function smtpMailer(email: Config['email']): Mailer {
  if (!email.smtpUrl || !email.from) throw new Error('smtpMailer needs SMTP_URL and MAIL_FROM');
  const from = parseMailbox(email.from)!;
  const transport = nodemailer.createTransport({
    url: email.smtpUrl,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    async send(message) {
      try {
        const info = await transport.sendMail({
          from: from.name ? { name: from.name, address: from.address } : from.address,
          to: message.to,
          replyTo: message.replyTo,
          subject: message.subject,
          text: message.text,
          html: message.html,
          icalEvent: message.calendar ? { method: message.calendar.method, content: message.calendar.content, filename: 'invite.ics' } : undefined,
        });
        return { messageId: String(info.messageId) };
      } catch (error) {
        const smtp = error as SmtpError;
        if (smtp.permanent && (smtp.command === 'RCPT TO' || smtp.command === 'DATA')) {
          throw new PermanentRejection(message.to.address, smtp.response ?? smtp.message ?? 'refused');
        }
        throw error;
      }
    },
    close() {
      transport.close();
    },
  };
}
