import { parseArgs } from 'node:util';
import { BookingError } from '../bookings/errors.js';
import { ConfigError, loadConfig, pgliteDir, prepareDataDir } from '../config.js';
import { openDatabase } from '../db/client.js';
import { DataDirectoryLockedError } from '../db/directory-lock.js';
import { createApiKey, listApiKeys, revokeApiKey, type ApiKeyInfo } from '../api/keys.js';

const USAGE = `Team API keys for the meetings HTTP API (uses DATABASE_URL, or the embedded database under DATA_DIR).

  npm run keys -- create --team T0123 --name helpdesk   create a key; it is shown once, only its hash is kept
                 [--rate-limit 600]                     its own limit in requests a minute (default: API_RATE_LIMIT, 3000)
  npm run keys -- list   --team T0123                   list the team's keys (prefix, name, last use, revoked)
  npm run keys -- revoke --team T0123 --id <id|prefix>  revoke a key; requests with it then answer 401`;

function describe(key: ApiKeyInfo): string {
  const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : 'active';
  const used = key.lastUsedAt ? `last used ${key.lastUsedAt.toISOString()}` : 'never used';
  const limit = key.rateLimit ? `${key.rateLimit} requests a minute` : 'default rate limit';
  return `${key.id}  mfs_${key.prefix}_…  ${key.name}  (${state}; ${limit}; created ${key.createdAt.toISOString()}; ${used})`;
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { team: { type: 'string' }, name: { type: 'string' }, id: { type: 'string' }, 'rate-limit': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const command = positionals[0];
  if (values.help || !command || !['create', 'list', 'revoke'].includes(command)) {
    console.log(USAGE);
    return values.help ? 0 : 1;
  }
  if (!values.team) throw new UsageError('--team is required, e.g. --team T0123ABCD');
  if (command === 'create' && !values.name) throw new UsageError('--name is required, e.g. --name helpdesk');
  const rateLimit = values['rate-limit'] === undefined ? undefined : Number(values['rate-limit']);
  if (rateLimit !== undefined && !(Number.isInteger(rateLimit) && rateLimit >= 1)) throw new UsageError('--rate-limit must be a whole number of requests a minute, e.g. --rate-limit 600');
  if (command === 'revoke' && !values.id) throw new UsageError('--id is required: the key id or its prefix (see list)');

  const config = await loadConfig();
  await prepareDataDir(config);
  const database = await openDatabase(config.databaseUrl ? { url: config.databaseUrl, max: 2 } : { dataDir: pgliteDir(config) });
  try {
    if (command === 'create') {
      const created = await createApiKey(database.db, { teamId: values.team, name: values.name!, rateLimit });
      console.log(`Created API key "${created.name}" for team ${created.teamId} (id ${created.id}).`);
      console.log('This is the only time the key is shown; store it now:\n');
      console.log(`  ${created.key}\n`);
      console.log(`Use it as:  curl -H "Authorization: Bearer ${created.key}" ${config.publicUrl}/api/meetings/meeting-types`);
    } else if (command === 'list') {
      const keys = await listApiKeys(database.db, values.team);
      console.log(keys.length ? keys.map(describe).join('\n') : `Team ${values.team} has no API keys.`);
    } else {
      const revoked = await revokeApiKey(database.db, values.team, values.id!);
      console.log(`Revoked: ${describe(revoked)}`);
    }
    return 0;
  } finally {
    await database.close();
  }
}

class UsageError extends Error {}

main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((error) => {
    if (error instanceof UsageError || error instanceof ConfigError || error instanceof BookingError || error instanceof DataDirectoryLockedError) {
      console.error(error.message);
      if (error instanceof UsageError) console.error(`\n${USAGE}`);
    } else {
      console.error(error);
    }
    process.exit(1);
  });
