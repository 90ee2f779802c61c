import type { BookingPageData, PublicErrorBody, SubmitAnswer } from '../../../src/public/page-data.js';
import { Calendar, type View } from './calendar.js';
import { byId, show } from './dom.js';
import { keepEmbedded } from './embed-frame.js';
import { BookingFormFields } from './form.js';
import { Formats } from './format.js';
import { SlotStore } from './slots.js';
import { ZonePicker } from './tz-picker.js';
import { dateOf, dayKeyOf, detectedZone, firstDayOfWeek } from './zones.js';

/**
 * The booking page: the calendar from the free times in the page (no request before the first
 * times show), the time zone the browser says, the form, and the answer from the server: a
 * confirmation page, errors next to their fields, or a time taken meanwhile (back to the
 * calendar with fresh times and a plain message).
 */
const DAY_MS = 86_400_000;
const data = JSON.parse(byId('booking-data').textContent!) as BookingPageData;
const locale = navigator.language || 'en-GB';
const now = Date.parse(data.now);
const horizonEnd = Date.parse(data.horizonEnd);
let zone = detectedZone() ?? data.fallbackTimeZone;
let formats = new Formats(locale, zone);
const store = new SlotStore(data.slotsUrl, { now, horizonEnd }, data.initial);

const stepCalendar = byId('step-calendar');
const stepForm = byId('step-form');
const notice = byId('notice');
const formNotice = byId('form-notice');
const submit = byId<HTMLButtonElement>('submit');
const fields = data.mode === 'book' ? new BookingFormFields(data.form) : undefined;
let chosen: number | undefined;
let idempotencyKey = '';
let submitting = false;

const firstFree = () => [...store.days(zone).keys()].sort()[0];
const calendar = new Calendar(
  {
    days: () => store.days(zone),
    formats: () => formats,
    range: () => ({ first: dayKeyOf(now, zone), last: dayKeyOf(horizonEnd - 1, zone) }),
    firstDayOfWeek: firstDayOfWeek(locale),
    isLoaded: (from, to) => store.has(dateOf(from) - DAY_MS, dateOf(to) + DAY_MS),
    load: (from, to) => store.ensure(dateOf(from), dateOf(to)),
    chooseTime: openForm,
  },
  firstFree() ?? dayKeyOf(now, zone),
);

new ZonePicker(zone, (picked) => {
  zone = picked;
  formats = new Formats(locale, zone);
  const first = firstFree();
  calendar.cursor = calendar.selected = store.days(zone).has(calendar.selected) ? calendar.selected : (first ?? dayKeyOf(now, zone));
  showCurrent();
  calendar.render();
});

for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-view]')) {
  button.addEventListener('click', () => {
    for (const b of document.querySelectorAll('button[data-view]')) b.setAttribute('aria-pressed', String(b === button));
    calendar.setView(button.dataset.view as View);
  });
}

byId('back').addEventListener('click', closeForm);
stepForm.addEventListener('keydown', (e) => {
  if (e.key === 'Escape') {
    e.preventDefault();
    closeForm();
  }
});
byId<HTMLFormElement>('booking-form').addEventListener('submit', (e) => {
  e.preventDefault();
  void send();
});

showCurrent();
calendar.render();
// For bench/booking-page.ts: the first frame with free times on the screen.
requestAnimationFrame(() => performance.mark('booking:first-times'));

function showCurrent(): void {
  const current = document.getElementById('current-time');
  if (current && data.currentStart) {
    const start = Date.parse(data.currentStart);
    current.textContent = formats.span(start, start + data.durationMinutes * 60_000);
  }
}

function openForm(instant: number): void {
  chosen = instant;
  idempotencyKey = crypto.randomUUID();
  byId('chosen-time').textContent = formats.span(instant, instant + data.durationMinutes * 60_000);
  show(formNotice, false);
  show(stepCalendar, false);
  show(stepForm, true);
  if (fields) fields.focusFirst();
  else submit.focus();
}

function closeForm(): void {
  show(stepForm, false);
  show(stepCalendar, true);
  calendar.render();
  calendar.focus();
}

function say(target: HTMLElement, message: string): void {
  target.textContent = message;
  show(target, true);
}

async function send(): Promise<void> {
  if (submitting || chosen === undefined) return;
  show(formNotice, false);
  let body: Record<string, unknown> = { start: new Date(chosen).toISOString(), timeZone: zone, idempotencyKey };
  if (fields) {
    const errors = fields.check();
    if (errors) return fields.showErrors(errors);
    fields.clearErrors();
    body = { ...body, ...fields.values(), website: fields.honeypot(), ...(data.externalReference ? { externalReference: data.externalReference } : {}) };
  }
  submitting = true;
  submit.disabled = true;
  submit.setAttribute('aria-busy', 'true');
  try {
    const response = await fetch(data.submitUrl, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
    const answer = (await response.json().catch(() => undefined)) as (SubmitAnswer & PublicErrorBody) | undefined;
    if (response.ok && answer?.confirmationUrl) {
      location.assign(keepEmbedded(answer.confirmationUrl));
      return;
    }
    const message = answer?.error?.message ?? 'Something went wrong. Please try again.';
    if (response.status === 409) {
      await timeTaken(message);
    } else if (answer?.fields && fields) {
      fields.showErrors(answer.fields);
    } else {
      say(formNotice, message);
    }
  } catch {
    say(formNotice, 'Could not reach the server. Check your connection and try again.');
  } finally {
    submitting = false;
    submit.disabled = false;
    submit.removeAttribute('aria-busy');
  }
}

/** The time went meanwhile: read the free times again and go back to the calendar, saying so. */
async function timeTaken(message: string): Promise<void> {
  const day = dayKeyOf(chosen!, zone);
  await store.refresh(dateOf(day) - 31 * DAY_MS, dateOf(day) + 31 * DAY_MS).catch(() => undefined);
  chosen = undefined;
  calendar.cursor = calendar.selected = day;
  closeForm();
  say(notice, message);
}
