import { expect } from 'vitest';
import type { Page } from 'playwright-core';
import { createBookingLink, type BookingLink } from '../../../src/bookings/index.js';
import { withTeam } from '../../../src/db/tenant.js';
import { T, type Harness } from './harness.js';

/** The booking page's shared steps, as a visitor does them: by role and accessible name. */

/** A link of the harness's team: Ana alone (London, 9 to 5), asking for a company. */
export function makeLink(h: Harness, input: Record<string, unknown>): Promise<BookingLink> {
  return withTeam(h.handle.db, T, (tx) =>
    createBookingLink(tx, T, { meetingTypeId: h.team.types.m30.id, mode: 'one', hostIds: ['U0ANA'], questions: [{ label: 'Company', required: true }], ...input }, 'U0ANA'),
  );
}

/** The free-time buttons in view (month: the chosen day's list; week and day: their own). */
export function timeButtons(page: Page) {
  return page.locator('button[data-time]:visible');
}

/** Layout shifts since navigation that no input caused (Chromium's layout-shift entries). */
export async function layoutShift(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve) => {
        let total = 0;
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) if (!entry.hadRecentInput) total += entry.value;
        }).observe({ type: 'layout-shift', buffered: true });
        setTimeout(() => resolve(total), 300);
      }),
  );
}

/** Fills the form as a visitor would: name, email, and the company. */
export async function fillForm(page: Page, fields: { name?: string; email?: string; company?: string } = {}): Promise<void> {
  await page.getByRole('textbox', { name: 'Your name' }).fill(fields.name ?? 'Dana Guest');
  await page.getByRole('textbox', { name: 'Email' }).fill(fields.email ?? 'dana@example.com');
  await page.getByRole('textbox', { name: 'Company' }).fill(fields.company ?? 'Acme');
}

export async function confirmed(page: Page): Promise<void> {
  await page.getByRole('heading', { name: 'You are booked' }).waitFor();
  expect(page.url()).toMatch(/\/book\/manage\/[\w-]+\.[\w-]+\?booked=1&tz=America%2FNew_York$/);
}
