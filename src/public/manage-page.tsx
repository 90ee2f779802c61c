/** @jsxImportSource hono/jsx */
import { durationLabel, listOf, type HostView } from './booking-page.js';

export type ManageState = 'booked' | 'moved' | 'current' | 'cancelled' | 'over';

export interface ManagePageProps {
  state: ManageState;
  title: string;
  startsAt: Date;
  endsAt: Date;
  durationMinutes: number;
  /** The time as the server wrote it (the script rewrites it in the visitor's own zone when it has none). */
  when: string;
  timeZone: string;
  /** Whether the zone came from the visitor (the booking page passes it). */
  zoneFromVisitor: boolean;
  hosts: HostView[];
  guestName: string;
  guestEmail: string | null;
  joinUrl: string;
  icsUrl: string;
  googleUrl: string;
  manageUrl: string;
  rescheduleUrl: string;
  cancelUrl: string;
  /** Inside another site's page (embed.js): the call and the calendar files open in a new tab, not in the frame. */
  embedded?: boolean;
  emailOn: boolean;
  cancelledBy?: string;
  cancelReason?: string | null;
  /** The booking page again, when its link is still on. */
  bookAgainUrl?: string;
  cancelError?: string;
}

const card = 'rounded-2xl border border-slate-200 bg-white shadow-sm';
const focus = 'focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-700';
const button = `inline-flex items-center justify-center rounded-lg px-4 py-2 font-medium ${focus}`;
const headings: Record<ManageState, string> = {
  booked: 'You are booked',
  moved: 'Your meeting was moved',
  current: 'Your meeting',
  cancelled: 'This meeting was cancelled',
  over: 'This meeting is over',
};

/**
 * The confirmation page and the manage page are one page: what a guest's signed link shows, as
 * the meeting stands now (it follows the meeting through moves), with their own join link, the
 * calendar files, and reschedule and cancel while it is still ahead.
 */
export function ManagePage(p: ManagePageProps) {
  const live = p.state !== 'cancelled' && p.state !== 'over';
  return (
    <section class={`${card} mx-auto max-w-2xl p-4 sm:p-8`} aria-labelledby="manage-heading">
      {p.state === 'booked' || p.state === 'moved' ? (
        <p class="inline-flex items-center gap-2 rounded-full bg-emerald-50 px-3 py-1 text-sm font-medium text-emerald-900">
          <span aria-hidden="true">✓</span> {p.state === 'booked' ? 'Confirmed' : 'New time confirmed'}
        </p>
      ) : null}
      <h1 id="manage-heading" class="mt-2 text-2xl font-semibold text-slate-900">
        {headings[p.state]}
      </h1>
      <dl class="mt-4 grid gap-x-4 gap-y-2 sm:grid-cols-[8rem_1fr]">
        <dt class="font-medium text-slate-600">What</dt>
        <dd class="text-slate-900">{p.title}</dd>
        <dt class="font-medium text-slate-600">When</dt>
        <dd class="text-slate-900">
          <time id="meeting-when" datetime={p.startsAt.toISOString()} data-end={p.endsAt.toISOString()} data-zone={p.zoneFromVisitor ? p.timeZone : ''} class={p.state === 'cancelled' ? 'line-through' : ''}>
            {p.when}
          </time>{' '}
          <span class="text-slate-600">({durationLabel(p.durationMinutes)})</span>
        </dd>
        <dt class="font-medium text-slate-600">With</dt>
        <dd class="text-slate-900">{listOf(p.hosts.map((h) => h.name), 'and')}</dd>
        <dt class="font-medium text-slate-600">Guest</dt>
        <dd class="text-slate-900">
          {p.guestName}
          {p.guestEmail ? <span class="text-slate-600"> ({p.guestEmail})</span> : null}
        </dd>
      </dl>

      {p.state === 'cancelled' ? (
        <div class="mt-6 rounded-lg border border-slate-300 bg-slate-50 p-4 text-slate-800">
          <p>
            It was cancelled{p.cancelledBy ? ` by ${p.cancelledBy}` : ''}
            {p.cancelReason ? `: “${p.cancelReason}”` : '.'} Its video call cannot be joined.
          </p>
          {p.bookAgainUrl ? (
            <p class="mt-3">
              <a href={p.bookAgainUrl} class={`${button} bg-indigo-700 text-white hover:bg-indigo-800`}>
                Book another time
              </a>
            </p>
          ) : null}
        </div>
      ) : null}

      {live ? (
        <>
          <div class="mt-6 flex flex-wrap gap-3">
            <a href={p.joinUrl} id="join-link" class={`${button} bg-indigo-700 text-white hover:bg-indigo-800`} target={p.embedded ? '_blank' : undefined}>
              Join the video call
            </a>
            <a href={p.icsUrl} class={`${button} border border-slate-300 text-slate-800 hover:bg-slate-100`} download="meeting.ics">
              Add to calendar (.ics)
            </a>
            <a href={p.googleUrl} class={`${button} border border-slate-300 text-slate-800 hover:bg-slate-100`} target="_blank" rel="noopener noreferrer">
              Add to Google Calendar
            </a>
          </div>
          <p class="mt-2 text-sm text-slate-600">The call opens shortly before the start. The join link is yours alone: it joins the call under your name.</p>
        </>
      ) : null}

      <div class="mt-6 rounded-lg border border-indigo-200 bg-indigo-50 p-4 text-indigo-950" id="links-note">
        {p.emailOn ? (
          <p>
            We sent these links to {p.guestEmail ?? 'you'} by email. You can also keep this page: its address is your link to join, reschedule or cancel.
          </p>
        ) : (
          <p>
            <strong>Keep this page.</strong> We do not send email from here: these links are only shown here. Bookmark this page or copy its address, your link to
            join, reschedule or cancel:
          </p>
        )}
        <label for="manage-url" class="mt-3 block text-sm font-medium">
          Your link to this page
        </label>
        <input id="manage-url" type="text" readonly value={p.manageUrl} class="mt-1 w-full rounded-md border border-indigo-300 bg-white px-2 py-1.5 font-mono text-sm text-slate-900" />
        {live ? (
          <>
            <label for="join-url" class="mt-3 block text-sm font-medium">
              Your join link
            </label>
            <input id="join-url" type="text" readonly value={p.joinUrl} class="mt-1 w-full rounded-md border border-indigo-300 bg-white px-2 py-1.5 font-mono text-sm text-slate-900" />
          </>
        ) : null}
      </div>

      {live ? (
        <div class="mt-8 grid gap-6 border-t border-slate-200 pt-6 sm:grid-cols-2">
          <div>
            <h2 class="text-lg font-semibold text-slate-900">Need another time?</h2>
            <p class="mt-1 text-slate-700">Pick a new time; everyone keeps their links.</p>
            <a href={p.rescheduleUrl} class={`${button} mt-3 border border-slate-300 text-slate-800 hover:bg-slate-100`}>
              Reschedule
            </a>
          </div>
          <form method="post" action={p.cancelUrl} class="grid gap-2" aria-labelledby="cancel-heading">
            <h2 id="cancel-heading" class="text-lg font-semibold text-slate-900">
              Can’t make it?
            </h2>
            <label for="cancel-reason" class="text-slate-700">
              Reason <span class="text-slate-600">(optional, shown to the hosts)</span>
            </label>
            <textarea
              id="cancel-reason"
              name="reason"
              rows={2}
              maxlength={1000}
              aria-invalid={p.cancelError ? 'true' : undefined}
              aria-describedby="cancel-error"
              class={`block w-full rounded-lg border border-slate-400 px-3 py-2 ${focus}`}
            ></textarea>
            <p id="cancel-error" class="min-h-5 text-sm text-red-800">
              {p.cancelError ?? ''}
            </p>
            <div>
              <button type="submit" class={`${button} bg-red-700 text-white hover:bg-red-800`}>
                Cancel the meeting
              </button>
            </div>
          </form>
        </div>
      ) : null}
    </section>
  );
}
