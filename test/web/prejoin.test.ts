import { describe, expect, it } from 'vitest';
import { captureLogs } from '../support/console.js';
import { expectAccessible, expectLiveVideo, join, SCREENSHOTS, VIEWPORTS, useHarness } from './support/harness.js';

const h = useHarness();

const previewTrack = (kind: 'audio' | 'video') => `document.getElementById('preview').srcObject.get${kind === 'audio' ? 'Audio' : 'Video'}Tracks()[0]`;

describe.each(VIEWPORTS)('the call page before joining, %s', (size, viewport) => {
  it('shows the meeting, a live preview, a moving microphone level, device and speaker pickers with a test sound, and who is in the call', async () => {
    const booking = await h.book();
    const page = await h.openPage(await h.memberUrl(booking), { viewport });
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Quarterly review');
    // 15:00 UTC in the viewer's zone (the browser is in New York).
    await page.waitForFunction(() => /10:00 – 10:30 \(America\/New York\)/.test(document.getElementById('meeting-time')!.textContent ?? ''));
    expect(await page.locator('.joining-as').textContent()).toBe('Joining as Person U0ANA');
    await expectLiveVideo(page, '#preview');
    await expect.poll(() => page.locator('#in-call-now').textContent()).toBe('No one is in the call yet.');

    // The level meter follows the (fake, beeping) microphone, and drops to nothing when muted.
    const meter = page.getByRole('meter', { name: 'Microphone level' });
    await expect.poll(() => meter.evaluate((m: HTMLMeterElement) => m.value), { timeout: 10_000 }).toBeGreaterThan(5);
    await page.getByRole('button', { name: 'Mute microphone' }).click();
    expect(await page.evaluate(`${previewTrack('audio')}.enabled`)).toBe(false);
    await expect.poll(() => meter.evaluate((m: HTMLMeterElement) => m.value)).toBe(0);
    await page.getByRole('button', { name: 'Unmute microphone' }).click();

    // Picking another microphone swaps the real track: the old one stops, the new one is that device.
    await page.evaluate(`window.micBefore = ${previewTrack('audio')}`);
    await page.getByRole('combobox', { name: 'Microphone' }).selectOption({ label: 'Fake Audio Input 1' });
    await expect.poll(() => page.evaluate(`${previewTrack('audio')}.label`)).toBe('Fake Audio Input 1');
    expect(await page.evaluate('window.micBefore.readyState')).toBe('ended');
    expect(await page.getByRole('combobox', { name: 'Camera' }).locator('option').allTextContents()).toEqual(['fake_device_0', 'fake_device_1']);

    // The speaker: chosen, and the test sound plays on it.
    const speaker = page.getByRole('combobox', { name: 'Speaker' });
    expect(await speaker.locator('option').allTextContents()).toContain('Fake Audio Output 1');
    await speaker.selectOption({ label: 'Fake Audio Output 1' });
    const chosen = await speaker.inputValue();
    await page.getByRole('button', { name: 'Play test sound' }).click();
    await page.waitForFunction(() => {
      const audio = document.getElementById('test-sound-audio') as HTMLAudioElement | null;
      return Boolean(audio && !audio.paused && audio.currentTime > 0);
    });
    expect(await page.evaluate(() => (document.getElementById('test-sound-audio') as HTMLAudioElement & { sinkId: string }).sinkId)).toBe(chosen);

    // The camera toggle stops the real track and starts a new one.
    await page.evaluate(`window.previewTrack = ${previewTrack('video')}`);
    await page.getByRole('button', { name: 'Turn camera off' }).click();
    expect(await page.evaluate('window.previewTrack.readyState')).toBe('ended');
    await page.locator('#preview-off').waitFor({ state: 'visible' });
    await page.getByRole('button', { name: 'Turn camera on' }).click();
    await expectLiveVideo(page, '#preview');

    // Someone joins from elsewhere (Twilio's participants API says who is connected): the page says so.
    const token = await fetch(`${h.base}/api/meetings/rooms/${booking.id}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ k: new URL(await h.memberUrl(booking, 'U0BEN')).searchParams.get('k'), device: 'phone001' }),
    });
    const { roomName } = (await token.json()) as { roomName: string };
    h.twilioMock.participants.set(h.twilioMock.rooms.get(roomName)!.sid, [{ identity: 'slack:U0BEN:phone001' }, { identity: 'guest:0a0b0c0d:Dana%20Guest' }]);
    await page.reload();
    await expect.poll(() => page.locator('#in-call-now').textContent()).toBe('Person U0BEN and Dana Guest are in the call.');
    await expectLiveVideo(page, '#preview');
    await expectAccessible(page, `pre-join, ${size}`);
    await page.screenshot({ path: new URL(`prejoin-${size}.png`, SCREENSHOTS).pathname, fullPage: size === 'phone' });
    h.expectNoConsoleErrors();
  });

  it('asks a guest for a name, joins under it, and remembers it', async () => {
    const booking = await h.book();
    const page = await h.openPage(await h.guestUrl(booking), { viewport });
    const name = page.getByRole('textbox', { name: 'Your name' });
    await name.waitFor();
    await expectLiveVideo(page, '#preview');
    await page.getByRole('button', { name: 'Join' }).click();
    expect(await page.locator('#notice').textContent()).toMatch(/Type your name/);
    expect(await page.evaluate(() => (window as any).__fakeVideo.connects.length)).toBe(0);
    await name.fill('Dana Guest');
    await join(page);
    const connect = await page.evaluate(() => (window as any).__fakeVideo.connects[0]);
    expect(connect.identity).toMatch(/^guest:[0-9a-f]{8}:Dana%20Guest$/);
    expect(await page.locator('.tile.local .name').textContent()).toBe('Dana Guest (you)');
    await page.goto(await h.guestUrl(booking));
    expect(await page.getByRole('textbox', { name: 'Your name' }).inputValue()).toBe('Dana Guest');
    h.expectNoConsoleErrors();
  });

  it('says plainly when the camera and microphone are blocked, or missing, and still lets you join', async () => {
    const booking = await h.book();
    const blocked = await h.openPage(await h.memberUrl(booking), {
      viewport,
      initScript: `if (navigator.mediaDevices) navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));`,
    });
    await blocked.locator('#notice').waitFor({ state: 'visible' });
    expect(await blocked.locator('#notice').textContent()).toMatch(/Your browser blocked the camera and microphone\. Allow them for this site/);
    expect(await blocked.locator('#preview-off').isVisible()).toBe(true);
    expect(await blocked.locator('#toggle-mic').textContent()).toBe('No microphone');

    const missing = await h.openPage(await h.memberUrl(booking), {
      viewport,
      initScript: `if (navigator.mediaDevices) navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Requested device not found', 'NotFoundError'));`,
    });
    await missing.locator('#notice').waitFor({ state: 'visible' });
    const text = await missing.locator('#notice').textContent();
    expect(text).toMatch(/No microphone was found/);
    expect(text).toMatch(/No camera was found/);
    await join(missing);
    expect(await missing.evaluate(() => (window as any).__fakeVideo.connects[0].tracks)).toEqual([{ kind: 'data' }]);
    expect(await missing.locator('.tile.local').getAttribute('data-muted')).toBe('true');
    h.expectNoConsoleErrors();
  });

  it('counts down to the opening when the meeting is not open yet', async () => {
    const booking = await h.book();
    h.clock = new Date(booking.startsAt.getTime() - 30 * 60_000);
    const page = await h.openPage(await h.memberUrl(booking), { viewport });
    await page.locator('#countdown').waitFor({ state: 'visible' });
    expect(await page.locator('#countdown').textContent()).toMatch(/^The call opens in (20:00|19:5\d), at 09:50\.$/);
    expect(await page.getByRole('button', { name: 'Join' }).isDisabled()).toBe(true);
    const before = await page.locator('#countdown').textContent();
    await page.waitForFunction((text) => document.getElementById('countdown')!.textContent !== text, before);
    h.expectNoConsoleErrors();
  });

  it('says when the video service is not configured, or cannot be reached', async () => {
    const booking = await h.book();
    const page = await h.openPage(await h.memberUrl(booking, 'U0ANA', h.unconfiguredBase), { viewport });
    await page.locator('#notice').waitFor({ state: 'visible' });
    expect(await page.locator('#notice').textContent()).toMatch(/video service is not available/);
    expect(await page.getByRole('button', { name: 'Join' }).isDisabled()).toBe(true);
    await expectLiveVideo(page, '#preview');

    const reachable = await h.openPage(await h.memberUrl(booking), { viewport });
    await expectLiveVideo(reachable, '#preview');
    h.twilioMock.state.failWith = 503;
    const logged = captureLogs(/video service unavailable/);
    await reachable.getByRole('button', { name: 'Join' }).click();
    await reachable.waitForFunction(() => /could not be reached just now/.test(document.getElementById('notice')!.textContent ?? ''));
    expect(await reachable.locator('#call').isHidden()).toBe(true);
    h.twilioMock.state.failWith = 0;
    await reachable.evaluate(() => ((window as any).__fakeVideo.failNext = { code: 53000, name: 'SignalingConnectionError', message: 'Signaling connection error' }));
    await reachable.getByRole('button', { name: 'Join' }).click();
    await reachable.waitForFunction(() => /video service could not be reached/.test(document.getElementById('notice')!.textContent ?? ''));
    await expect.poll(() => reachable.getByRole('button', { name: 'Join' }).isEnabled()).toBe(true);
    h.expectNoConsoleErrors([503]);
    expect(logged.join('\n')).toMatch(/video service unavailable: Twilio answered 503/);
  });

  it('refuses a forged or expired link with a page that says why, with the favicon and nothing else failing', async () => {
    const booking = await h.book();
    const url = new URL(await h.memberUrl(booking));
    const k = url.searchParams.get('k')!;
    url.searchParams.set('k', `${k.slice(0, -3)}abc`);
    const page = await h.openPage(url.toString(), { viewport, fake: false });
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('This link is not valid');
    expect(await page.locator('#refusal-message').textContent()).toMatch(/has been changed/);
    expect(await page.getByRole('button', { name: 'Join' }).count()).toBe(0);
    const icon = await page.evaluate(async () => {
      const href = document.querySelector<HTMLLinkElement>('link[rel="icon"]')!.href;
      const response = await fetch(href);
      return { status: response.status, type: response.headers.get('content-type') };
    });
    expect(icon).toEqual({ status: 200, type: 'image/svg+xml' });
    h.clock = new Date(booking.endsAt.getTime() + 31 * 60_000);
    await page.goto(await h.memberUrl(booking));
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('This link has expired');
    await expectAccessible(page, `refusal, ${size}`);
    h.expectNoConsoleErrors([403, 410]);
  });
});

describe('the real twilio-video', () => {
  it('loads from this server, and says so when its service cannot be reached', async () => {
    const booking = await h.book();
    const page = await h.openPage(await h.memberUrl(booking), { fake: false });
    expect(await page.evaluate(() => typeof (window as any).Twilio?.Video.connect)).toBe('function');
    expect(await page.evaluate(() => (window as any).Twilio.Video.version)).toBe('2.32.0');
    await expectLiveVideo(page, '#preview');
    await page.getByRole('button', { name: 'Join' }).click();
    // Offline, twilio-video's signaling connection fails (53000).
    await page.waitForFunction(() => /video service could not be reached/.test(document.getElementById('notice')!.textContent ?? ''), undefined, { timeout: 60_000 });
    expect(await page.locator('#call').isHidden()).toBe(true);
  }, 90_000);
});
