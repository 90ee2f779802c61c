import type { MiddlewareHandler } from 'hono';
import { every } from 'hono/combine';
import type { AppDeps } from '../app.js';
import { ApiError, type RequestIdVariables } from './errors.js';
import { verifyApiKey, type ApiKeyInfo } from './keys.js';
import { limitPerApiKey } from './rate-limits.js';

/** What an authenticated request knows: its team (every query runs inside it) and the key used. */
export interface ApiVariables extends RequestIdVariables {
  teamId: string;
  apiKey: ApiKeyInfo;
}

export type ApiEnv = { Variables: ApiVariables };

const HOW_TO_GET_ONE = 'Create one with: npm run keys -- create --team <team id> --name <name>';

/**
 * Requires `Authorization: Bearer <team API key>` (no key, a wrong key or a revoked key is 401)
 * and counts the request against the key's rate limit (429 over it).
 */
export function requireApiKey(deps: Pick<AppDeps, 'db' | 'now' | 'config'>): MiddlewareHandler<ApiEnv> {
  return every(authenticate(deps), limitPerApiKey(deps)) as MiddlewareHandler<ApiEnv>;
}

function authenticate(deps: Pick<AppDeps, 'db' | 'now'>): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const header = c.req.header('Authorization');
    if (!header) throw new ApiError(401, 'unauthorized', `Send a team API key as "Authorization: Bearer <key>". ${HOW_TO_GET_ONE}`, 'Authorization');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new ApiError(401, 'unauthorized', 'The Authorization header must be "Bearer <key>"', 'Authorization');
    const check = await verifyApiKey(deps.db, match[1]!, deps.now?.() ?? new Date());
    if (!check.ok) {
      const message = check.reason === 'revoked' ? `This API key was revoked. ${HOW_TO_GET_ONE}` : `This is not a valid API key. ${HOW_TO_GET_ONE}`;
      throw new ApiError(401, 'unauthorized', message, 'Authorization');
    }
    c.set('teamId', check.key.teamId);
    c.set('apiKey', check.key);
    await next();
  };
}
