import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FrameLocator, Page } from 'playwright-core';
import { listBookings } from '../../src/bookings/index.js';
import { layoutShift, makeLink } from './support/booking.js';
import { expectAccessible, PHONE, T, useHarness } from './support/harness.js';
import { hostPage, startHostSite, type HostSite } from './support/host-site.js';

const h = useHarness();
let site: HostSite;
// A Monday. Ana works 9 to 5 in London; the browser is in New York (UTC−5), in en-GB.
const NOW = new Date('2027-03-01T08:00:00Z');
const LINK = `${T}/embedded`;
const day = (text: string) => new RegExp(`^${text},? \\d+ free times?$`);

beforeAll(async () => {
  h.clock = NOW;
  await makeLink(h, { slug: 'embedded', title: 'Support call' });
  site = await startHostSite();
});
afterAll(() => site?.close());
beforeEach(() => {
  h.clock = NOW;
});

const embedScript = (attributes = '') => `<script src="${h.base}/embed.js" async${attributes}></script>`;
const frameOf = (page: Page): FrameLocator => page.frameLocator('iframe[title="Book a meeting"]');
const dialog = (page: Page) => page.getByRole('dialog', { name: 'Book a meeting' });
/** Where the focus is, as the host page sees it: inside the modal's shadow root, or an element of the page. */
const focusIn = (page: Page) => page.evaluate(whereFocusIs);
function whereFocusIs(): string {
  {
    const active = document.activeElement;
    const inner = active?.shadowRoot?.activeElement;
    return inner ? `modal:${inner.tagName.toLowerCase()}${inner.textContent ? `:${inner.textContent}` : ''}` : active?.id || active?.tagName || String(active);
  }
}
/** Focus crosses into and out of the frame (another process) asynchronously: where it comes to rest, within the modal. */
async function focusSettlesInModal(page: Page): Promise<string> {
  const focus = await page.waitForFunction(`(${whereFocusIs.toString()})().startsWith('modal:')`, undefined, { polling: 'raf' }).catch(() => undefined);
  if (!focus) throw new Error(`focus left the modal: ${await focusIn(page)}`);
  return focusIn(page);
}
const bookingAt = async (iso: string) => (await listBookings(h.handle.db, T, { from: new Date(iso), to: new Date(new Date(iso).getTime() + 60_000), status: 'confirmed' })).bookings;

/** Picks a time in the embedded page, checks the name and email it was prefilled with, answers the company and confirms. */
async function bookIn(frame: FrameLocator, dayName: RegExp, time: RegExp, prefilled: { name: string; email: string }, company: string): Promise<void> {
  await frame.locator('button[data-time]:visible').first().waitFor();
  await frame.getByRole('button', { name: dayName }).click();
  await frame.getByRole('button', { name: time }).click();
  expect(await frame.getByRole('textbox', { name: 'Your name' }).inputValue()).toBe(prefilled.name);
  expect(await frame.getByRole('textbox', { name: 'Email' }).inputValue()).toBe(prefilled.email);
  await frame.getByRole('textbox', { name: 'Company' }).fill(company);
  await frame.getByRole('button', { name: 'Confirm booking' }).click();
  await frame.getByRole('heading', { name: 'You are booked' }).waitFor();
}

describe('embed.js on another site', () => {
  it('inline: makes its frame only near the viewport, grows with the content without a scrollbar or a layout shift, prefills, and tells the page of the booking', async () => {
    const url = site.page(
      '/inline.html',
      hostPage(
        `<p style="height:1500px">Read the articles first.</p>
<div id="booking" data-meet-inline="${LINK}" data-meet-name="Dana Reyes" data-meet-email="dana@example.com" data-meet-ticket="HD-4711" data-meet-ticket-url="https://help.example.com/tickets/4711"></div>
<p id="after">Still stuck? Write to us.</p>
<iframe id="other-site" title="Another site's widget" src="${site.otherOrigin}/forger.html" style="width:1px;height:1px;border:0"></iframe>`,
        embedScript(),
      ),
    );
    // Another origin's frame on the same page forges the events and a height: the loader hears neither.
    site.page(
      '/forger.html',
      `<!doctype html><html lang="en"><head><link rel="icon" href="data:,"><title>Widget</title></head><body><script>
        parent.postMessage({ type: 'meet:booked', booking: { id: 'forged', start: '2027-01-01T00:00:00Z', end: '2027-01-01T01:00:00Z' } }, '*');
        parent.postMessage({ type: 'meet:resize', height: 5 }, '*');
        parent.postMessage({ type: 'forger:done' }, '*');
      </script></body></html>`,
    );
    const context = await h.newContext(undefined, { fake: false });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const fromApp: string[] = [];
    const cookies: string[] = [];
    page.on('request', (r) => void (r.url().startsWith(h.base) && fromApp.push(new URL(r.url()).pathname)));
    page.on('response', async (r) => void (r.url().startsWith(h.base) && (await r.allHeaders())['set-cookie'] && cookies.push(r.url())));
    await page.addInitScript(() => addEventListener('message', (e) => (e.data as { type?: string })?.type === 'forger:done' && ((window as any).forgerDone = true)));
    await page.goto(url);
    await page.waitForFunction(() => (window as any).Meet && (window as any).forgerDone);
    // Far below the screen: nothing but embed.js was loaded.
    expect(await page.locator('iframe[title="Book a meeting"]').count()).toBe(0);
    expect(fromApp).toEqual(['/embed.js']);

    await page.locator('#booking').scrollIntoViewIfNeeded();
    const frame = frameOf(page);
    await frame.locator('button[data-time]:visible').first().waitFor();
    expect(await frame.getByRole('heading', { level: 1 }).textContent()).toBe('Support call');
    // The page's own script, the frame's, and embed.js: no cookie set, none needed.
    expect(cookies).toEqual([]);
    expect(await frame.locator('html').evaluate(() => document.cookie)).toBe('');

    const sized = async () => {
      const outer = (await page.locator('#booking iframe').boundingBox())!.height;
      const inner = await frame.locator('html').evaluate((html) => ({ height: html.getBoundingClientRect().height, scroll: html.scrollHeight, client: html.clientHeight }));
      return { outer, inner };
    };
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#booking')!.style.minHeight === '');
    const calendar = await sized();
    expect(calendar.outer).toBe(Math.ceil(calendar.inner.height));
    expect(calendar.inner.scroll).toBeLessThanOrEqual(calendar.inner.client);
    expect(await layoutShift(page)).toBe(0);

    // Prefilled from the element's attributes.
    await bookIn(frame, day('Wednesday,? 3 March 2027'), /^05:00, Wednesday/, { name: 'Dana Reyes', email: 'dana@example.com' }, 'Acme');

    await page.waitForFunction(() => (window as any).heard.length > 0);
    const [made] = await bookingAt('2027-03-03T10:00:00Z');
    expect(made).toMatchObject({ externalRefId: 'HD-4711', externalRefUrl: 'https://help.example.com/tickets/4711' });
    expect(made!.participants.find((p) => p.role === 'guest')).toMatchObject({ guestName: 'Dana Reyes', guestEmail: 'dana@example.com' });
    expect(await page.evaluate(() => (window as any).heard)).toEqual([
      { type: 'meet:booked', target: 'booking', detail: { id: made!.id, start: '2027-03-03T10:00:00.000Z', end: '2027-03-03T10:30:00.000Z', link: LINK } },
    ]);
    // The confirmation has another height: the frame follows it.
    const confirmation = await sized();
    expect(confirmation.outer).toBe(Math.ceil(confirmation.inner.height));
    expect(confirmation.outer).not.toBe(calendar.outer);
    expect(confirmation.inner.scroll).toBeLessThanOrEqual(confirmation.inner.client);

    // Cancelled in the frame: the page hears that too.
    await frame.getByRole('button', { name: 'Cancel the meeting' }).click();
    await frame.getByRole('heading', { name: 'This meeting was cancelled' }).waitFor();
    await page.waitForFunction(() => (window as any).heard.length > 1);
    expect((await page.evaluate(() => (window as any).heard))[1]).toEqual({
      type: 'meet:cancelled',
      target: 'booking',
      detail: { id: made!.id, start: '2027-03-03T10:00:00.000Z', end: '2027-03-03T10:30:00.000Z', link: LINK },
    });
    h.expectNoConsoleErrors();
  });

  it('inline on a phone: the space kept for it is the page\'s height there, so scrolling to it moves nothing', async () => {
    const url = site.page('/inline-phone.html', hostPage(`<p style="height:1200px">An article.</p><div id="booking" data-meet-inline="${LINK}"></div><p id="after">After the calendar</p>`, embedScript()));
    const page = await h.openPage(url, { viewport: PHONE, fake: false });
    await page.waitForFunction(() => (window as any).Meet);
    await page.locator('#booking').scrollIntoViewIfNeeded();
    const frame = frameOf(page);
    await frame.locator('button[data-time]:visible').first().waitFor();
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#booking')!.style.minHeight === '');
    const iframe = (await page.locator('#booking iframe').boundingBox())!;
    const inner = await frame.locator('html').evaluate((html) => ({ height: html.getBoundingClientRect().height, scroll: html.scrollHeight, client: html.clientHeight }));
    expect(iframe.height).toBe(Math.ceil(inner.height));
    expect(inner.scroll).toBeLessThanOrEqual(inner.client);
    expect(await layoutShift(page)).toBe(0);
    h.expectNoConsoleErrors();
  });

  it('popup: a data-meet-link element opens the modal; Escape, a click outside and Close shut it; focus stays in it and returns to the opener', async () => {
    const url = site.page('/popup.html', hostPage(`<p><a href="#top" id="before">Top</a></p><button id="open" data-meet-link="${LINK}">Book a call</button><p><a href="#end" id="next">Next</a></p>`, embedScript()));
    const context = await h.newContext(undefined, { fake: false });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const fromApp: string[] = [];
    page.on('request', (r) => void (r.url().startsWith(h.base) && fromApp.push(new URL(r.url()).pathname)));
    await page.goto(url);
    await page.waitForFunction(() => (window as any).Meet);
    expect(fromApp).toEqual(['/embed.js']);

    await page.getByRole('button', { name: 'Book a call' }).click();
    await dialog(page).waitFor();
    expect(await focusIn(page)).toBe('modal:button:Close');
    await frameOf(page).locator('button[data-time]:visible').first().waitFor();
    await expectAccessible(page, 'the modal open');

    // Tab and Shift+Tab go round the page in the frame and Close, never out to the host page.
    const seen = new Set<string>();
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press('Tab');
      const at = await focusSettlesInModal(page);
      expect(at).toMatch(/^modal:(button:Close|iframe)$/);
      seen.add(at);
    }
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press('Shift+Tab');
      expect(await focusSettlesInModal(page)).toMatch(/^modal:(button:Close|iframe)$/);
    }
    expect([...seen].sort()).toEqual(['modal:button:Close', 'modal:iframe']);

    // Escape in the calendar: from a time back to its day (the page's own), then from the day it closes, the focus back on the button.
    await frameOf(page).locator('button[data-time]:visible').first().focus();
    await page.keyboard.press('Escape');
    expect(await frameOf(page).locator(':focus').getAttribute('data-day')).toBeTruthy();
    expect(await dialog(page).isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    await dialog(page).waitFor({ state: 'detached' });
    expect(await focusIn(page)).toBe('open');

    // Escape on Close.
    await page.keyboard.press('Enter');
    await dialog(page).waitFor();
    expect(await focusIn(page)).toBe('modal:button:Close');
    await page.keyboard.press('Escape');
    await dialog(page).waitFor({ state: 'detached' });
    expect(await focusIn(page)).toBe('open');

    // A click outside the panel.
    await page.getByRole('button', { name: 'Book a call' }).click();
    await dialog(page).waitFor();
    await page.mouse.click(3, 3);
    await dialog(page).waitFor({ state: 'detached' });
    expect(await focusIn(page)).toBe('open');

    // Close.
    await page.getByRole('button', { name: 'Book a call' }).click();
    await page.getByRole('button', { name: 'Close' }).click();
    await dialog(page).waitFor({ state: 'detached' });
    expect(await focusIn(page)).toBe('open');
    expect(await page.locator('iframe').count()).toBe(0);
    h.expectNoConsoleErrors();
  });

  it('floating button: in its corner, text and colour; opens the modal, books with the prefill from a call queued before the script loaded', async () => {
    const url = site.page(
      '/floating.html',
      hostPage(
        `<p>Questions?</p>
<script>
  window.Meet = window.Meet || function () { (Meet.q = Meet.q || []).push(arguments) };
  Meet('prefill', { name: 'Quinn Queue', email: 'quinn@example.com', ticket: 'HD-99', ticketUrl: 'https://help.example.com/tickets/99' });
</script>`,
        embedScript(` data-meet-floating="${LINK}" data-meet-text="Talk to us" data-meet-color="#0f766e" data-meet-position="top-left"`),
      ),
    );
    const page = await h.openPage(url, { fake: false });
    const button = page.getByRole('button', { name: 'Talk to us' });
    await button.waitFor();
    const box = (await button.boundingBox())!;
    expect([box.x, box.y]).toEqual([20, 20]);
    expect(await button.evaluate((b) => [getComputedStyle(b).backgroundColor, getComputedStyle(b).color, getComputedStyle(b).position])).toEqual([
      'rgb(15, 118, 110)',
      'rgb(255, 255, 255)',
      'fixed',
    ]);
    expect(await page.locator('iframe').count()).toBe(0);

    await button.click();
    await dialog(page).waitFor();
    await page.keyboard.press('Escape');
    await dialog(page).waitFor({ state: 'detached' });
    expect(await button.evaluate((b) => (b.getRootNode() as ShadowRoot).activeElement === b)).toBe(true);

    await button.click();
    const frame = frameOf(page);
    await bookIn(frame, day('Thursday,? 4 March 2027'), /^06:00, Thursday/, { name: 'Quinn Queue', email: 'quinn@example.com' }, 'Queue Ltd');
    await page.waitForFunction(() => (window as any).heard.length > 0);
    const [made] = await bookingAt('2027-03-04T11:00:00Z');
    expect(made).toMatchObject({ externalRefId: 'HD-99', externalRefUrl: 'https://help.example.com/tickets/99' });
    // Heard on the button's element (it bubbles to the document).
    expect(await page.evaluate(() => (window as any).heard)).toEqual([
      { type: 'meet:booked', target: 'DIV', detail: { id: made!.id, start: '2027-03-04T11:00:00.000Z', end: '2027-03-04T11:30:00.000Z', link: LINK } },
    ]);

    // Moved in the modal: heard with the new booking and the one it replaced.
    await frame.getByRole('link', { name: 'Reschedule' }).click();
    await frame.getByRole('heading', { name: /^Reschedule: / }).waitFor();
    await frame.getByRole('button', { name: day('Friday,? 5 March 2027') }).click();
    await frame.getByRole('button', { name: /^06:00, Friday/ }).click();
    await frame.getByRole('button', { name: 'Move to this time' }).click();
    await frame.getByRole('heading', { name: 'Your meeting was moved' }).waitFor();
    await page.waitForFunction(() => (window as any).heard.length > 1);
    const [moved] = await bookingAt('2027-03-05T11:00:00Z');
    expect((await page.evaluate(() => (window as any).heard))[1]).toEqual({
      type: 'meet:rescheduled',
      target: 'DIV',
      detail: { id: moved!.id, previousId: made!.id, start: '2027-03-05T11:00:00.000Z', end: '2027-03-05T11:30:00.000Z', link: LINK },
    });
    h.expectNoConsoleErrors();
  });

  it('floating button: bottom-right by default, in the default colour', async () => {
    const url = site.page('/floating-default.html', hostPage('<p>Hello</p>', embedScript(` data-meet-floating="${LINK}"`)));
    const page = await h.openPage(url, { fake: false });
    const button = page.getByRole('button', { name: 'Book a meeting' });
    const box = (await button.boundingBox())!;
    const viewport = page.viewportSize()!;
    expect(Math.round(viewport.width - box.x - box.width)).toBe(20);
    expect(Math.round(viewport.height - box.y - box.height)).toBe(20);
    h.expectNoConsoleErrors();
  });

  it('the demo page shows all three ways with a link of the team', async () => {
    const page = await h.openPage(`${h.base}/embed/demo?link=${encodeURIComponent(LINK)}`, { fake: false });
    await page.getByRole('heading', { name: 'Embed the booking page' }).waitFor();
    await page.locator('[data-meet-inline]').scrollIntoViewIfNeeded();
    await page.frameLocator('[data-meet-inline] iframe').locator('button[data-time]:visible').first().waitFor();
    await page.getByRole('button', { name: 'Talk to us' }).waitFor();
    await page.getByRole('button', { name: 'Book a meeting', exact: true }).click();
    await dialog(page).waitFor();
    await page.keyboard.press('Escape');
    await dialog(page).waitFor({ state: 'detached' });
    await expectAccessible(page, 'the demo page');
    h.expectNoConsoleErrors();
  });

  it('embed.js, as served, is at most 5 kB gzipped (web/build.mjs fails the build past that)', async () => {
    const served = Buffer.from(await (await fetch(`${h.base}/embed.js`)).arrayBuffer());
    expect(served.length).toBeGreaterThan(1000);
    expect(gzipSync(served, { level: 9 }).length).toBeLessThanOrEqual(5 * 1024);
  });
});
