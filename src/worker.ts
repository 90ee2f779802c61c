import { drizzle } from 'drizzle-orm/postgres-js';
import type { ExecutionContext } from 'hono';
import postgres from 'postgres';
import type { Database } from './db/client.js';
import * as schema from './db/schema.js';
import { loadConfig } from './config.js';
import { createWebApp } from './web-app.js';
import { SCALAR_BUNDLE_ASSET, SCALAR_BUNDLE_PATH } from './api/docs.js';
import { EMBED_SCRIPT_HEADERS } from './public/embed.js';

/**
 * Cloudflare Workers entry: the same Hono app as on Node (health, the meetings API with its
 * OpenAPI document and reference page, the call page), minus the Slack endpoint, which runs on
 * Node. Postgres is reached through Hyperdrive, with a client per request: a Worker may not keep
 * sockets between requests, and Hyperdrive pools the real connections.
 */
export interface WorkerEnv {
  HYPERDRIVE: { connectionString: string };
  /** web/dist, served for /assets/* (see wrangler.toml). */
  ASSETS?: { fetch(request: Request): Promise<Response> };
  PUBLIC_URL?: string;
  LINK_SECRET?: string;
  TWILIO_ACCOUNT_SID?: string;
  TWILIO_API_KEY?: string;
  TWILIO_API_SECRET?: string;
  TWILIO_AUTH_TOKEN?: string;
  TWILIO_API_URL?: string;
  SMTP_URL?: string;
  MAIL_FROM?: string;
  SECRETS_KEY?: string;
  GOOGLE_CLIENT_ID?: string;
  GOOGLE_CLIENT_SECRET?: string;
  MICROSOFT_CLIENT_ID?: string;
  MICROSOFT_CLIENT_SECRET?: string;
  MICROSOFT_TENANT?: string;
}

const ASSET_PATH = /^\/assets\/([\w.-]+)$/;

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    const url = new URL(request.url);
    const asset = ASSET_PATH.exec(url.pathname);
    if (asset && env.ASSETS && request.method === 'GET') return env.ASSETS.fetch(new Request(new URL(`/${asset[1]}`, url), request));
    // The API reference's script: copied from node_modules into web/dist by the build (Workers have no node_modules).
    if (url.pathname === SCALAR_BUNDLE_PATH && env.ASSETS && request.method === 'GET') {
      return env.ASSETS.fetch(new Request(new URL(`/${SCALAR_BUNDLE_ASSET}`, url), request));
    }
    // Other sites' pages load embed.js: the asset (with its ETag and 304s) under the headers they need.
    if (url.pathname === '/embed.js' && env.ASSETS && request.method === 'GET') {
      const asset = await env.ASSETS.fetch(new Request(new URL('/embed.js', url), request));
      const response = new Response(asset.body, asset);
      if (asset.ok || asset.status === 304) for (const [name, value] of Object.entries(EMBED_SCRIPT_HEADERS)) response.headers.set(name, value);
      return response;
    }

    if (!env.LINK_SECRET) {
      return Response.json(
        { error: { code: 'internal_error', message: 'The Worker is missing LINK_SECRET: set it with `wrangler secret put LINK_SECRET`', field: null, requestId: crypto.randomUUID() } },
        { status: 500 },
      );
    }
    const config = await loadConfig({
      PUBLIC_URL: env.PUBLIC_URL ?? url.origin,
      LINK_SECRET: env.LINK_SECRET,
      TWILIO_ACCOUNT_SID: env.TWILIO_ACCOUNT_SID,
      TWILIO_API_KEY: env.TWILIO_API_KEY,
      TWILIO_API_SECRET: env.TWILIO_API_SECRET,
      TWILIO_AUTH_TOKEN: env.TWILIO_AUTH_TOKEN,
      TWILIO_API_URL: env.TWILIO_API_URL,
      // The Worker sends no email (the Node process does); these only tell its pages whether guests get any.
      SMTP_URL: env.SMTP_URL,
      MAIL_FROM: env.MAIL_FROM,
      SECRETS_KEY: env.SECRETS_KEY,
      GOOGLE_CLIENT_ID: env.GOOGLE_CLIENT_ID,
      GOOGLE_CLIENT_SECRET: env.GOOGLE_CLIENT_SECRET,
      MICROSOFT_CLIENT_ID: env.MICROSOFT_CLIENT_ID,
      MICROSOFT_CLIENT_SECRET: env.MICROSOFT_CLIENT_SECRET,
      MICROSOFT_TENANT: env.MICROSOFT_TENANT,
      DATA_DIR: '/tmp',
    });
    const client = postgres(env.HYPERDRIVE.connectionString, { max: 5, fetch_types: false, onnotice: () => {} });
    const db = drizzle(client, { schema }) as unknown as Database;
    // Cloudflare sets the visitor's address; the public pages' rate limits count by it.
    const app = createWebApp({ db, dbKind: 'postgres', config, clientIp: (c) => c.req.header('cf-connecting-ip') });
    try {
      return await app.fetch(request, env, ctx);
    } finally {
      ctx.waitUntil(client.end({ timeout: 5 }));
    }
  },
};
