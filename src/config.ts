import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';

const optional = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v ? v : undefined));

/** Requests a minute per API key: room for bursts of a thousand requests, a ceiling for a runaway client. */
export const DEFAULT_API_RATE_LIMIT = 3000;

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: optional.pipe(z.url({ error: 'PUBLIC_URL must be a URL such as https://meet.example.com' }).optional()),
  DATABASE_URL: optional,
  DATA_DIR: z.string().default('./.data'),
  SLACK_BOT_TOKEN: optional,
  SLACK_SIGNING_SECRET: optional,
  SLACK_APP_TOKEN: optional,
  SLACK_API_URL: z.url().default('https://slack.com/api/'),
  TWILIO_ACCOUNT_SID: optional,
  TWILIO_API_KEY: optional,
  TWILIO_API_SECRET: optional,
  TWILIO_AUTH_TOKEN: optional,
  TWILIO_API_URL: z.url().default('https://video.twilio.com'),
  LINK_SECRET: optional,
  SMTP_URL: optional.pipe(
    z
      .url({ error: 'SMTP_URL must be a URL such as smtps://user:password@smtp.example.com:465' })
      .refine((u) => /^smtps?:\/\//i.test(u), { error: 'SMTP_URL must start with smtp:// or smtps://' })
      .optional(),
  ),
  MAIL_FROM: optional.pipe(
    z
      .string()
      .refine((v) => parseMailbox(v) !== undefined, { error: 'MAIL_FROM must be an address such as "Meetings <meet@example.com>" or meet@example.com' })
      .optional(),
  ),
  SECRETS_KEY: optional.pipe(
    z.string().min(32, { error: 'SECRETS_KEY must be at least 32 characters (for example the output of `openssl rand -base64 32`)' }).optional(),
  ),
  GOOGLE_CLIENT_ID: optional,
  GOOGLE_CLIENT_SECRET: optional,
  MICROSOFT_CLIENT_ID: optional,
  MICROSOFT_CLIENT_SECRET: optional,
  MICROSOFT_TENANT: z.string().trim().default('common'),
  API_RATE_LIMIT: optional.pipe(
    z
      .string()
      .regex(/^\d{1,7}$/, { error: 'API_RATE_LIMIT must be a whole number of requests a minute per API key, e.g. 3000' })
      .transform(Number)
      .refine((n) => n >= 1, { error: 'API_RATE_LIMIT must be at least 1 (requests a minute per API key)' })
      .optional(),
  ),
});

export interface Config {
  port: number;
  publicUrl: string;
  databaseUrl?: string;
  dataDir: string;
  linkSecret: string;
  slack: {
    botToken?: string;
    signingSecret?: string;
    appToken?: string;
    apiUrl: string;
  };
  twilio: {
    accountSid?: string;
    apiKey?: string;
    apiSecret?: string;
    authToken?: string;
    apiUrl: string;
  };
  /** Email to guests; both are needed (see emailConfigured). */
  email: {
    smtpUrl?: string;
    /** The From of every email: an address, or "Name <address>". */
    from?: string;
  };
  /** Requests a minute each API key may make, unless the key has its own limit; absent: DEFAULT_API_RATE_LIMIT. */
  apiRateLimit?: number;
  /** People's own calendars; absent (as in most tests) means calendars cannot be connected. */
  calendars?: CalendarsConfig;
}

export interface CalendarsConfig {
  /**
   * Encrypts stored calendar credentials and tokens. Several keys, comma separated, rotate: the
   * first encrypts, any of them decrypts. Unset: calendars cannot be connected or read.
   */
  secretsKey?: string;
  google?: { clientId: string; clientSecret: string };
  microsoft?: { clientId: string; clientSecret: string; tenant: string };
}

export class ConfigError extends Error {}

/** Reads the environment; LINK_SECRET, when unset, is generated once and kept under DATA_DIR. */
export async function loadConfig(env: Record<string, string | undefined> = process.env): Promise<Config> {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid configuration: ${issues}`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.DATA_DIR);
  return {
    port: e.PORT,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    databaseUrl: e.DATABASE_URL,
    dataDir,
    linkSecret: e.LINK_SECRET ?? (await storedSecret(dataDir, 'link-secret')),
    slack: { botToken: e.SLACK_BOT_TOKEN, signingSecret: e.SLACK_SIGNING_SECRET, appToken: e.SLACK_APP_TOKEN, apiUrl: withSlash(e.SLACK_API_URL) },
    twilio: {
      accountSid: e.TWILIO_ACCOUNT_SID,
      apiKey: e.TWILIO_API_KEY,
      apiSecret: e.TWILIO_API_SECRET,
      authToken: e.TWILIO_AUTH_TOKEN,
      apiUrl: e.TWILIO_API_URL.replace(/\/+$/, ''),
    },
    email: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM },
    apiRateLimit: e.API_RATE_LIMIT ?? DEFAULT_API_RATE_LIMIT,
    calendars: {
      secretsKey: e.SECRETS_KEY,
      google: e.GOOGLE_CLIENT_ID && e.GOOGLE_CLIENT_SECRET ? { clientId: e.GOOGLE_CLIENT_ID, clientSecret: e.GOOGLE_CLIENT_SECRET } : undefined,
      microsoft:
        e.MICROSOFT_CLIENT_ID && e.MICROSOFT_CLIENT_SECRET
          ? { clientId: e.MICROSOFT_CLIENT_ID, clientSecret: e.MICROSOFT_CLIENT_SECRET, tenant: e.MICROSOFT_TENANT || 'common' }
          : undefined,
    },
  };
}

/** Whether guests get email (SMTP_URL and MAIL_FROM both set); pages say so when they do not. */
export function emailConfigured(config: Pick<Config, 'email'>): boolean {
  return Boolean(config.email?.smtpUrl && config.email?.from);
}

/** "Name <address>" or a bare address, split; undefined when it is neither. */
export function parseMailbox(value: string): { name?: string; address: string } | undefined {
  const match = /^\s*(?:"?([^"<>]*?)"?\s*<([^<>\s]+)>|([^<>\s]+))\s*$/.exec(value);
  if (!match) return undefined;
  const address = match[2] ?? match[3]!;
  // Loose on purpose: a local catcher's meet@localhost is as good as any for a sender.
  if (!/^[^\s@<>",;]+@[^\s@<>",;.][^\s@<>",;]*$/.test(address) || address.endsWith('.')) return undefined;
  const name = match[1]?.trim();
  return name ? { name, address } : { address };
}

/** Where the embedded database lives (under DATA_DIR). */
export function pgliteDir(config: Config): string {
  return join(config.dataDir, 'pglite');
}

/**
 * Creates DATA_DIR when this process keeps something there (the embedded database; a generated
 * LINK_SECRET is written by loadConfig, which creates it too), whatever else is configured.
 */
export async function prepareDataDir(config: Config): Promise<void> {
  if (!config.databaseUrl) await mkdir(config.dataDir, { recursive: true });
}

/** One line for each part that is not configured, said once at start-up. */
export function describeMissing(config: Config): string[] {
  const lines: string[] = [];
  const { slack, twilio } = config;
  if (!slack.botToken || (!slack.signingSecret && !slack.appToken)) {
    lines.push('Slack: not configured, set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)');
  }
  const missingTwilio = (['TWILIO_ACCOUNT_SID', 'TWILIO_API_KEY', 'TWILIO_API_SECRET', 'TWILIO_AUTH_TOKEN'] as const).filter(
    (name) => !{ TWILIO_ACCOUNT_SID: twilio.accountSid, TWILIO_API_KEY: twilio.apiKey, TWILIO_API_SECRET: twilio.apiSecret, TWILIO_AUTH_TOKEN: twilio.authToken }[name],
  );
  if (missingTwilio.length) lines.push(`Twilio Video: not configured, set ${missingTwilio.join(', ')}; join links open but calls cannot start`);
  if (!emailConfigured(config)) {
    const missing = [config.email.smtpUrl ? undefined : 'SMTP_URL', config.email.from ? undefined : 'MAIL_FROM'].filter(Boolean).join(' and ');
    lines.push(`Email: not configured, set ${missing}; guests see their links only on the confirmation page`);
  }
  const calendars = config.calendars;
  if (!calendars?.secretsKey) {
    lines.push('Calendars: not configured, set SECRETS_KEY (32+ random characters) so people can connect their calendars');
  } else {
    const oauth = [!calendars.google && 'Google (GOOGLE_CLIENT_ID, GOOGLE_CLIENT_SECRET)', !calendars.microsoft && 'Microsoft 365 (MICROSOFT_CLIENT_ID, MICROSOFT_CLIENT_SECRET)'].filter(Boolean);
    if (oauth.length) lines.push(`Calendars: CalDAV and iCal feeds only; to offer ${oauth.join(' and ')}, set their OAuth client`);
  }
  return lines;
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

async function storedSecret(dataDir: string, name: string): Promise<string> {
  const path = join(dataDir, name);
  try {
    const value = (await readFile(path, 'utf8')).trim();
    if (value.length >= 32) return value;
  } catch {
    // first start: generate below
  }
  await mkdir(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  await writeFile(path, `${secret}\n`, { mode: 0o600 });
  return secret;
}
