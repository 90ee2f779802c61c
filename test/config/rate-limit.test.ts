import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_API_RATE_LIMIT, loadConfig } from '../../src/config.js';

const base = { LINK_SECRET: 'test-link-secret-test-link-secret-0123', DATA_DIR: '/tmp/meetings-config-tests' };

describe('API_RATE_LIMIT', () => {
  it('defaults to 3000 requests a minute per key, and takes a whole number', async () => {
    expect((await loadConfig(base)).apiRateLimit).toBe(DEFAULT_API_RATE_LIMIT);
    expect(DEFAULT_API_RATE_LIMIT).toBe(3000);
    expect((await loadConfig({ ...base, API_RATE_LIMIT: '' })).apiRateLimit).toBe(3000);
    expect((await loadConfig({ ...base, API_RATE_LIMIT: '120' })).apiRateLimit).toBe(120);
  });

  it('refuses what is not a positive whole number, saying what it wants', async () => {
    for (const bad of ['0', '-5', '1.5', 'lots', '99999999']) {
      await expect(loadConfig({ ...base, API_RATE_LIMIT: bad }), bad).rejects.toThrow(ConfigError);
    }
    await expect(loadConfig({ ...base, API_RATE_LIMIT: 'lots' })).rejects.toThrow(/API_RATE_LIMIT must be a whole number of requests a minute/);
  });
});
