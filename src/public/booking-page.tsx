/** @jsxImportSource hono/jsx */
import { HONEYPOT_FIELD, ANSWER_MAX, GUEST_EMAIL_MAX, GUEST_NAME_MAX, NOTES_MAX } from '../core/bookings/public-form.js';
import type { Prefill } from './embed-mode.js';
import type { BookingPageData } from './page-data.js';

export interface HostView {
  name: string;
  avatarUrl: string | null;
}

export interface BookingPageProps {
  data: BookingPageData;
  hosts: HostView[];
  /** How the hosts are booked, said in words under their names. */
  hostMode: 'one' | 'all' | 'any';
  description: string | null;
  /** The visitor's name and email, filled in for them (embed.js, or the link's query). */
  prefill?: Prefill;
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const card = 'rounded-2xl border border-slate-200 bg-white shadow-sm';
const focus = 'focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-700';
const field = `mt-1 block w-full rounded-lg border border-slate-400 bg-white px-3 py-2 text-base text-slate-900 aria-[invalid=true]:border-red-700 ${focus}`;

/**
 * The booking page: the meeting and its hosts, then the calendar (month, week and day views, the
 * time zone, the times of the chosen day) and the form. The server draws every box at its final
 * size; the script (web/src/booking) fills in the days and times from the data in the page, so
 * nothing moves when they appear.
 */
export function BookingPage({ data, hosts, hostMode, description, prefill }: BookingPageProps) {
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  const rescheduling = data.mode === 'reschedule';
  return (
    <>
      <div class="grid gap-4 lg:grid-cols-[17rem_minmax(0,1fr)] lg:items-start">
        <header class={`${card} p-4 sm:p-6`}>
          <Hosts hosts={hosts} mode={hostMode} />
          <h1 class="mt-3 text-2xl font-semibold leading-tight text-slate-900">{rescheduling ? `Reschedule: ${data.title}` : data.title}</h1>
          <p class="mt-2 flex items-center gap-2 text-slate-700">
            <svg aria-hidden="true" viewBox="0 0 20 20" class="h-5 w-5 shrink-0 fill-none stroke-slate-500 stroke-2">
              <circle cx="10" cy="10" r="7.5" />
              <path d="M10 6v4l2.5 2.5" stroke-linecap="round" />
            </svg>
            <span>{durationLabel(data.durationMinutes)}, video call</span>
          </p>
          {rescheduling && data.currentStart ? (
            <p class="mt-2 text-slate-700">
              Now: <time id="current-time" datetime={data.currentStart}>{data.currentStart}</time>
            </p>
          ) : null}
          {description ? <p class="mt-3 whitespace-pre-line text-slate-700">{description}</p> : null}
        </header>

        <section id="booking-app" class={`${card} p-3 sm:p-6`} aria-labelledby="step-heading">
          <div id="step-calendar">
            <h2 id="step-heading" class="text-lg font-semibold text-slate-900">
              {rescheduling ? 'Pick a new time' : 'Pick a time'}
            </h2>
            <div id="notice" role="alert" class="mt-3 hidden rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-amber-950"></div>
            <div class="mt-3 flex flex-wrap items-end gap-3">
              <div role="group" aria-label="Calendar view" class="inline-flex rounded-lg border border-slate-300 p-0.5">
                {(['month', 'week', 'day'] as const).map((view) => (
                  <button
                    type="button"
                    data-view={view}
                    aria-pressed={view === 'month' ? 'true' : 'false'}
                    class={`rounded-md px-3 py-1.5 text-sm font-medium text-slate-700 aria-pressed:bg-indigo-700 aria-pressed:text-white ${focus}`}
                  >
                    {view[0]!.toUpperCase() + view.slice(1)}
                  </button>
                ))}
              </div>
              <div class="relative min-w-0 flex-1 basis-56">
                <label for="tz-input" class="block text-sm font-medium text-slate-700">
                  Time zone
                </label>
                <input
                  id="tz-input"
                  type="text"
                  role="combobox"
                  aria-expanded="false"
                  aria-controls="tz-list"
                  aria-autocomplete="list"
                  autocomplete="off"
                  spellcheck={false}
                  value={data.fallbackTimeZone}
                  class={`${field} mt-1 py-1.5 text-sm`}
                />
                <ul id="tz-list" role="listbox" aria-label="Time zones" class="absolute z-10 mt-1 hidden max-h-64 w-full overflow-y-auto rounded-lg border border-slate-300 bg-white py-1 shadow-lg"></ul>
              </div>
            </div>
            <div class="mt-4 flex items-center justify-between gap-2">
              <button type="button" id="prev" aria-label="Previous month" class={`rounded-lg border border-slate-300 px-3 py-1.5 text-slate-800 hover:bg-slate-100 disabled:opacity-40 ${focus}`}>
                <span aria-hidden="true">‹</span>
              </button>
              <p id="period-label" aria-live="polite" class="min-w-0 flex-1 text-center font-semibold text-slate-900">
                &nbsp;
              </p>
              <button type="button" id="next" aria-label="Next month" class={`rounded-lg border border-slate-300 px-3 py-1.5 text-slate-800 hover:bg-slate-100 disabled:opacity-40 ${focus}`}>
                <span aria-hidden="true">›</span>
              </button>
            </div>
            <div class="mt-3 grid gap-4 md:grid-cols-[minmax(0,1fr)_14rem]">
              <div id="calendar-column" class="min-h-[20.5rem]">
                <table id="month-view" role="grid" aria-labelledby="period-label" class="w-full table-fixed border-separate border-spacing-1">
                  <thead>
                    <tr id="weekday-row">
                      {WEEKDAYS.map((d) => (
                        <th scope="col" class="h-7 text-xs font-medium uppercase text-slate-600">
                          <abbr title={d} class="no-underline">
                            {d}
                          </abbr>
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody id="month-body">
                    {Array.from({ length: 6 }, () => (
                      <tr>
                        {WEEKDAYS.map(() => (
                          <td class="h-11 p-0"></td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
                <div id="week-view" class="hidden"></div>
                <div id="day-view" class="hidden"></div>
              </div>
              <div id="times-panel" class="md:border-l md:border-slate-200 md:pl-4">
                <h3 id="times-heading" class="font-semibold text-slate-900">
                  &nbsp;
                </h3>
                <ul id="times-list" aria-labelledby="times-heading" class="mt-2 grid min-h-24 auto-rows-min grid-cols-2 gap-2 pr-1 md:h-[17.5rem] md:grid-cols-1 md:overflow-y-auto"></ul>
              </div>
            </div>
          </div>

          <div id="step-form" class="hidden">
            <button type="button" id="back" class={`inline-flex items-center gap-1 rounded-lg px-2 py-1 text-indigo-800 hover:bg-indigo-50 ${focus}`}>
              <span aria-hidden="true">←</span> Back to the calendar
            </button>
            <h2 id="form-heading" class="mt-2 text-lg font-semibold text-slate-900" tabindex={-1}>
              {rescheduling ? 'Move your meeting' : 'Your details'}
            </h2>
            <p id="chosen-time" class="mt-1 font-medium text-indigo-900"></p>
            <div id="form-notice" role="alert" class="mt-3 hidden rounded-lg border border-red-300 bg-red-50 px-3 py-2 text-red-900"></div>
            <form id="booking-form" class="mt-4 grid max-w-lg gap-4" novalidate>
              {rescheduling ? null : <BookingFields data={data} prefill={prefill} />}
              <div>
                <button type="submit" id="submit" class={`rounded-lg bg-indigo-700 px-5 py-2.5 font-semibold text-white hover:bg-indigo-800 disabled:opacity-60 ${focus}`}>
                  {rescheduling ? 'Move to this time' : 'Confirm booking'}
                </button>
              </div>
            </form>
          </div>
        </section>
      </div>
      <script type="application/json" id="booking-data" dangerouslySetInnerHTML={{ __html: json }} />
    </>
  );
}

function BookingFields({ data, prefill }: { data: BookingPageData; prefill?: Prefill }) {
  return (
    <>
      <TextField name="name" label="Your name" autocomplete="name" maxLength={GUEST_NAME_MAX} required value={prefill?.name} />
      <TextField name="email" label="Email" type="email" autocomplete="email" maxLength={GUEST_EMAIL_MAX} required value={prefill?.email} />
      {data.form.askNotes ? <TextField name="notes" label="Anything we should know beforehand?" multiline maxLength={NOTES_MAX} /> : null}
      {data.form.questions.map((q) => (
        <TextField name={`answers.${q.id}`} label={q.label} multiline={q.multiline} maxLength={ANSWER_MAX} required={q.required} />
      ))}
      {/* For form bots only: hidden from people and from assistive technology. */}
      <div class="absolute -left-[10000px] top-auto h-px w-px overflow-hidden" aria-hidden="true">
        <label>
          Leave this empty
          <input type="text" name={HONEYPOT_FIELD} tabindex={-1} autocomplete="off" />
        </label>
      </div>
    </>
  );
}

function TextField(props: { name: string; label: string; type?: string; autocomplete?: string; multiline?: boolean; maxLength: number; required?: boolean; value?: string }) {
  const id = `field-${props.name.replace('.', '-')}`;
  const errorId = `${id}-error`;
  const common = {
    id,
    name: props.name,
    maxlength: props.maxLength,
    'aria-describedby': errorId,
    'aria-required': props.required ? 'true' : undefined,
    class: field,
  };
  return (
    <div>
      <label for={id} class="block font-medium text-slate-800">
        {props.label}
        {props.required ? null : <span class="font-normal text-slate-600"> (optional)</span>}
      </label>
      {props.multiline ? <textarea {...common} rows={3} /> : <input {...common} type={props.type ?? 'text'} autocomplete={props.autocomplete ?? 'off'} value={props.value} />}
      <p id={errorId} class="mt-1 min-h-5 text-sm text-red-800" data-error-for={props.name}></p>
    </div>
  );
}

function Hosts({ hosts, mode }: { hosts: HostView[]; mode: 'one' | 'all' | 'any' }) {
  const names = hosts.map((h) => h.name);
  const words = mode === 'any' && hosts.length > 1 ? `With one of ${listOf(names, 'or')}` : `With ${listOf(names, 'and')}`;
  return (
    <div>
      <ul class="flex -space-x-2" aria-label="Hosts">
        {hosts.slice(0, 6).map((h) => (
          <li>
            {h.avatarUrl ? (
              <img src={h.avatarUrl} alt={h.name} width={44} height={44} class="h-11 w-11 rounded-full border-2 border-white bg-slate-200 object-cover" />
            ) : (
              <span role="img" aria-label={h.name} class="flex h-11 w-11 items-center justify-center rounded-full border-2 border-white bg-indigo-100 font-semibold text-indigo-900">
                {initials(h.name)}
              </span>
            )}
          </li>
        ))}
      </ul>
      <p class="mt-2 text-sm text-slate-700">{words}</p>
    </div>
  );
}

export function durationLabel(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `${h} h ${m} min` : `${h} h`;
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  return ((parts[0]?.[0] ?? '?') + (parts.length > 1 ? parts[parts.length - 1]![0] : '')).toUpperCase();
}

export function listOf(items: string[], word: 'and' | 'or'): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} ${word} ${items[items.length - 1]}`;
}
