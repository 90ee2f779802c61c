import { and, desc, eq, isNull, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { ensureTeam } from '../bookings/teams.js';
import { parseInput } from '../bookings/validate.js';
import { BookingError } from '../bookings/errors.js';
import { teamIdSchema } from '../core/bookings/schemas.js';
import { text } from '../core/input.js';
import { isUuid } from '../core/ids.js';
import type { Database } from '../db/client.js';
import { apiKeys } from '../db/schema.js';
import { withTeam, withoutTeam } from '../db/tenant.js';

/**
 * Team API keys: `mfs_<prefix>_<secret>`. The whole key is shown once, at creation; only its
 * SHA-256 is stored. The prefix is kept in clear so a listing can tell keys apart.
 */
const KEY_PATTERN = /^mfs_([a-z0-9]{8})_([A-Za-z0-9_-]{32,64})$/;

export interface ApiKeyInfo {
  id: string;
  teamId: string;
  name: string;
  prefix: string;
  /** Requests a minute this key may make; null: the server's default (API_RATE_LIMIT). */
  rateLimit: number | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface CreatedApiKey extends ApiKeyInfo {
  /** The full key; not stored, cannot be shown again. */
  key: string;
}

const createKeySchema = z.object({
  teamId: teamIdSchema,
  name: text().trim().min(1, 'give the key a name, e.g. helpdesk').max(60),
  rateLimit: z.int('the rate limit must be a whole number of requests a minute').min(1).max(1_000_000).nullish(),
});

export async function hashApiKey(key: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function randomString(alphabet: string, length: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  // 256 is a multiple of both alphabets' lengths (32, 64), so there is no modulo bias.
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
}

const PREFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Creates a key for the team (and the team itself, with its default meeting types, on first use). */
export async function createApiKey(db: Database, input: { teamId: string; name: string; rateLimit?: number | null }): Promise<CreatedApiKey> {
  const { teamId, name, rateLimit } = parseInput(createKeySchema, input);
  const prefix = randomString(PREFIX_ALPHABET, 8);
  const key = `mfs_${prefix}_${randomString(SECRET_ALPHABET, 40)}`;
  const keyHash = await hashApiKey(key);
  const row = await withTeam(db, teamId, async (tx) => {
    await ensureTeam(tx, teamId);
    const [inserted] = await tx.insert(apiKeys).values({ teamId, name, prefix, keyHash, rateLimit: rateLimit ?? null }).returning();
    return inserted!;
  });
  return { ...infoOf(row), key };
}

export async function listApiKeys(db: Database, teamId: string): Promise<ApiKeyInfo[]> {
  parseInput(teamIdSchema, teamId);
  const rows = await withTeam(db, teamId, (tx) => tx.select().from(apiKeys).orderBy(desc(apiKeys.createdAt)));
  return rows.map(infoOf);
}

/** Revokes by id or prefix; revoking twice keeps the first revocation time. */
export async function revokeApiKey(db: Database, teamId: string, idOrPrefix: string): Promise<ApiKeyInfo> {
  parseInput(teamIdSchema, teamId);
  return withTeam(db, teamId, async (tx) => {
    const match = isUuid(idOrPrefix) ? or(eq(apiKeys.id, idOrPrefix), eq(apiKeys.prefix, idOrPrefix)) : eq(apiKeys.prefix, idOrPrefix);
    const [updated] = await tx
      .update(apiKeys)
      .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())` })
      .where(match)
      .returning();
    if (!updated) throw new BookingError('not_found', `No API key ${idOrPrefix} in team ${teamId}`, 'id');
    const cache = keyCacheOf(db);
    for (const [cachedKey, entry] of cache) if (entry.row.id === updated.id) cache.delete(cachedKey);
    return infoOf(updated);
  });
}

export type KeyCheck =
  | { ok: true; key: ApiKeyInfo }
  | { ok: false; reason: 'malformed' | 'unknown' | 'revoked' };

/**
 * A valid key is remembered for a few seconds per process, so a burst of requests costs one
 * lookup, not one each; a key revoked elsewhere stops working within that time (at once here).
 * Unknown and revoked keys are never remembered.
 */
export const KEY_CACHE_MS = 15_000;
const verified = new WeakMap<object, Map<string, { row: typeof apiKeys.$inferSelect; until: number }>>();

function keyCacheOf(db: Database): Map<string, { row: typeof apiKeys.$inferSelect; until: number }> {
  let cache = verified.get(db);
  if (!cache) verified.set(db, (cache = new Map()));
  return cache;
}

/** Finds the key by its hash (the api_key_lookup policy lets exactly that row be read). */
export async function verifyApiKey(db: Database, key: string, now = new Date()): Promise<KeyCheck> {
  if (!KEY_PATTERN.test(key)) return { ok: false, reason: 'malformed' };
  const cache = keyCacheOf(db);
  // Looked up by the key itself (it is in this process's memory with the request anyway): no hashing on a hit.
  const cached = cache.get(key);
  if (cached && cached.until > Date.now()) return { ok: true, key: infoOf(cached.row) };
  const keyHash = await hashApiKey(key);
  const [row] = await withoutTeam(db, { 'app.api_key_hash': keyHash }, (tx) => tx.select().from(apiKeys).where(eq(apiKeys.keyHash, keyHash)), {
    admissionKey: '(api keys)',
  });
  if (!row) return { ok: false, reason: 'unknown' };
  if (row.revokedAt) {
    cache.delete(key);
    return { ok: false, reason: 'revoked' };
  }
  if (cache.size > 10_000) cache.clear();
  cache.set(key, { row, until: Date.now() + KEY_CACHE_MS });
  // Recording use at most every few minutes keeps the write off the hot path.
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 5 * 60_000) {
    await withTeam(db, row.teamId, (tx) =>
      tx.update(apiKeys).set({ lastUsedAt: now }).where(and(eq(apiKeys.id, row.id), isNull(apiKeys.revokedAt))),
    );
  }
  return { ok: true, key: infoOf(row) };
}

function infoOf(row: typeof apiKeys.$inferSelect): ApiKeyInfo {
  return {
    id: row.id,
    teamId: row.teamId,
    name: row.name,
    prefix: row.prefix,
    rateLimit: row.rateLimit,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}
