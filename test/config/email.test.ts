import { describe, expect, it } from 'vitest';
import { ConfigError, describeMissing, emailConfigured, loadConfig, parseMailbox } from '../../src/config.js';

const base = { LINK_SECRET: 'config-test-link-secret-0123456789abcdef', DATA_DIR: '/tmp/meetings-config-tests' };
const emailLines = (lines: string[]) => lines.filter((l) => l.startsWith('Email:'));

describe('email configuration', () => {
  it('is on with SMTP_URL and MAIL_FROM, and then says nothing at start-up', async () => {
    const config = await loadConfig({ ...base, SMTP_URL: 'smtps://user:secret@smtp.example.com:465', MAIL_FROM: '"Acme Meetings" <meet@acme.example>' });
    expect(config.email).toEqual({ smtpUrl: 'smtps://user:secret@smtp.example.com:465', from: '"Acme Meetings" <meet@acme.example>' });
    expect(emailConfigured(config)).toBe(true);
    expect(emailLines(describeMissing(config))).toEqual([]);
  });

  it('is off without either, and says once what to set and what guests see instead', async () => {
    expect(emailLines(describeMissing(await loadConfig(base)))).toEqual([
      'Email: not configured, set SMTP_URL and MAIL_FROM; guests see their links only on the confirmation page',
    ]);
    const halfway = await loadConfig({ ...base, SMTP_URL: 'smtp://localhost:1025' });
    expect(emailConfigured(halfway)).toBe(false);
    expect(emailLines(describeMissing(halfway))).toEqual(['Email: not configured, set MAIL_FROM; guests see their links only on the confirmation page']);
    expect(emailLines(describeMissing(await loadConfig({ ...base, MAIL_FROM: 'meet@acme.example', SMTP_URL: '  ' })))).toEqual([
      'Email: not configured, set SMTP_URL; guests see their links only on the confirmation page',
    ]);
  });

  it('refuses a SMTP_URL that is not smtp:// or smtps://, and a MAIL_FROM that is not an address', async () => {
    await expect(loadConfig({ ...base, SMTP_URL: 'https://smtp.example.com' })).rejects.toThrow(/SMTP_URL must start with smtp:\/\/ or smtps:\/\//);
    await expect(loadConfig({ ...base, SMTP_URL: 'not a url' })).rejects.toThrow(ConfigError);
    await expect(loadConfig({ ...base, MAIL_FROM: 'Meetings' })).rejects.toThrow(/MAIL_FROM must be an address/);
    await expect(loadConfig({ ...base, MAIL_FROM: 'Meetings <meet@>' })).rejects.toThrow(/MAIL_FROM/);
  });

  it('reads MAIL_FROM as a name and an address, or a bare address', () => {
    expect(parseMailbox('Meetings <meet@acme.example>')).toEqual({ name: 'Meetings', address: 'meet@acme.example' });
    expect(parseMailbox('"Acme, Inc. Meetings" <meet@acme.example>')).toEqual({ name: 'Acme, Inc. Meetings', address: 'meet@acme.example' });
    expect(parseMailbox(' meet@acme.example ')).toEqual({ address: 'meet@acme.example' });
    expect(parseMailbox('<meet@acme.example>')).toEqual({ address: 'meet@acme.example' });
    expect(parseMailbox('meet@localhost')).toEqual({ address: 'meet@localhost' });
    expect(parseMailbox('meet@acme.example, other@acme.example')).toBeUndefined();
    expect(parseMailbox('meet@')).toBeUndefined();
    expect(parseMailbox('@acme.example')).toBeUndefined();
  });
});
