/** @jsxImportSource hono/jsx */
import { Hono } from 'hono';
import { etag } from 'hono/etag';
import type { AppDeps } from '../app.js';
import { findBookingLinkBySlug } from '../bookings/index.js';
import { SLUG_MAX, SLUG_PATTERN } from '../core/bookings/links.js';
import { teamIdSchema } from '../core/bookings/schemas.js';
import { withTeam } from '../db/tenant.js';
import { publicRenderer } from './layout.js';

/**
 * embed.js, served for other sites' pages: any origin may load it (CORS and CORP allow it, so a
 * page with `crossorigin` or COEP can too), cached briefly and revalidated by its ETag, so a new
 * build reaches every site within minutes. On Workers, src/worker.ts serves it from web/dist
 * with these headers.
 */
export const EMBED_SCRIPT_HEADERS: Record<string, string> = {
  'content-type': 'text/javascript; charset=utf-8',
  'cache-control': 'public, max-age=300',
  'access-control-allow-origin': '*',
  'cross-origin-resource-policy': 'cross-origin',
  'x-content-type-options': 'nosniff',
};

const demoHeaders = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; frame-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
};

const card = 'rounded-2xl border border-slate-200 bg-white p-4 shadow-sm sm:p-6';
const focus = 'focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-700';

/** `/embed.js` and `/embed/demo`, the page that shows the three ways to use it. */
export function embedPages(deps: AppDeps): Hono {
  const pages = new Hono();

  pages.use('/embed.js', etag());
  pages.get('/embed.js', async (c) => {
    // Node only: on Cloudflare Workers, src/worker.ts answers before the app runs.
    const { readFile } = await import('node:fs/promises');
    const body = await readFile(new URL('../../web/dist/embed.js', import.meta.url)).catch(() => undefined);
    if (!body) return c.text('embed.js is not built: run npm run build:web', 404);
    return c.body(body, 200, EMBED_SCRIPT_HEADERS);
  });

  pages.use('/embed/*', publicRenderer());
  pages.get('/embed/demo', async (c) => {
    const asked = (c.req.query('link') ?? '').trim();
    const link = asked ? await activeLink(asked) : undefined;
    for (const [name, value] of Object.entries(demoHeaders)) c.header(name, value);
    c.status(asked && !link ? 404 : 200);
    return c.render(<DemoPage publicUrl={deps.config.publicUrl.replace(/\/+$/, '')} link={link} asked={asked} />, { title: 'Embed the booking page · Meetings for Slack' });
  });

  return pages;

  /** `<team>/<slug>` when it names a link that is on; a public page's address reveals nothing more. */
  async function activeLink(value: string): Promise<string | undefined> {
    const [team = '', slug = '', extra] = value.split('/');
    const lower = slug.toLowerCase();
    if (extra !== undefined || !teamIdSchema.safeParse(team).success || lower.length > SLUG_MAX || !SLUG_PATTERN.test(lower)) return undefined;
    const found = await withTeam(deps.db, team, (tx) => findBookingLinkBySlug(tx, lower));
    return found?.active ? `${team}/${found.slug}` : undefined;
  }
}

function DemoPage({ publicUrl, link, asked }: { publicUrl: string; link?: string; asked: string }) {
  const shown = link ?? '<team>/<link>';
  const script = `<script src="${publicUrl}/embed.js" async></script>`;
  return (
    <div class="grid gap-6">
      <header class={card}>
        <h1 class="text-2xl font-semibold text-slate-900">Embed the booking page</h1>
        <p class="mt-2 text-slate-700">
          One script tag puts a booking link on any site: inline in the page, as a popup from any button or link, or as a floating button. The visitor books without
          leaving the site, and the site hears of each booking, move and cancel.
        </p>
        <form method="get" action="/embed/demo" class="mt-4 flex flex-wrap items-end gap-3">
          <div class="min-w-0 flex-1 basis-64">
            <label for="demo-link" class="block font-medium text-slate-800">
              Booking link (team/link)
            </label>
            <input id="demo-link" name="link" type="text" value={asked} placeholder="T0123ABCD/intro" class={`mt-1 block w-full rounded-lg border border-slate-400 px-3 py-2 ${focus}`} />
          </div>
          <button type="submit" class={`rounded-lg bg-indigo-700 px-4 py-2 font-semibold text-white hover:bg-indigo-800 ${focus}`}>
            Show it
          </button>
        </form>
        {asked && !link ? (
          <p role="alert" class="mt-3 rounded-lg border border-amber-300 bg-amber-50 px-3 py-2 text-amber-950">
            There is no booking link that is on at “{asked}”. Use the address of a link's page: <code>/book/&lt;team&gt;/&lt;link&gt;</code> without <code>/book/</code>.
          </p>
        ) : null}
        {link ? null : <p class="mt-3 text-slate-700">Give a link above to try the three ways on this page; the snippets below fill in with it.</p>}
      </header>

      <Section heading="Inline" snippet={`${script}\n<div data-meet-inline="${shown}"></div>`}>
        The calendar inside the element, as tall as its content: no scrollbar of its own. Its page loads when the element comes near the screen.
        {link ? <div data-meet-inline={link} class="mt-4"></div> : null}
      </Section>

      <Section heading="Popup" snippet={`${script}\n<button data-meet-link="${shown}">Book a meeting</button>`}>
        Any element with <code>data-meet-link</code> opens the booking page in a modal: Escape, a click outside or Close shut it, and focus goes back to the button.
        {link ? (
          <p class="mt-4">
            <button type="button" data-meet-link={link} class={`rounded-lg bg-indigo-700 px-4 py-2 font-semibold text-white hover:bg-indigo-800 ${focus}`}>
              Book a meeting
            </button>
          </p>
        ) : null}
      </Section>

      <Section
        heading="Floating button"
        snippet={`<script src="${publicUrl}/embed.js" async\n  data-meet-floating="${shown}" data-meet-text="Talk to us"\n  data-meet-color="#0f766e" data-meet-position="bottom-right"></script>`}
      >
        A button fixed in a corner of every page (<code>bottom-right</code>, <code>bottom-left</code>, <code>top-right</code> or <code>top-left</code>), in your text and colour, opening the
        modal. {link ? 'It is in the corner of this page.' : null}
      </Section>

      <Section
        heading="Prefill and events"
        snippet={`<button data-meet-link="${shown}"\n  data-meet-name="Dana Reyes" data-meet-email="dana@example.com"\n  data-meet-ticket="HD-4711" data-meet-ticket-url="https://help.example.com/tickets/4711">Book</button>\n\n<script>\n  window.Meet = window.Meet || function () { (Meet.q = Meet.q || []).push(arguments) };\n  Meet('prefill', { name: 'Dana Reyes', email: 'dana@example.com' });\n  helpButton.onclick = () => Meet('open', { link: '${shown}', prefill: { ticket: 'HD-4711' } });\n  document.addEventListener('meet:booked', (e) => console.log(e.detail)); // { id, start, end, link }\n</script>`}
      >
        The name and email fill in the form; the ticket and its URL become the booking's <code>externalReference</code>, as through the API. The page hears{' '}
        <code>meet:booked</code>, <code>meet:rescheduled</code> and <code>meet:cancelled</code> with the booking's id and times.
      </Section>

      {link ? <script src="/embed.js" async data-meet-floating={link} data-meet-text="Talk to us" data-meet-color="#0f766e" data-meet-position="bottom-right"></script> : null}
    </div>
  );
}

function Section({ heading, snippet, children }: { heading: string; snippet: string; children?: unknown }) {
  const id = `demo-${heading.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <section class={card} aria-labelledby={id}>
      <h2 id={id} class="text-lg font-semibold text-slate-900">
        {heading}
      </h2>
      <pre class="mt-3 overflow-x-auto rounded-lg bg-slate-900 p-3 text-sm text-slate-100">
        <code>{snippet}</code>
      </pre>
      <div class="mt-3 text-slate-700">{children as never}</div>
    </section>
  );
}
