import { describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/api/keys.js';
import { DESKTOP, T, useHarness } from './support/harness.js';

const h = useHarness();

describe('the API reference at /api/docs', () => {
  it('renders Scalar\'s reference from our own server; "try it" sends a real request; nothing leaves this machine', async () => {
    const { key } = await createApiKey(h.handle.db, { teamId: T, name: 'docs' });
    const context = await h.newContext(DESKTOP, { fake: false });
    const requests: string[] = [];
    context.on('request', (request) => requests.push(request.url()));
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    const response = await page.goto(`${h.base}/api/docs`);
    expect(response?.status()).toBe(200);
    const policy = response!.headers()['content-security-policy'] ?? '';
    // Scripts only with this response's nonce: no inline script of anyone else's, no eval, no other origin.
    expect(policy).toMatch(/script-src 'nonce-[^' ]+'(;|$)/);
    expect(policy).toContain("connect-src 'self'");
    expect(policy).not.toMatch(/unsafe-eval|https?:/);

    await page.getByRole('heading', { name: 'Meetings for Slack API', level: 1 }).waitFor();
    for (const tag of ['Meeting types', 'Availability', 'Bookings', 'Booking events', 'Webhooks', 'Video rooms']) {
      await page.getByRole('button', { name: new RegExp(`^(Open|Close) Group - ${tag}$`) }).waitFor();
    }
    await page.getByRole('heading', { name: "List the team's meeting types" }).waitFor();

    // "Try it": the operation's test request opens Scalar's client; with a key it calls this server.
    // The first operation's button: GET /api/meetings/meeting-types.
    await page.getByRole('button', { name: /Test Request/ }).first().click();
    const dialog = page.getByRole('dialog');
    await dialog.getByPlaceholder('Token').fill(key);
    const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/meetings/meeting-types');
    await dialog.getByRole('button', { name: /^Send Request/ }).click();
    const apiResponse = await answered;
    expect(apiResponse.status()).toBe(200);
    expect(apiResponse.request().headers().authorization).toBe(`Bearer ${key}`);
    expect(((await apiResponse.json()) as { meetingTypes: unknown[] }).meetingTypes.length).toBe(3);
    await dialog.getByText('"meetingTypes"').first().waitFor();

    const outside = requests.filter((url) => !/^(https?:\/\/127\.0\.0\.1(:\d+)?\/|data:|blob:|about:)/.test(url));
    expect(outside).toEqual([]);
    expect(requests).toContain(`${h.base}/api/docs/scalar.js`);
    expect(requests).toContain(`${h.base}/api/openapi.json`);
    h.expectNoConsoleErrors();
  }, 60_000);
});
