import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { clippedText, expectAccessible, expectLiveVideo, join, SCREENSHOTS, T, VIEWPORTS, useHarness } from './support/harness.js';

const h = useHarness();

const BEN = 'slack:U0BEN';
const DANA = 'guest:1a2b3c4d:Dana%20Guest';
const LONG = 'guest:9e9e9e9e:Maximiliana%20Alexandra%20Featherstonehaugh-Worthington%20III';

async function inCall(viewport: { width: number; height: number }): Promise<Page> {
  const booking = await h.book();
  const page = await h.openPage(await h.memberUrl(booking), { viewport });
  await expectLiveVideo(page, '#preview');
  await join(page);
  return page;
}

const fake = (page: Page, script: string) => page.evaluate(script);
const tile = (page: Page, identity: string) => page.locator(`.tile[data-identity="${identity}"]`);
/** On a phone the less used controls are under More. */
async function control(page: Page, name: string | RegExp, size: string) {
  const button = page.getByRole('button', { name, exact: typeof name === 'string' });
  if (size === 'phone' && !(await button.isVisible())) {
    await page.getByRole('button', { name: 'More' }).click();
  }
  return button;
}

describe.each(VIEWPORTS)('in a call, %s', (size, viewport) => {
  it('shows three people by name with their states, laid out for the screen, with pin, screen share, full screen and the people list', async () => {
    const page = await inCall(viewport);
    const connect = await page.evaluate(() => (window as any).__fakeVideo.connects[0]);
    expect(connect).toMatchObject({ identity: expect.stringMatching(/^slack:U0ANA:[0-9a-f]{8}$/), name: expect.stringMatching(new RegExp(`^mfs_${T}_`)), dominantSpeaker: true });
    expect(connect.tracks.map((t: { kind: string }) => t.kind)).toEqual(['audio', 'video', 'data']);
    expect(await page.getByRole('heading', { name: 'Quarterly review', level: 2 }).isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('timer').textContent()).toMatch(/^0:0[1-9]$/);
    expect(await page.locator('.tile.local .name').textContent()).toBe('Person U0ANA (you)');
    await expectLiveVideo(page, '.tile.local video');

    await fake(page, `__fakeVideo.join('${BEN}'); __fakeVideo.join('${DANA}', { muted: true })`);
    await expect.poll(() => page.locator('.tile').count()).toBe(3);
    expect(await tile(page, BEN).locator('.name').textContent()).toBe('Person U0BEN');
    expect(await tile(page, DANA).locator('.name').textContent()).toBe('Dana Guest');
    expect(await page.locator('#roster-news').textContent()).toBe('Dana Guest joined');
    expect(await page.getByRole('group', { name: 'Dana Guest, muted' }).count()).toBe(1);
    expect(await tile(page, BEN).getAttribute('data-muted')).toBe('false');
    await expectLiveVideo(page, `.tile[data-identity="${BEN}"] video`);

    await fake(page, `__fakeVideo.speak('${BEN}')`);
    expect(await tile(page, BEN).getAttribute('class')).toMatch(/\bspeaking\b/);
    await fake(page, `__fakeVideo.camera('${BEN}', false)`);
    expect(await tile(page, BEN).getAttribute('data-camera-off')).toBe('true');
    expect(await tile(page, BEN).locator('.avatar').isVisible()).toBe(true);
    await fake(page, `__fakeVideo.camera('${BEN}', true); __fakeVideo.network('${BEN}', 2); __fakeVideo.network(null, 4)`);
    expect(await tile(page, BEN).locator('.network').getAttribute('aria-label')).toBe('Network quality 2 of 5');
    expect(await page.locator('.tile.local .network').getAttribute('aria-label')).toBe('Network quality 4 of 5');

    const box = async (selector: string) => (await page.locator(selector).boundingBox())!;
    if (size === 'phone') {
      // The active speaker large, the others in a strip.
      await expect.poll(() => page.locator('#stage .tile').getAttribute('data-identity')).toBe(BEN);
      expect(await page.locator('#tiles.strip .tile').count()).toBe(2);
      await fake(page, `__fakeVideo.speak('${DANA}')`);
      await expect.poll(() => page.locator('#stage .tile').getAttribute('data-identity')).toBe(DANA);
      const main = await box('#stage');
      const small = await box(`#tiles .tile[data-identity="${BEN}"]`);
      expect(main.width * main.height).toBeGreaterThan(4 * small.width * small.height);
      await fake(page, `__fakeVideo.speak('${BEN}')`);
    } else {
      // A grid that fits: every tile whole inside the window, none on the stage.
      expect(await page.locator('#stage').isHidden()).toBe(true);
      const gallery = await box('#gallery');
      for (const identity of ['slack:U0ANA', BEN, DANA]) {
        const t = await box(`.tile[data-identity^="${identity}"]`);
        expect(t.x).toBeGreaterThanOrEqual(gallery.x - 1);
        expect(t.y).toBeGreaterThanOrEqual(gallery.y - 1);
        expect(t.x + t.width).toBeLessThanOrEqual(gallery.x + gallery.width + 1);
        expect(t.y + t.height).toBeLessThanOrEqual(gallery.y + gallery.height + 1);
        expect(t.width).toBeGreaterThan(300);
      }
    }
    await fake(page, `__fakeVideo.mute('${DANA}', true)`);
    await page.screenshot({ path: new URL(`call-${size}.png`, SCREENSHOTS).pathname });
    await expectAccessible(page, `in call, ${size}`);

    // Pin: that person large whoever speaks.
    await tile(page, DANA).hover();
    await page.getByRole('button', { name: 'Pin Dana Guest' }).click();
    await expect.poll(() => page.locator('#stage .tile').getAttribute('data-identity')).toBe(DANA);
    await fake(page, `__fakeVideo.speak('${BEN}')`);
    expect(await page.locator('#stage .tile').getAttribute('data-identity')).toBe(DANA);
    expect(await page.getByRole('button', { name: 'Unpin Dana Guest' }).getAttribute('aria-pressed')).toBe('true');
    await page.getByRole('button', { name: 'Unpin Dana Guest' }).click();
    if (size === 'desktop') await page.locator('#stage').waitFor({ state: 'hidden' });
    await expectLiveVideo(page, `.tile[data-identity="${DANA}"] video`);

    // A long name wraps; it is never cut off.
    await fake(page, `__fakeVideo.join('${LONG}')`);
    await expect.poll(() => page.locator('.tile').count()).toBe(4);
    expect(await tile(page, LONG).locator('.name').textContent()).toBe('Maximiliana Alexandra Featherstonehaugh-Worthington III');
    expect(await clippedText(page, '.tile .name')).toEqual([]);
    await fake(page, `__fakeVideo.leave('${LONG}')`);

    // The participant list, with each one's microphone.
    await (await control(page, 'People', size)).click();
    const people = page.getByRole('region', { name: /^People/ });
    await people.waitFor();
    await expect.poll(() => people.getByRole('listitem').allTextContents()).toEqual([
      'Person U0ANA (you)Microphone on',
      'Person U0BENMicrophone on',
      'Dana GuestMuted',
    ]);
    await fake(page, `__fakeVideo.mute('${BEN}', true)`);
    await expect.poll(() => people.getByRole('listitem').nth(1).textContent()).toBe('Person U0BENMuted');
    expect(await clippedText(page, '.people-list .person')).toEqual([]);
    await expectAccessible(page, `people, ${size}`);
    await page.getByRole('button', { name: 'Close people' }).click();

    // A screen share large.
    await fake(page, `__fakeVideo.share('${BEN}')`);
    await page.locator('#stage video[data-screen]').waitFor({ state: 'visible' });
    await expectLiveVideo(page, '#stage video[data-screen]');
    expect(await page.getByLabel("Person U0BEN's screen").count()).toBe(1);
    await fake(page, `__fakeVideo.unshare('${BEN}')`);
    await page.locator('#stage video[data-screen]').waitFor({ state: 'detached' });

    // Full screen.
    await (await control(page, 'Full screen', size)).click();
    await expect.poll(() => page.evaluate(() => document.fullscreenElement?.id)).toBe('call');
    await page.getByRole('button', { name: 'Exit full screen' }).click();
    await expect.poll(() => page.evaluate(() => document.fullscreenElement)).toBeNull();

    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
    h.expectNoConsoleErrors();
  });

  it('chats and raises hands over the data track', async () => {
    const page = await inCall(viewport);
    await fake(page, `__fakeVideo.join('${BEN}'); __fakeVideo.join('${DANA}')`);
    await expect.poll(() => page.locator('.tile').count()).toBe(3);

    await fake(page, `__fakeVideo.say('${BEN}', { t: 'chat', id: 'm1', text: 'Can everyone see my slides?', at: '2027-03-01T15:01:00Z' })`);
    await expect.poll(() => page.getByRole('button', { name: /^Chat/ }).textContent()).toBe('Chat (1 unread)');
    await page.getByRole('button', { name: /^Chat/ }).click();
    const chat = page.getByRole('region', { name: 'Chat' });
    expect(await chat.getByRole('listitem').first().textContent()).toMatch(/^Person U0BEN\d\d:\d\dCan everyone see my slides\?$/);
    await chat.getByRole('textbox', { name: 'Message to everyone' }).fill('Yes, <b>all</b> good');
    await chat.getByRole('button', { name: 'Send' }).click();
    expect(await chat.getByRole('listitem').nth(1).textContent()).toMatch(/^You\d\d:\d\dYes, <b>all<\/b> good$/);
    const sent = await page.evaluate(() => (window as any).__fakeVideo.sent.map((s: { message: string }) => JSON.parse(s.message)));
    expect(sent).toEqual([{ t: 'chat', id: expect.any(String), text: 'Yes, <b>all</b> good', at: expect.any(String) }]);
    // Not for the page: junk on the data track is ignored.
    await fake(page, `__fakeVideo.say('${DANA}', 'not json'); __fakeVideo.say('${DANA}', { t: 'chat', text: 42 })`);
    expect(await chat.getByRole('listitem').count()).toBe(2);
    await expectAccessible(page, `chat, ${size}`);
    await page.getByRole('button', { name: 'Close chat' }).click();

    await page.getByRole('button', { name: 'Raise hand' }).click();
    expect(await page.getByRole('button', { name: 'Lower hand' }).getAttribute('aria-pressed')).toBe('true');
    expect(await page.evaluate(() => JSON.parse((window as any).__fakeVideo.sent.at(-1).message))).toEqual({ t: 'hand', up: true });
    expect(await page.locator('.tile.local').getAttribute('class')).toMatch(/\bhand\b/);
    await fake(page, `__fakeVideo.say('${DANA}', { t: 'hand', up: true })`);
    await expect.poll(() => page.getByRole('group', { name: 'Dana Guest, hand raised' }).count()).toBe(1);
    expect(await page.locator('#roster-news').textContent()).toBe('Dana Guest raised their hand');
    expect(await tile(page, DANA).getByRole('img', { name: 'Hand raised' }).isVisible()).toBe(true);
    // Someone joining later learns that the hand is up.
    await fake(page, `__fakeVideo.join('slack:U0CAL')`);
    await expect.poll(() => page.evaluate(() => (window as any).__fakeVideo.sent.filter((s: { message: string }) => JSON.parse(s.message).t === 'hand').length)).toBe(2);
    await page.getByRole('button', { name: 'Lower hand' }).click();
    expect(await page.evaluate(() => JSON.parse((window as any).__fakeVideo.sent.at(-1).message))).toEqual({ t: 'hand', up: false });
    h.expectNoConsoleErrors();
  });

  it('says "You are muted" when you talk while muted, and has keyboard shortcuts listed in a help popover', async () => {
    const page = await inCall(viewport);
    const micEnabled = () => page.evaluate(() => (window as any).__fakeVideo.localTrack('audio').enabled);
    await page.locator('body').press('m');
    expect(await micEnabled()).toBe(false);
    expect(await page.getByRole('button', { name: 'Unmute' }).first().getAttribute('aria-pressed')).toBe('true');
    // The fake microphone beeps: that is talking while muted.
    const hint = page.getByRole('status').filter({ hasText: 'You are muted' });
    await hint.waitFor({ state: 'visible', timeout: 10_000 });
    await hint.getByRole('button', { name: 'Unmute' }).click();
    expect(await micEnabled()).toBe(true);
    await hint.waitFor({ state: 'hidden' });

    await page.locator('body').press('Shift+?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    const listed = await help.locator('dt').allTextContents();
    expect(listed).toEqual(expect.arrayContaining(['M', 'V', 'Shift + L', 'H', 'C']));
    expect(await help.locator('dd').allTextContents()).toEqual(expect.arrayContaining(['Mute or unmute the microphone', 'Turn the camera off or on', 'Leave the call']));
    await expectAccessible(page, `shortcuts, ${size}`);
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'hidden' });

    await page.locator('body').press('v');
    await expect.poll(() => page.evaluate(() => (window as any).__fakeVideo.localTrack('video'))).toBeNull();
    await page.locator('body').press('v');
    await expect.poll(() => page.evaluate(() => (window as any).__fakeVideo.localTrack('video')?.readyState)).toBe('live');
    await page.locator('body').press('c');
    await page.getByRole('region', { name: 'Chat' }).waitFor();
    // Typing in the chat is typing, not shortcuts.
    await page.getByRole('textbox', { name: 'Message to everyone' }).pressSequentially('mvL');
    expect(await micEnabled()).toBe(true);
    await page.keyboard.press('Escape');
    await page.getByRole('region', { name: 'Chat' }).waitFor({ state: 'hidden' });
    await page.locator('body').press('Shift+L');
    await page.locator('#left').waitFor({ state: 'visible' });
    expect(await page.locator('#left-reason').textContent()).toBe('You left the call.');
    h.expectNoConsoleErrors();
  });

  it('switches microphone, camera and speaker in the call, with noise suppression and background blur', async () => {
    const page = await inCall(viewport);
    await fake(page, `__fakeVideo.join('${BEN}')`);
    const local = (kind: string) =>
      page.evaluate((k) => {
        const track = (window as any).__fakeVideo.localTrack(k) as MediaStreamTrack | null;
        return track ? { label: track.label, enabled: track.enabled, readyState: track.readyState, deviceId: track.getSettings().deviceId, noise: track.getSettings().noiseSuppression } : null;
      }, kind);
    await page.getByRole('button', { name: 'Mute', exact: true }).click();
    await (await control(page, 'Settings', size)).click();
    const settings = page.getByRole('dialog', { name: 'Settings' });
    await settings.waitFor();
    await expectAccessible(page, `settings, ${size}`);

    await settings.getByRole('combobox', { name: 'Microphone' }).selectOption({ label: 'Fake Audio Input 2' });
    await expect.poll(async () => (await local('audio'))?.label).toBe('Fake Audio Input 2');
    expect(await local('audio')).toMatchObject({ enabled: false, readyState: 'live' });

    const before = (await local('video'))!;
    const other = await settings.getByRole('combobox', { name: 'Camera' }).locator('option').evaluateAll((options, id) => (options as HTMLOptionElement[]).find((o) => o.value !== id)!.value, before.deviceId);
    await settings.getByRole('combobox', { name: 'Camera' }).selectOption(other);
    await expect.poll(async () => (await local('video'))?.deviceId).toBe(other);
    await expectLiveVideo(page, '.tile.local video');

    await settings.getByRole('combobox', { name: 'Speaker' }).selectOption({ label: 'Fake Audio Output 2' });
    const speaker = await settings.getByRole('combobox', { name: 'Speaker' }).inputValue();
    await expect.poll(() => page.evaluate(() => [...document.querySelectorAll<HTMLAudioElement & { sinkId: string }>('#call audio')].map((a) => a.sinkId))).toEqual([speaker]);

    expect((await local('audio'))!.noise).toBe(true);
    await settings.getByRole('checkbox', { name: 'Noise suppression' }).uncheck();
    await expect.poll(async () => (await local('audio'))!.noise).toBe(false);

    // Blur: the processors load only now, from this server, and process a real camera frame.
    expect(await page.evaluate(() => [...document.scripts].some((s) => s.src.includes('call-effects')))).toBe(false);
    const loaded: string[] = [];
    page.on('response', (r) => loaded.push(`${r.status()} ${new URL(r.url()).pathname}`));
    await settings.getByRole('checkbox', { name: 'Blur my background' }).check();
    await expect.poll(() => page.locator('#effects-status').textContent(), { timeout: 20_000 }).toBe('Background blur is on.');
    await expect.poll(() => page.evaluate(() => (window as any).__fakeVideo.processors[0]), { timeout: 20_000 }).toMatchObject({ error: null, frames: { width: 1280, height: 720 } });
    expect((await page.evaluate(() => (window as any).__fakeVideo.processors[0].frames.lit))).toBeGreaterThan(100);
    expect(loaded).toEqual(expect.arrayContaining(['200 /assets/call-effects.js', '200 /assets/selfie_segmentation_landscape.tflite']));
    await settings.getByRole('checkbox', { name: 'Blur my background' }).uncheck();
    expect(await page.evaluate(() => (window as any).__fakeVideo.log.filter((l: string) => /Processor/.test(l)))).toEqual(['addProcessor video', 'removeProcessor video']);
    await settings.getByRole('button', { name: 'Done' }).click();
    await settings.waitFor({ state: 'hidden' });
    h.expectNoConsoleErrors();
  });

  it('mutes, stops and restarts the camera, shares the screen with real local tracks, and leaves', async () => {
    const page = await inCall(viewport);
    const localTrack = (kind: string, name?: string) =>
      page.evaluate(([k, n]) => {
        const track = (window as any).__fakeVideo.localTrack(k, n) as MediaStreamTrack | null;
        return track ? { enabled: track.enabled, readyState: track.readyState, id: track.id } : null;
      }, [kind, name] as const);

    await page.getByRole('button', { name: 'Mute', exact: true }).click();
    expect(await localTrack('audio')).toMatchObject({ enabled: false, readyState: 'live' });
    expect(await page.locator('.tile.local').getAttribute('data-muted')).toBe('true');
    await page.getByRole('button', { name: 'Unmute', exact: true }).click();
    expect(await localTrack('audio')).toMatchObject({ enabled: true });

    const camera = (await localTrack('video'))!;
    await page.evaluate(() => ((window as any).cameraBefore = (window as any).__fakeVideo.localTrack('video')));
    await page.getByRole('button', { name: 'Stop camera' }).click();
    expect(await page.evaluate(() => (window as any).cameraBefore.readyState)).toBe('ended');
    expect(await localTrack('video')).toBeNull();
    expect(await page.locator('.tile.local').getAttribute('data-camera-off')).toBe('true');
    await page.getByRole('button', { name: 'Start camera' }).click();
    await expect.poll(() => localTrack('video')).toMatchObject({ readyState: 'live', enabled: true });
    expect((await localTrack('video'))!.id).not.toBe(camera.id);
    await expectLiveVideo(page, '.tile.local video');

    await (await control(page, 'Share screen', size)).click();
    await expect.poll(() => localTrack('video', 'screen')).toMatchObject({ readyState: 'live' });
    await page.locator('#stage').waitFor({ state: 'visible' });
    await page.evaluate(() => ((window as any).screenBefore = (window as any).__fakeVideo.localTrack('video', 'screen')));
    await (await control(page, 'Stop sharing', size)).click();
    expect(await page.evaluate(() => (window as any).screenBefore.readyState)).toBe('ended');
    expect(await localTrack('video', 'screen')).toBeNull();
    expect(await page.evaluate(() => (window as any).__fakeVideo.log)).toEqual(
      expect.arrayContaining(['unpublish video', 'publish video', 'publish video screen', 'unpublish video screen']),
    );

    await page.evaluate(() => ((window as any).tracksBefore = [...(window as any).__fakeVideo.room.localParticipant.tracks.values()].filter((p: any) => p.kind !== 'data').map((p: any) => p.track.mediaStreamTrack)));
    await page.getByRole('button', { name: 'Leave' }).click();
    await page.locator('#left').waitFor({ state: 'visible' });
    expect(await page.getByRole('heading', { name: 'You left the call' }).isVisible()).toBe(true);
    expect(await page.evaluate(() => (window as any).tracksBefore.map((t: MediaStreamTrack) => t.readyState))).toEqual(['ended', 'ended']);
    expect(await page.evaluate(() => (window as any).__fakeVideo.log.at(-1))).toBe('disconnect');
    await expectAccessible(page, `left, ${size}`);
    h.expectNoConsoleErrors();
  });
});

describe('on a phone with a front and a back camera', () => {
  it('flips between them', async () => {
    const page = await inCall(VIEWPORTS[0][1]);
    const flip = page.getByRole('button', { name: 'Flip camera' });
    await flip.waitFor();
    const deviceOf = () => page.evaluate(() => ((window as any).__fakeVideo.localTrack('video') as MediaStreamTrack | null)?.getSettings().deviceId);
    const first = await deviceOf();
    await flip.click();
    await expect.poll(deviceOf).not.toBe(first);
    await expectLiveVideo(page, '.tile.local video');
    // The back camera is not mirrored.
    expect(await page.locator('.tile.local').getAttribute('class')).toMatch(/\bback-camera\b/);
    await flip.click();
    await expect.poll(deviceOf).toBe(first);
    expect(await page.locator('.tile.local').getAttribute('class')).not.toMatch(/\bback-camera\b/);
    h.expectNoConsoleErrors();
  });

  it('has no flip button on a desktop', async () => {
    const page = await inCall(VIEWPORTS[1][1]);
    await page.locator('.tile.local').waitFor();
    expect(await page.getByRole('button', { name: 'Flip camera' }).isVisible()).toBe(false);
  });
});
