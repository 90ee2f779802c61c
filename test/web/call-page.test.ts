import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createApp } from '../../src/app.js';
import { createBooking, type Booking } from '../../src/bookings/index.js';
import type { Config } from '../../src/config.js';
import type { DatabaseHandle } from '../../src/db/client.js';
import { guestJoinUrl, joinUrl } from '../../src/video/links.js';
import { captureLogs } from '../support/console.js';
import { openTestDatabase } from '../support/databases.js';
import { seedTeam, type SeededTeam } from '../support/fixtures.js';
import { fakeTwilio, testConfig } from '../video/support.js';

/**
 * The call page in headless Chromium with a fake camera and microphone (real local tracks), the
 * app serving it for real (PGlite, msw answering Twilio's REST API), and twilio-video's connect()
 * replaced at the page's boundary by test/web/fake-twilio-video.js to drive the call.
 */

const T = 'T0WEB';
const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url);
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
];

const twilioMock = fakeTwilio();
let handle: DatabaseHandle;
let team: SeededTeam;
let browser: Browser;
let server: ServerType;
let unconfiguredServer: ServerType;
let config: Config;
let base: string;
let unconfiguredBase: string;
let clock: Date;
let fakeVideo: string;
let slot = 0;
const contexts: BrowserContext[] = [];

async function listen(app: ReturnType<typeof createApp>): Promise<{ server: ServerType; url: string }> {
  return new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => resolve({ server: s, url: `http://127.0.0.1:${info.port}` }));
  });
}

beforeAll(async () => {
  twilioMock.server.listen({ onUnhandledRequest: 'bypass' });
  await mkdir(ARTIFACTS, { recursive: true });
  fakeVideo = await readFile(new URL('./fake-twilio-video.js', import.meta.url), 'utf8');
  handle = await openTestDatabase('pglite');
  team = await seedTeam(handle.db, T, { U0ANA: 'Europe/London', U0BEN: 'America/New_York', U0CAL: 'Asia/Kolkata' });
  config = testConfig();
  const started = await listen(createApp({ db: handle.db, dbKind: handle.kind, config, now: () => clock }));
  server = started.server;
  base = started.url;
  config.publicUrl = base;
  const unconfigured = await listen(createApp({ db: handle.db, dbKind: handle.kind, config: { ...testConfig({ twilio: null }), publicUrl: base }, now: () => clock }));
  unconfiguredServer = unconfigured.server;
  unconfiguredBase = unconfigured.url;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
});

afterEach(async () => {
  twilioMock.state.failWith = 0;
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

afterAll(async () => {
  await browser?.close();
  server?.close();
  unconfiguredServer?.close();
  twilioMock.server.close();
  await handle?.close();
});

/** A fresh booking at 15:00 UTC on a weekday from Monday 1 March 2027 (10:00 in New York), with the clock 5 minutes before it. */
async function book(): Promise<Booking> {
  const n = slot++;
  const start = new Date(Date.UTC(2027, 2, 1 + Math.floor(n / 5) * 7 + (n % 5), 15, 0));
  const { booking } = await createBooking(
    handle.db,
    T,
    { meetingTypeId: team.types.m30.id, organizerId: 'U0ANA', hostIds: ['U0BEN'], guests: [{ name: 'Dana Guest' }], start: start.toISOString(), source: 'api', title: 'Quarterly review' },
    { now: new Date('2027-02-26T12:00:00Z') },
  );
  clock = new Date(start.getTime() - 5 * 60_000);
  return booking;
}

async function openPage(url: string, options: { viewport?: { width: number; height: number }; initScript?: string; fake?: boolean } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: options.viewport ?? DESKTOP, timezoneId: 'America/New_York', locale: 'en-GB' });
  contexts.push(context);
  if (options.fake !== false) await context.addInitScript({ content: fakeVideo });
  if (options.initScript) await context.addInitScript({ content: options.initScript });
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

const memberUrl = async (booking: Booking, participant = 'U0ANA', origin = base) =>
  (await joinUrl(config, { teamId: T, bookingId: booking.id, participant })).replace(base, origin);

/** True once the <video> shows moving, non-uniform frames. */
async function expectLiveVideo(page: Page, selector: string): Promise<void> {
  await page.waitForFunction((sel) => {
    const video = document.querySelector<HTMLVideoElement>(sel);
    return Boolean(video && video.videoWidth > 0 && video.readyState >= 2 && video.currentTime > 0);
  }, selector);
  const sample = () =>
    page.evaluate((sel) => {
      const video = document.querySelector<HTMLVideoElement>(sel)!;
      const canvas = document.createElement('canvas');
      canvas.width = 64;
      canvas.height = 36;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(video, 0, 0, 64, 36);
      const data = ctx.getImageData(0, 0, 64, 36).data;
      let min = 255;
      let max = 0;
      let sum = 0;
      for (let i = 0; i < data.length; i += 4) {
        const luma = (data[i]! + data[i + 1]! + data[i + 2]!) / 3;
        min = Math.min(min, luma);
        max = Math.max(max, luma);
        sum += luma * (i + 1);
      }
      return { spread: max - min, checksum: sum, time: video.currentTime };
    }, selector);
  const first = await sample();
  expect(first.spread).toBeGreaterThan(20);
  await page.waitForFunction(({ sel, t }) => document.querySelector<HTMLVideoElement>(sel)!.currentTime > t + 0.2, { sel: selector, t: first.time });
  const second = await sample();
  expect(second.checksum).not.toBe(first.checksum);
}

async function join(page: Page): Promise<void> {
  await page.locator('#join').click();
  await page.locator('#call').waitFor({ state: 'visible' });
}

describe('the call page, before joining', () => {
  it('shows the meeting, a live camera preview, device pickers and toggles that act on the real tracks', async () => {
    const booking = await book();
    const page = await openPage(await memberUrl(booking));
    await expect(page.locator('h1').textContent()).resolves.toBe('Quarterly review');
    // 15:00 UTC in the viewer's zone (the browser is in New York).
    await page.waitForFunction(() => /10:00 – 10:30 \(America\/New York\)/.test(document.getElementById('meeting-time')!.textContent ?? ''));
    expect(await page.locator('#meeting-time').textContent()).toMatch(/^Monday,? 1 March 2027/);
    expect(await page.locator('.joining-as').textContent()).toBe('Joining as Person U0ANA');
    await expectLiveVideo(page, '#preview');

    const mics = await page.locator('#mic-select option').allTextContents();
    expect(mics.some((label) => /Fake/.test(label))).toBe(true);
    expect(await page.locator('#camera-select option').allTextContents()).toContain('fake_device_0');

    // Picking another microphone swaps the real track: the old one stops, the new one is that device.
    const audioTrack = () =>
      page.evaluate(() => {
        const track = (document.getElementById('preview') as HTMLVideoElement & { srcObject: MediaStream }).srcObject.getAudioTracks()[0]!;
        return { label: track.label, readyState: track.readyState };
      });
    await page.evaluate(() => ((window as any).micBefore = (document.getElementById('preview') as HTMLVideoElement & { srcObject: MediaStream }).srcObject.getAudioTracks()[0]));
    await page.locator('#mic-select').selectOption({ label: 'Fake Audio Input 1' });
    await expect.poll(async () => (await audioTrack()).label).toBe('Fake Audio Input 1');
    expect(await page.evaluate(() => (window as any).micBefore.readyState)).toBe('ended');
    expect(await page.locator('#mic-select').inputValue()).not.toBe('');

    const audioEnabled = () => page.evaluate(() => (document.getElementById('preview') as HTMLVideoElement & { srcObject: MediaStream }).srcObject.getAudioTracks()[0]!.enabled);
    expect(await audioEnabled()).toBe(true);
    await page.locator('#toggle-mic').click();
    expect(await audioEnabled()).toBe(false);
    expect(await page.locator('#toggle-mic').getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('#toggle-mic').textContent()).toBe('Unmute microphone');
    await page.locator('#toggle-mic').click();
    expect(await audioEnabled()).toBe(true);

    await page.evaluate(() => {
      (window as unknown as { previewTrack: MediaStreamTrack }).previewTrack = (document.getElementById('preview') as HTMLVideoElement & { srcObject: MediaStream }).srcObject.getVideoTracks()[0]!;
    });
    await page.locator('#toggle-camera').click();
    expect(await page.evaluate(() => (window as unknown as { previewTrack: MediaStreamTrack }).previewTrack.readyState)).toBe('ended');
    await page.locator('#preview-off').waitFor({ state: 'visible' });
    expect(await page.locator('#preview').isHidden()).toBe(true);
    await page.locator('#toggle-camera').click();
    await expectLiveVideo(page, '#preview');
    expect(await page.evaluate(() => (document.getElementById('preview') as HTMLVideoElement & { srcObject: MediaStream }).srcObject.getVideoTracks()[0]!.readyState)).toBe('live');

    await page.screenshot({ path: new URL('call-prejoin-desktop.png', ARTIFACTS).pathname });
    await page.setViewportSize(PHONE);
    await page.screenshot({ path: new URL('call-prejoin-phone.png', ARTIFACTS).pathname, fullPage: true });
  });

  it('asks a guest for a name and joins under it', async () => {
    const booking = await book();
    const page = await openPage(await guestJoinUrl(config, { teamId: T, bookingId: booking.id }));
    await page.locator('#guest-name').waitFor();
    await expectLiveVideo(page, '#preview');
    await page.locator('#join').click();
    expect(await page.locator('#notice').textContent()).toMatch(/Type your name/);
    expect(await page.evaluate(() => (window as any).__fakeVideo.connects.length)).toBe(0);
    await page.locator('#guest-name').fill('Dana Guest');
    await join(page);
    const connect = await page.evaluate(() => (window as any).__fakeVideo.connects[0]);
    expect(connect.identity).toMatch(/^guest:[0-9a-f]{8}:Dana%20Guest$/);
    expect(await page.locator('.tile.local .name').textContent()).toBe('Dana Guest (you)');
  });

  it('says plainly when the camera and microphone are blocked', async () => {
    const booking = await book();
    const page = await openPage(await memberUrl(booking), {
      initScript: `navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));`,
    });
    await page.locator('#notice').waitFor({ state: 'visible' });
    expect(await page.locator('#notice').textContent()).toMatch(/Your browser blocked the camera and microphone\. Allow them for this site/);
    expect(await page.locator('#preview-off').isVisible()).toBe(true);
    expect(await page.locator('#toggle-mic').textContent()).toBe('No microphone');
  });

  it('says plainly when there is no camera or microphone, and still lets you join', async () => {
    const booking = await book();
    const page = await openPage(await memberUrl(booking), {
      initScript: `navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Requested device not found', 'NotFoundError'));`,
    });
    await page.locator('#notice').waitFor({ state: 'visible' });
    const text = await page.locator('#notice').textContent();
    expect(text).toMatch(/No microphone was found/);
    expect(text).toMatch(/No camera was found/);
    await join(page);
    expect(await page.evaluate(() => (window as any).__fakeVideo.connects[0].tracks)).toEqual([]);
    expect(await page.locator('.tile.local').getAttribute('data-muted')).toBe('true');
  });

  it('counts down to the opening when the meeting is not open yet', async () => {
    const booking = await book();
    clock = new Date(booking.startsAt.getTime() - 30 * 60_000);
    const page = await openPage(await memberUrl(booking));
    await page.locator('#countdown').waitFor({ state: 'visible' });
    expect(await page.locator('#countdown').textContent()).toMatch(/^The call opens in (20:00|19:5\d), at 09:50\.$/);
    expect(await page.locator('#join').isDisabled()).toBe(true);
    const before = await page.locator('#countdown').textContent();
    await page.waitForFunction((text) => document.getElementById('countdown')!.textContent !== text, before);
  });

  it('says when the video service is not configured', async () => {
    const booking = await book();
    const page = await openPage(await memberUrl(booking, 'U0ANA', unconfiguredBase));
    await page.locator('#notice').waitFor({ state: 'visible' });
    expect(await page.locator('#notice').textContent()).toMatch(/video service is not available/);
    expect(await page.locator('#join').isDisabled()).toBe(true);
    await expectLiveVideo(page, '#preview');
  });

  it('says when the video service cannot be reached (Twilio REST failing, then signaling failing)', async () => {
    const logs = captureLogs(/video service unavailable/);
    const booking = await book();
    const page = await openPage(await memberUrl(booking));
    await expectLiveVideo(page, '#preview');
    twilioMock.state.failWith = 503;
    await page.locator('#join').click();
    await page.waitForFunction(() => /could not be reached just now/.test(document.getElementById('notice')!.textContent ?? ''));
    expect(await page.locator('#call').isHidden()).toBe(true);
    expect(logs).toEqual([expect.stringContaining('video service unavailable: Twilio answered 503')]);

    twilioMock.state.failWith = 0;
    await page.evaluate(() => ((window as any).__fakeVideo.failNext = { code: 53000, name: 'SignalingConnectionError', message: 'Signaling connection error' }));
    await page.locator('#join').click();
    await page.waitForFunction(() => /video service could not be reached/.test(document.getElementById('notice')!.textContent ?? ''));
    await expect.poll(() => page.locator('#join').isEnabled()).toBe(true);
  });

  it('loads the real twilio-video from this server, and says so when its service cannot be reached', async () => {
    const booking = await book();
    const page = await openPage(await memberUrl(booking), { fake: false });
    expect(await page.evaluate(() => typeof window.Twilio?.Video.connect)).toBe('function');
    expect(await page.evaluate(() => window.Twilio!.Video.version)).toBe('2.32.0');
    await expectLiveVideo(page, '#preview');
    await page.locator('#join').click();
    // Offline, twilio-video's signaling connection fails (53000).
    await page.waitForFunction(() => /video service could not be reached/.test(document.getElementById('notice')!.textContent ?? ''), undefined, { timeout: 60_000 });
    expect(await page.locator('#call').isHidden()).toBe(true);
  }, 90_000);

  it('refuses a forged, expired, cancelled or other-booking link with a page that says why', async () => {
    const booking = await book();
    const url = new URL(await memberUrl(booking));
    const k = url.searchParams.get('k')!;
    url.searchParams.set('k', `${k.slice(0, -3)}abc`);
    const page = await openPage(url.toString(), { fake: false });
    expect(await page.locator('h1').textContent()).toBe('This link is not valid');
    expect(await page.locator('#refusal-message').textContent()).toMatch(/has been changed/);
    expect(await page.locator('#join').count()).toBe(0);

    clock = new Date(booking.endsAt.getTime() + 31 * 60_000);
    await page.goto(await memberUrl(booking));
    expect(await page.locator('h1').textContent()).toBe('This link has expired');
  });
});

describe('the call page, in a call', () => {
  it('shows three people with names, states, the speaker, a screen share, reconnecting, and people leaving', async () => {
    const booking = await book();
    const page = await openPage(await memberUrl(booking));
    await expectLiveVideo(page, '#preview');
    await join(page);

    const connect = await page.evaluate(() => (window as any).__fakeVideo.connects[0]);
    expect(connect).toEqual({
      identity: 'slack:U0ANA',
      name: `mfs_${T}_${booking.id}`,
      dominantSpeaker: true,
      networkQuality: { local: 1, remote: 1 },
      tracks: [
        { kind: 'audio', readyState: 'live', enabled: true },
        { kind: 'video', readyState: 'live', enabled: true },
      ],
    });
    expect(await page.locator('.tile.local .name').textContent()).toBe('Person U0ANA (you)');
    await expectLiveVideo(page, '.tile.local video');

    const fake = (script: string) => page.evaluate(script);
    await fake(`__fakeVideo.join('slack:U0BEN')`);
    await fake(`__fakeVideo.join('guest:1a2b3c4d:Dana%20Guest', { muted: true })`);
    await expect.poll(() => page.locator('.tile').count()).toBe(3);
    const tile = (identity: string) => page.locator(`.tile[data-identity="${identity}"]`);
    expect(await tile('slack:U0BEN').locator('.name').textContent()).toBe('Person U0BEN');
    expect(await tile('guest:1a2b3c4d:Dana%20Guest').locator('.name').textContent()).toBe('Dana Guest');
    expect(await page.locator('#roster-news').textContent()).toBe('Dana Guest joined');
    expect(await tile('guest:1a2b3c4d:Dana%20Guest').getAttribute('data-muted')).toBe('true');
    expect(await tile('slack:U0BEN').getAttribute('data-muted')).toBe('false');
    await expectLiveVideo(page, '.tile[data-identity="slack:U0BEN"] video');

    await fake(`__fakeVideo.speak('slack:U0BEN')`);
    expect(await tile('slack:U0BEN').getAttribute('class')).toMatch(/\bspeaking\b/);
    await fake(`__fakeVideo.speak('guest:1a2b3c4d:Dana%20Guest')`);
    expect(await tile('slack:U0BEN').getAttribute('class')).not.toMatch(/\bspeaking\b/);
    expect(await tile('guest:1a2b3c4d:Dana%20Guest').getAttribute('class')).toMatch(/\bspeaking\b/);

    await fake(`__fakeVideo.mute('guest:1a2b3c4d:Dana%20Guest', false)`);
    expect(await tile('guest:1a2b3c4d:Dana%20Guest').getAttribute('data-muted')).toBe('false');
    await fake(`__fakeVideo.camera('slack:U0BEN', false)`);
    expect(await tile('slack:U0BEN').getAttribute('data-camera-off')).toBe('true');
    expect(await tile('slack:U0BEN').locator('.avatar').isVisible()).toBe(true);
    await fake(`__fakeVideo.camera('slack:U0BEN', true)`);
    expect(await tile('slack:U0BEN').getAttribute('data-camera-off')).toBe('false');

    await fake(`__fakeVideo.network('slack:U0BEN', 2); __fakeVideo.network('guest:1a2b3c4d:Dana%20Guest', 5); __fakeVideo.network(null, 4)`);
    expect(await tile('slack:U0BEN').locator('.network').getAttribute('aria-label')).toBe('Network quality 2 of 5');
    expect(await tile('guest:1a2b3c4d:Dana%20Guest').locator('.network').getAttribute('aria-label')).toBe('Network quality 5 of 5');
    expect(await page.locator('.tile.local .network').getAttribute('aria-label')).toBe('Network quality 4 of 5');

    await fake(`__fakeVideo.mute('guest:1a2b3c4d:Dana%20Guest', true); __fakeVideo.speak('slack:U0BEN')`);
    await page.screenshot({ path: new URL('call-three-people-desktop.png', ARTIFACTS).pathname });
    await page.setViewportSize(PHONE);
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    expect(await page.locator('#call-leave').isVisible()).toBe(true);
    await page.screenshot({ path: new URL('call-three-people-phone.png', ARTIFACTS).pathname });
    await page.setViewportSize(DESKTOP);

    await fake(`__fakeVideo.share('slack:U0BEN')`);
    await page.locator('#stage').waitFor({ state: 'visible' });
    await expectLiveVideo(page, '#stage video');
    expect(await page.locator('#stage video').getAttribute('aria-label')).toBe("Person U0BEN's screen");
    expect(await tile('slack:U0BEN').getAttribute('class')).toMatch(/\bsharing\b/);
    const stageBox = (await page.locator('#stage').boundingBox())!;
    const tileBox = (await tile('slack:U0BEN').boundingBox())!;
    expect(stageBox.width * stageBox.height).toBeGreaterThan(3 * tileBox.width * tileBox.height);
    await page.screenshot({ path: new URL('call-screen-share-desktop.png', ARTIFACTS).pathname });
    await fake(`__fakeVideo.unshare('slack:U0BEN')`);
    await page.locator('#stage').waitFor({ state: 'hidden' });

    await fake(`__fakeVideo.reconnecting()`);
    await page.locator('#reconnecting').waitFor({ state: 'visible' });
    expect(await page.locator('#reconnecting').textContent()).toMatch(/Reconnecting/);
    await fake(`__fakeVideo.reconnected()`);
    await page.locator('#reconnecting').waitFor({ state: 'hidden' });
    await fake(`__fakeVideo.participantReconnecting('slack:U0BEN')`);
    expect(await tile('slack:U0BEN').locator('.reconnecting-badge').isVisible()).toBe(true);
    await fake(`__fakeVideo.participantReconnecting('slack:U0BEN', false)`);
    expect(await tile('slack:U0BEN').locator('.reconnecting-badge').isVisible()).toBe(false);

    await fake(`__fakeVideo.leave('guest:1a2b3c4d:Dana%20Guest')`);
    await expect.poll(() => page.locator('.tile').count()).toBe(2);
    expect(await page.locator('#roster-news').textContent()).toBe('Dana Guest left');
    await expect.poll(() => page.locator('.tile video, .tile audio').count()).toBe(3);
  });

  it('mutes, stops and restarts the camera, shares and stops sharing the screen with real local tracks, and leaves', async () => {
    const booking = await book();
    const page = await openPage(await memberUrl(booking));
    await expectLiveVideo(page, '#preview');
    await join(page);
    const localTrack = (kind: string, name?: string) =>
      page.evaluate(([k, n]) => {
        const track = (window as any).__fakeVideo.localTrack(k, n) as MediaStreamTrack | null;
        return track ? { enabled: track.enabled, readyState: track.readyState, id: track.id } : null;
      }, [kind, name] as const);

    await page.locator('#call-mic').click();
    expect(await localTrack('audio')).toMatchObject({ enabled: false, readyState: 'live' });
    expect(await page.locator('#call-mic').textContent()).toBe('Unmute');
    expect(await page.locator('.tile.local').getAttribute('data-muted')).toBe('true');
    await page.locator('#call-mic').click();
    expect(await localTrack('audio')).toMatchObject({ enabled: true });

    const camera = (await localTrack('video'))!;
    await page.evaluate(() => ((window as any).cameraBefore = (window as any).__fakeVideo.localTrack('video')));
    await page.locator('#call-camera').click();
    expect(await page.evaluate(() => (window as any).cameraBefore.readyState)).toBe('ended');
    expect(await localTrack('video')).toBeNull();
    expect(await page.locator('.tile.local').getAttribute('data-camera-off')).toBe('true');
    expect(await page.locator('#call-camera').textContent()).toBe('Start camera');
    await page.locator('#call-camera').click();
    await expect.poll(() => localTrack('video')).toMatchObject({ readyState: 'live', enabled: true });
    expect((await localTrack('video'))!.id).not.toBe(camera.id);
    expect(await page.locator('.tile.local').getAttribute('data-camera-off')).toBe('false');
    await expectLiveVideo(page, '.tile.local video');

    await page.locator('#call-share').click();
    await expect.poll(() => localTrack('video', 'screen')).toMatchObject({ readyState: 'live' });
    await page.locator('#stage').waitFor({ state: 'visible' });
    expect(await page.locator('#call-stop-share').isVisible()).toBe(true);
    expect(await page.locator('#call-share').isVisible()).toBe(false);
    await page.evaluate(() => ((window as any).screenBefore = (window as any).__fakeVideo.localTrack('video', 'screen')));
    await page.locator('#call-stop-share').click();
    expect(await page.evaluate(() => (window as any).screenBefore.readyState)).toBe('ended');
    expect(await localTrack('video', 'screen')).toBeNull();
    await page.locator('#stage').waitFor({ state: 'hidden' });
    expect(await page.evaluate(() => (window as any).__fakeVideo.log)).toEqual(
      expect.arrayContaining(['unpublish video', 'publish video', 'publish video screen', 'unpublish video screen']),
    );

    await page.evaluate(() => ((window as any).tracksBefore = [...(window as any).__fakeVideo.room.localParticipant.tracks.values()].map((p: any) => p.track.mediaStreamTrack)));
    await page.locator('#call-leave').click();
    await page.locator('#left').waitFor({ state: 'visible' });
    expect(await page.locator('#left-reason').textContent()).toBe('You left the call.');
    expect(await page.evaluate(() => (window as any).tracksBefore.map((t: MediaStreamTrack) => t.readyState))).toEqual(['ended', 'ended']);
    expect(await page.evaluate(() => (window as any).__fakeVideo.log.at(-1))).toBe('disconnect');
  });

  it('says why when the call drops', async () => {
    const booking = await book();
    const page = await openPage(await memberUrl(booking));
    await expectLiveVideo(page, '#preview');
    await join(page);
    await page.evaluate(() => (window as any).__fakeVideo.drop(53000, 'Signaling connection error'));
    await page.locator('#left').waitFor({ state: 'visible' });
    expect(await page.locator('#left-reason').textContent()).toMatch(/video service could not be reached/);
  });
});
