import { describe, expect, it } from 'vitest';
import { cancelBooking, rescheduleBooking } from '../../src/bookings/index.js';
import { endRoomOfCancelledMeeting } from '../../src/video/room-lifecycle.js';
import { TWILIO } from '../video/support.js';
import { expectAccessible, expectLiveVideo, join, T, VIEWPORTS, useHarness } from './support/harness.js';

const h = useHarness();

describe.each(VIEWPORTS)('the call follows the meeting, %s', (size, viewport) => {
  it('tells the people in a call that the meeting was cancelled when its room is ended', async () => {
    const booking = await h.book();
    const page = await h.openPage(await h.memberUrl(booking), { viewport });
    await expectLiveVideo(page, '#preview');
    await join(page);
    const roomName = (await page.evaluate(() => (window as any).__fakeVideo.connects[0].name)) as string;

    await cancelBooking(h.handle.db, T, { bookingId: booking.id, actorId: 'U0ANA', reason: 'The customer called it off' });
    const ended = await endRoomOfCancelledMeeting({ db: h.handle.db, twilio: { ...TWILIO }, now: () => h.clock }, { teamId: T, bookingId: booking.id });
    expect(ended).toMatchObject({ outcome: 'ended', ended: [roomName] });
    expect(h.twilioMock.rooms.get(roomName)!.status).toBe('completed');
    // Twilio then disconnects everyone in the room, as twilio-video reports it.
    await page.evaluate(() => (window as any).__fakeVideo.drop(53118, 'Room completed'));
    await page.getByRole('heading', { name: 'This meeting was cancelled' }).waitFor();
    expect(await page.locator('#left-reason').textContent()).toBe('This meeting was cancelled: The customer called it off.');
    expect(await page.getByRole('button', { name: 'Rejoin' }).isVisible()).toBe(false);
    expect(await page.evaluate(() => (window as any).__fakeVideo.connects.length)).toBe(1);
    await expectAccessible(page, `cancelled, ${size}`);
    h.expectNoConsoleErrors();
  });

  it('keeps people in the call when the meeting is moved, and tells them the new time', async () => {
    const booking = await h.book();
    const context = await h.newContext(viewport);
    const page = await context.newPage();
    await page.clock.install();
    await page.goto(await h.memberUrl(booking));
    await expectLiveVideo(page, '#preview');
    await join(page);
    const day = size === 'phone' ? 1 : 2;
    await rescheduleBooking(h.handle.db, T, { bookingId: booking.id, start: `2027-09-0${day}T15:00:00Z`, actorId: 'U0ANA' }, { now: new Date('2027-08-25T12:00:00Z') });
    await page.clock.fastForward(61_000);
    const moved = page.getByRole('status').filter({ hasText: 'This meeting was moved' });
    await moved.waitFor();
    expect(await moved.textContent()).toBe(`This meeting was moved to ${size === 'phone' ? 'Wednesday, 1' : 'Thursday, 2'} September 2027, 11:00 – 11:30 (America/New York). You can stay in this call until you leave.`);
    expect(await page.locator('#call').isVisible()).toBe(true);
    expect(await page.evaluate(() => (window as any).__fakeVideo.room.state)).toBe('connected');
    h.expectNoConsoleErrors();
  });

  it('reconnects after a network drop past the access token lifetime with a fresh token and the same tracks', async () => {
    const booking = await h.book();
    const page = await h.openPage(await h.memberUrl(booking), { viewport });
    await expectLiveVideo(page, '#preview');
    await join(page);
    await page.evaluate(() => (window as any).__fakeVideo.join('slack:U0BEN'));
    await page.locator('.tile[data-identity="slack:U0BEN"]').waitFor();
    await page.getByRole('button', { name: 'Raise hand' }).click();
    const first = await page.evaluate(() => (window as any).__fakeVideo.connects[0]);
    expect(first.expiresAt).toBe(h.clock.getTime() + 3600_000);

    // 70 minutes in: the token (an hour) has expired, and so has the scheduled window; the call still runs at Twilio.
    h.clock = new Date(booking.startsAt.getTime() + 65 * 60_000);
    await page.evaluate((at) => (window as any).__fakeVideo.networkDrop(at), h.clock.getTime());
    await expect.poll(() => page.evaluate(() => (window as any).__fakeVideo.connects.length)).toBe(2);
    const second = await page.evaluate(() => (window as any).__fakeVideo.connects[1]);
    expect(second.identity).toBe(first.identity);
    expect(second.name).toBe(first.name);
    expect(second.expiresAt).toBe(h.clock.getTime() + 3600_000);
    expect(second.tracks.filter((t: { kind: string }) => t.kind !== 'data').map((t: { id: string; readyState: string }) => [t.id, t.readyState])).toEqual(
      first.tracks.filter((t: { kind: string }) => t.kind !== 'data').map((t: { id: string }) => [t.id, 'live']),
    );
    await page.locator('#reconnecting').waitFor({ state: 'hidden' });
    expect(await page.locator('#left').isHidden()).toBe(true);
    await expectLiveVideo(page, '.tile.local video');
    // The raised hand is said again in the new connection.
    expect(await page.evaluate(() => JSON.parse((window as any).__fakeVideo.sent.at(-1).message))).toEqual({ t: 'hand', up: true });
    // The token route asked Twilio (past the window) and created nothing.
    expect(h.twilioMock.requests.filter((r) => r.method === 'POST' && r.path === '/v1/Rooms' && r.form.UniqueName === first.name)).toHaveLength(1);
    h.expectNoConsoleErrors();
  });

  it('lets one person join from two devices at once, and chat reaches everyone', async () => {
    const booking = await h.book();
    const context = await h.newContext(viewport);
    const open = async (url: string) => {
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      await page.goto(url);
      await expectLiveVideo(page, '#preview');
      await join(page);
      return page;
    };
    const laptop = await open(await h.memberUrl(booking, 'U0ANA'));
    const phone = await open(await h.memberUrl(booking, 'U0ANA'));
    const ben = await open(await h.memberUrl(booking, 'U0BEN'));
    const identities = await Promise.all([laptop, phone, ben].map((p) => p.evaluate(() => (window as any).__fakeVideo.connects[0].identity as string)));
    expect(identities[0]).not.toBe(identities[1]);
    expect(identities.map((i) => i.replace(/:[0-9a-f]{8}$/, ''))).toEqual(['slack:U0ANA', 'slack:U0ANA', 'slack:U0BEN']);
    for (const page of [laptop, phone, ben]) await expect.poll(() => page.locator('.tile').count()).toBe(3);
    expect((await ben.locator('.tile .name').allTextContents()).sort()).toEqual(['Person U0ANA', 'Person U0ANA', 'Person U0BEN (you)']);
    expect(await laptop.locator('#left').isHidden()).toBe(true);

    await laptop.getByRole('button', { name: /^Chat/ }).click();
    await laptop.getByRole('textbox', { name: 'Message to everyone' }).fill('Hello from my laptop');
    await laptop.getByRole('button', { name: 'Send' }).click();
    for (const page of [phone, ben]) await expect.poll(() => page.getByRole('button', { name: /^Chat/ }).textContent()).toBe('Chat (1 unread)');
    await ben.getByRole('button', { name: /^Chat/ }).click();
    expect(await ben.locator('#chat-log li .text').allTextContents()).toEqual(['Hello from my laptop']);
    expect(await ben.locator('#chat-log li .from').allTextContents()).toEqual(['Person U0ANA']);
    await ben.getByRole('button', { name: 'Close chat' }).click();
    await ben.getByRole('button', { name: 'Raise hand' }).click();
    await expect.poll(() => laptop.getByRole('group', { name: 'Person U0BEN, hand raised' }).count()).toBe(1);

    // Without a device of its own, a second connection would push the first out, as Twilio does with one identity.
    const sameDevice = await context.newPage();
    const laptopDevice = await laptop.evaluate(() => sessionStorage.getItem('meetings-device'));
    await sameDevice.addInitScript(`sessionStorage.setItem('meetings-device', '${laptopDevice}')`);
    await sameDevice.goto(await h.memberUrl(booking, 'U0ANA'));
    await join(sameDevice);
    await laptop.locator('#left').waitFor({ state: 'visible' });
    expect(await laptop.locator('#left-reason').textContent()).toMatch(/joined this call from another window or device/);
    await expect.poll(() => phone.locator('.tile').count()).toBe(3);
    h.expectNoConsoleErrors();
  });
});

describe('a dropped call', () => {
  it('reconnects by itself when the signaling connection is lost, and says why when it cannot', async () => {
    const booking = await h.book();
    const page = await h.openPage(await h.memberUrl(booking));
    await expectLiveVideo(page, '#preview');
    await join(page);
    await page.evaluate(() => (window as any).__fakeVideo.drop(53000, 'Signaling connection error'));
    await expect.poll(() => page.evaluate(() => (window as any).__fakeVideo.connects.length)).toBe(2);
    await page.locator('#reconnecting').waitFor({ state: 'hidden' });
    expect(await page.locator('#call').isVisible()).toBe(true);

    await page.evaluate(() => (window as any).__fakeVideo.drop(53205, 'Duplicate identity'));
    await page.locator('#left').waitFor({ state: 'visible' });
    expect(await page.getByRole('heading', { name: 'You were disconnected' }).isVisible()).toBe(true);
    expect(await page.locator('#left-reason').textContent()).toMatch(/another window or device/);

    // The meeting cancelled while the connection was down: the fresh token is refused, and the page says why.
    const other = await h.book();
    const second = await h.openPage(await h.memberUrl(other));
    await expectLiveVideo(second, '#preview');
    await join(second);
    await cancelBooking(h.handle.db, T, { bookingId: other.id, actorId: 'U0ANA' });
    await second.evaluate(() => (window as any).__fakeVideo.drop(53001, 'Signaling connection disconnected'));
    await second.getByRole('heading', { name: 'This meeting was cancelled' }).waitFor();
    expect(await second.locator('#left-reason').textContent()).toBe('This meeting was cancelled.');
    h.expectNoConsoleErrors([410]);
  });
});
