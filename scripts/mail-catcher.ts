/**
 * A local SMTP server that catches what the app sends, for trying guests' email without a real
 * mail server: prints each email (recipients, subject, plain text) and saves it as an .eml file,
 * which a mail app opens with its invitation ("Add to calendar").
 *
 *   npm run mail-catcher                 listens on 127.0.0.1:1025, saves to ./.mail
 *   MAIL_CATCHER_PORT=2525 MAIL_CATCHER_DIR=/tmp/mail npm run mail-catcher
 *
 * then start the app with SMTP_URL=smtp://127.0.0.1:1025 and MAIL_FROM="Meetings <meet@localhost>".
 * A development tool (its packages are dev dependencies), not part of the app.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

const port = Number(process.env.MAIL_CATCHER_PORT ?? 1025);
const dir = resolve(process.env.MAIL_CATCHER_DIR ?? '.mail');
await mkdir(dir, { recursive: true });
let count = 0;

const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onAuth: (_auth, _session, callback) => callback(null, { user: 'local' }),
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', async () => {
      const raw = Buffer.concat(chunks);
      const mail = await simpleParser(raw);
      count += 1;
      const name = `${String(count).padStart(3, '0')}-${(mail.subject ?? 'no subject').replace(/[^\w.-]+/g, '-').slice(0, 60)}.eml`;
      await writeFile(join(dir, name), raw);
      const calendar = mail.attachments.find((a) => a.contentType === 'text/calendar');
      const method = calendar ? /METHOD:(\w+)/.exec(calendar.content.toString('utf8'))?.[1] : undefined;
      console.log(`\n#${count} to ${session.envelope.rcptTo.map((r) => r.address).join(', ')}: ${mail.subject}${method ? `  [invitation, METHOD:${method}]` : ''}`);
      console.log(`   saved as ${join(dir, name)}`);
      console.log((mail.text ?? '').replace(/^/gm, '   | '));
      callback();
    });
  },
});

server.listen(port, '127.0.0.1', () => {
  console.log(`Catching email on smtp://127.0.0.1:${port}, saving to ${dir}`);
  console.log(`Start the app with SMTP_URL=smtp://127.0.0.1:${port} MAIL_FROM="Meetings <meet@localhost>"`);
});
