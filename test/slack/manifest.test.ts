import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const manifest = parse(await readFile(new URL('../../manifest.yml', import.meta.url), 'utf8'));

describe('manifest.yml', () => {
  it('creates /meet with a usage hint, escaped mentions, at /slack/events', () => {
    expect(manifest.features.slash_commands).toEqual([
      expect.objectContaining({ command: '/meet', usage_hint: expect.stringContaining('@people'), should_escape: true, url: expect.stringMatching(/\/slack\/events$/) }),
    ]);
  });

  it('turns on interactivity, the Home tab and the one event the app listens to', () => {
    expect(manifest.settings.interactivity).toMatchObject({ is_enabled: true, request_url: expect.stringMatching(/\/slack\/events$/) });
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(['app_home_opened']);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.display_information.name.length).toBeLessThanOrEqual(35);
  });

  it('asks only for the bot scopes the app uses', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(['chat:write', 'chat:write.public', 'commands', 'users:read', 'users:read.email']);
    expect(manifest.oauth_config.scopes.user).toBeUndefined();
  });
});
