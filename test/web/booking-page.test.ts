import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBooking, listBookings } from '../../src/bookings/index.js';
import { confirmed, fillForm, layoutShift, makeLink, timeButtons } from './support/booking.js';
import { expectAccessible, join, SCREENSHOTS, T, VIEWPORTS, useHarness } from './support/harness.js';

const h = useHarness();
// A Monday. Ana works 9 to 5 in London (UTC until 28 March); the browser is in New York (UTC−5), in en-GB.
const NOW = new Date('2027-03-01T08:00:00Z');
const day = (text: string) => new RegExp(`^${text},? \\d+ free times?$`);
/** An instant of March 2027 from a New York wall-clock hour (daylight saving time starts there on the 14th). */
const newYork = (dayOfMonth: number, hour: number, minute = 0) => new Date(Date.UTC(2027, 2, dayOfMonth, hour + (dayOfMonth >= 14 ? 4 : 5), minute)).toISOString();

beforeAll(async () => {
  h.clock = NOW;
  await makeLink(h, { slug: 'intro', title: 'Intro call', description: 'A first call to see how we can help.' });
});
beforeEach(() => {
  h.clock = NOW;
});

const bookingAt = async (iso: string) => (await listBookings(h.handle.db, T, { from: new Date(iso), to: new Date(new Date(iso).getTime() + 60_000), status: 'confirmed' })).bookings;

describe.each(VIEWPORTS)('the booking page, %s', (size, viewport) => {
  const offset = size === 'phone' ? 0 : 7; // each viewport books its own week

  it('shows the month view with the first free times, no layout shift, and books through it with errors next to their fields', async () => {
    const page = await h.openPage(`${h.base}/book/${T}/intro`, { viewport });
    await timeButtons(page).first().waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Intro call');
    expect(await page.getByRole('img', { name: 'Person U0ANA' }).isVisible()).toBe(true);
    expect(await layoutShift(page)).toBe(0);
    // Detected from the browser: New York, and 24-hour times as en-GB has them.
    expect(await page.getByRole('combobox', { name: 'Time zone' }).inputValue()).toBe('America/New York');
    expect(await page.locator('#period-label').textContent()).toBe('March 2027');
    expect(await page.getByRole('grid', { name: 'March 2027' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: /^Saturday,? 6 March 2027, no free times$/ }).getAttribute('aria-disabled')).toBe('true');
    await expectAccessible(page, `month view, ${size}`);
    await page.screenshot({ path: new URL(`booking-month-${size}.png`, SCREENSHOTS).pathname, fullPage: size === 'phone' });

    await page.getByRole('button', { name: day(`Wednesday,? ${3 + offset} March 2027`) }).click();
    expect(await page.locator('#times-heading').textContent()).toMatch(new RegExp(`Wednesday,? ${3 + offset} March 2027`));
    expect(await timeButtons(page).allTextContents()).toEqual(['04:00', '04:30', '05:00', '05:30', '06:00', '06:30', '07:00', '07:30', '08:00', '08:30', '09:00', '09:30', '10:00', '10:30', '11:00', '11:30']);
    await page.getByRole('button', { name: new RegExp(`^05:00, Wednesday,? ${3 + offset} March 2027$`) }).click();
    await page.getByRole('heading', { name: 'Your details' }).waitFor();
    expect(await page.locator('#chosen-time').textContent()).toMatch(new RegExp(`Wednesday,? ${3 + offset} March 2027, 05:00 – 05:30 \\(America/New York\\)`));

    // Nothing filled in, then a wrong email: each error stands next to its field.
    await page.getByRole('button', { name: 'Confirm booking' }).click();
    expect(await page.locator('[data-error-for="name"]').textContent()).toBe('Please enter your name');
    expect(await page.locator('[data-error-for="answers.q1"]').textContent()).toBe('Please answer this question');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('name');
    await fillForm(page, { email: 'dana@example' });
    await page.getByRole('button', { name: 'Confirm booking' }).click();
    const email = page.getByRole('textbox', { name: 'Email' });
    expect(await email.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#field-email-error').textContent()).toBe('Enter an email address such as name@example.com');
    expect(await page.locator('[data-error-for="name"]').textContent()).toBe('');
    await expectAccessible(page, `form with errors, ${size}`);
    if (size === 'phone') await page.screenshot({ path: new URL('booking-form-phone.png', SCREENSHOTS).pathname, fullPage: true });
    await email.fill('dana@example.com');
    await page.getByRole('button', { name: 'Confirm booking' }).click();

    await confirmed(page);
    expect(await page.locator('#meeting-when').textContent()).toMatch(new RegExp(`Wednesday,? ${3 + offset} March 2027, 05:00 – 05:30 \\(America/New York\\)`));
    expect(await page.getByRole('link', { name: 'Join the video call' }).getAttribute('href')).toMatch(/\/m\/[0-9a-f-]{36}\?k=/);
    expect(await page.getByRole('link', { name: 'Add to Google Calendar' }).getAttribute('href')).toMatch(/^https:\/\/calendar\.google\.com\/calendar\/render\?action=TEMPLATE/);
    expect(await page.getByText('these links are only shown here').isVisible()).toBe(true);
    await expectAccessible(page, `confirmation, ${size}`);
    await page.screenshot({ path: new URL(`booking-confirmed-${size}.png`, SCREENSHOTS).pathname, fullPage: true });
    const [made] = await bookingAt(`2027-03-${String(3 + offset).padStart(2, '0')}T10:00:00Z`);
    expect(made!.participants.find((p) => p.role === 'guest')).toMatchObject({ guestName: 'Dana Guest', guestEmail: 'dana@example.com' });
    h.expectNoConsoleErrors();
  });

  it('shows the week view and the day view, and books through both', async () => {
    const page = await h.openPage(`${h.base}/book/${T}/intro`, { viewport });
    await timeButtons(page).first().waitFor();
    await page.getByRole('button', { name: 'Week', exact: true }).click();
    expect(await page.getByRole('button', { name: 'Week', exact: true }).getAttribute('aria-pressed')).toBe('true');
    await page.getByRole('region', { name: /Thu,? 4 Mar/ }).or(page.locator('section[aria-labelledby="week-day-2027-03-04"]')).first().waitFor();
    await expectAccessible(page, `week view, ${size}`);
    if (size === 'desktop') await page.screenshot({ path: new URL('booking-week-desktop.png', SCREENSHOTS).pathname });
    if (offset) await page.getByRole('button', { name: 'Next week' }).click();
    await page.getByRole('button', { name: new RegExp(`^06:00, Thursday,? ${4 + offset} March 2027$`) }).click();
    await fillForm(page);
    await page.getByRole('button', { name: 'Confirm booking' }).click();
    await confirmed(page);
    expect(await bookingAt(`2027-03-${String(4 + offset).padStart(2, '0')}T11:00:00Z`)).toHaveLength(1);

    await page.goto(`${h.base}/book/${T}/intro`);
    await timeButtons(page).first().waitFor();
    await page.getByRole('button', { name: 'Day', exact: true }).click();
    expect(await page.locator('#period-label').textContent()).toMatch(/Monday,? 1 March 2027/);
    await page.getByRole('button', { name: 'Next day' }).click();
    expect(await page.locator('#period-label').textContent()).toMatch(/Tuesday,? 2 March 2027/);
    await expectAccessible(page, `day view, ${size}`);
    for (let i = 0; i < 3 + offset; i++) await page.getByRole('button', { name: 'Next day' }).click();
    await page.getByRole('button', { name: new RegExp(`^07:30, Friday,? ${5 + offset} March 2027$`) }).click();
    await fillForm(page);
    await page.getByRole('button', { name: 'Confirm booking' }).click();
    await confirmed(page);
    expect(await bookingAt(`2027-03-${String(5 + offset).padStart(2, '0')}T12:30:00Z`)).toHaveLength(1);
    h.expectNoConsoleErrors();
  });

  it('books with the keyboard alone: arrows between days, Enter picks, Escape goes back', async () => {
    const page = await h.openPage(`${h.base}/book/${T}/intro`, { viewport });
    await timeButtons(page).first().waitFor();
    for (let i = 0; i < 12 && !(await page.evaluate(() => document.activeElement?.hasAttribute('data-day'))); i++) await page.keyboard.press('Tab');
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent);
    expect(await focused()).toMatch(/^Monday,? 1 March 2027, 16 free times$/);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowLeft');
    if (offset) await page.keyboard.press('ArrowDown');
    expect(await focused()).toMatch(new RegExp(`^Tuesday,? ${2 + offset} March 2027`));
    await page.keyboard.press('Enter');
    expect(await focused()).toMatch(/^04:00, Tuesday/);
    await page.keyboard.press('Escape');
    expect(await focused()).toMatch(new RegExp(`^Tuesday,? ${2 + offset} March 2027`));
    await page.keyboard.press('Enter');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toMatch(/^05:00, Tuesday/);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('name');
    await page.keyboard.press('Escape');
    await page.getByRole('heading', { name: 'Pick a time' }).waitFor();
    await page.keyboard.press('Enter');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await focused()).toMatch(/^05:30, Tuesday/);
    await page.keyboard.press('Enter');
    await page.keyboard.type('Kim Keyboard');
    await page.keyboard.press('Tab');
    await page.keyboard.type('kim@example.com');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Prefers mornings');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Keys Ltd');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await confirmed(page);
    const [made] = await bookingAt(`2027-03-${String(2 + offset).padStart(2, '0')}T10:30:00Z`);
    expect(made).toMatchObject({ notes: 'Prefers mornings', answers: [{ questionId: 'q1', label: 'Company', answer: 'Keys Ltd' }] });
    h.expectNoConsoleErrors();
  });

  it('finds another time zone in the picker, and shows 12-hour times where the locale has them', async () => {
    const context = await h.browser.newContext({ viewport, timezoneId: 'America/Los_Angeles', locale: 'en-US' });
    const page = await h.openPage(`${h.base}/book/${T}/intro`, { context });
    await timeButtons(page).first().waitFor();
    expect(await page.getByRole('combobox', { name: 'Time zone' }).inputValue()).toBe('America/Los Angeles');
    expect((await timeButtons(page).allTextContents()).slice(0, 2)).toEqual(['1:00 AM', '1:30 AM']);
    const zone = page.getByRole('combobox', { name: 'Time zone' });
    await zone.click();
    await zone.fill('kolk');
    expect(await zone.getAttribute('aria-expanded')).toBe('true');
    expect(await page.getByRole('option').allTextContents()).toEqual(['Asia/KolkataGMT+05:30']);
    await expectAccessible(page, `time zone picker, ${size}`);
    await page.keyboard.press('Enter');
    expect(await zone.inputValue()).toBe('Asia/Kolkata');
    expect((await timeButtons(page).allTextContents()).slice(0, 2)).toEqual(['2:30 PM', '3:00 PM']);
    await context.close();
    h.expectNoConsoleErrors();
  });

  it('takes the visitor back to the calendar with fresh times when the time was taken meanwhile', async () => {
    const page = await h.openPage(`${h.base}/book/${T}/intro`, { viewport });
    await timeButtons(page).first().waitFor();
    await page.getByRole('button', { name: day(`Tuesday,? ${9 + offset} March 2027`) }).click();
    await page.getByRole('button', { name: new RegExp(`^09:00, Tuesday`) }).click();
    await fillForm(page);
    // Someone books Ana at that time from Slack while the visitor types.
    await createBooking(h.handle.db, T, { meetingTypeId: h.team.types.m30.id, organizerId: 'U0ANA', start: newYork(9 + offset, 9), source: 'slack' }, { now: NOW });
    await page.getByRole('button', { name: 'Confirm booking' }).click();
    const notice = page.getByRole('alert').filter({ hasText: 'that time was just taken' });
    await notice.waitFor();
    expect(await notice.textContent()).toBe('Sorry, that time was just taken. Here are the free times now: please pick another.');
    expect(await page.locator('#times-heading').textContent()).toMatch(new RegExp(`Tuesday,? ${9 + offset} March 2027`));
    const times = await timeButtons(page).allTextContents();
    expect(times).not.toContain('09:00');
    expect(times).toContain('09:30');
    await expectAccessible(page, `time taken, ${size}`);
    h.expectNoConsoleErrors([409]);
  });

  it('reschedules and cancels through the manage link', async () => {
    const page = await h.openPage(`${h.base}/book/${T}/intro`, { viewport });
    await timeButtons(page).first().waitFor();
    await page.getByRole('button', { name: day(`Wednesday,? ${10 + offset} March 2027`) }).click();
    await page.getByRole('button', { name: /^06:00, Wednesday/ }).click();
    await fillForm(page);
    await page.getByRole('button', { name: 'Confirm booking' }).click();
    await confirmed(page);
    await page.getByRole('link', { name: 'Reschedule' }).click();
    await page.getByRole('heading', { name: /^Reschedule: Intro call with Dana Guest$/ }).waitFor();
    expect(await page.locator('#current-time').textContent()).toMatch(new RegExp(`Wednesday,? ${10 + offset} March 2027, 06:00 – 06:30`));
    await timeButtons(page).first().waitFor();
    await expectAccessible(page, `reschedule calendar, ${size}`);
    await page.getByRole('button', { name: day(`Thursday,? ${11 + offset} March 2027`) }).click();
    await page.getByRole('button', { name: /^08:00, Thursday/ }).click();
    await page.getByRole('button', { name: 'Move to this time' }).click();
    await page.getByRole('heading', { name: 'Your meeting was moved' }).waitFor();
    expect(await page.locator('#meeting-when').textContent()).toMatch(new RegExp(`Thursday,? ${11 + offset} March 2027, 08:00 – 08:30 \\(America/New York\\)`));
    await expectAccessible(page, `moved, ${size}`);

    await page.getByRole('textbox', { name: /Reason/ }).fill('Found the answer in the docs');
    await page.getByRole('button', { name: 'Cancel the meeting' }).click();
    await page.getByRole('heading', { name: 'This meeting was cancelled' }).waitFor();
    expect(await page.getByText('It was cancelled by you: “Found the answer in the docs”').isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'Join the video call' }).count()).toBe(0);
    await expectAccessible(page, `cancelled, ${size}`);
    await page.getByRole('link', { name: 'Book another time' }).click();
    await timeButtons(page).first().waitFor();
    h.expectNoConsoleErrors();
  });

  it('lets the guest join the call with the link from the confirmation page', async () => {
    const page = await h.openPage(`${h.base}/book/${T}/intro`, { viewport });
    await timeButtons(page).first().waitFor();
    await page.getByRole('button', { name: day(`Friday,? ${12 + offset} March 2027`) }).click();
    await page.getByRole('button', { name: /^06:00, Friday/ }).click();
    await fillForm(page);
    await page.getByRole('button', { name: 'Confirm booking' }).click();
    await confirmed(page);
    h.clock = new Date(Date.parse(newYork(12 + offset, 6)) - 5 * 60_000);
    await page.getByRole('link', { name: 'Join the video call' }).click();
    expect(await page.locator('.joining-as').textContent()).toBe('Joining as Dana Guest');
    await join(page);
    const connect = await page.evaluate(() => (window as any).__fakeVideo.connects[0]);
    expect(connect.identity).toMatch(/^guest:[0-9a-f-]+:Dana%20Guest/);
    h.expectNoConsoleErrors();
  });
});

describe('a booking page that is not there', () => {
  it('is a friendly 404 page', async () => {
    const page = await h.openPage(`${h.base}/book/${T}/no-such-link`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('This booking page is not available');
    await expectAccessible(page, 'not found');
    h.expectNoConsoleErrors([404]);
  });
});

describe('a booking sent twice', () => {
  it('makes one booking when the answer to the first send was lost and the visitor sends again (the same idempotency key)', async () => {
    h.clock = NOW;
    const page = await h.openPage(`${h.base}/book/${T}/intro`);
    await timeButtons(page).first().waitFor();
    await page.getByRole('button', { name: day('Monday,? 1 March 2027') }).click();
    await page.getByRole('button', { name: /^07:00, Monday/ }).click();
    await fillForm(page);
    // The server books it, but its answer never reaches the page.
    let sent = 0;
    await page.route('**/book/T0WEB/intro', async (route) => {
      sent++;
      if (sent === 1) {
        await route.fetch();
        await route.abort('connectionreset');
      } else await route.continue();
    });
    await page.getByRole('button', { name: 'Confirm booking' }).click();
    await page.getByRole('alert').filter({ hasText: 'Could not reach the server' }).waitFor();
    await page.getByRole('button', { name: 'Confirm booking' }).click();
    await confirmed(page);
    expect(sent).toBe(2);
    expect(await bookingAt(newYork(1, 7))).toHaveLength(1);
    // The lost answer is the only error the page saw.
    expect(h.problems.map((p) => p.text)).toEqual(['Failed to load resource: net::ERR_CONNECTION_RESET']);
    h.problems.length = 0;
  });
});
