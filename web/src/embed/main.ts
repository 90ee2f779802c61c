/**
 * embed.js: the booking page inside any site's page, from one script tag. It loads nothing itself
 * until it is needed: an inline embed's frame is made when the element comes near the viewport,
 * the modal's when it first opens. The frames are our booking pages in embed mode (see
 * src/public/embed-mode.ts); their messages are trusted only from our own origin and from a frame
 * this script made, and re-emitted as DOM events (`meet:booked`, `meet:rescheduled`,
 * `meet:cancelled`) on the element that embedded them. No cookies anywhere.
 *
 *   <script src="PUBLIC_URL/embed.js" async></script>
 *   <div data-meet-inline="T0123/intro"></div>                  the calendar in the page
 *   <button data-meet-link="T0123/intro">Book a call</button>    opens the modal
 *   data-meet-floating="T0123/intro" on the script tag           a floating button
 *   Meet('open' | 'inline' | 'floating' | 'prefill' | 'close', options)
 */

interface Prefill {
  name?: string;
  email?: string;
  ticket?: string;
  ticketUrl?: string;
}
interface Options {
  link?: string;
  prefill?: Prefill;
  element?: Element | string;
  text?: string;
  color?: string;
  position?: string;
}
/** A frame we made: where its events go, how it takes its height, how it closes. */
interface Frame {
  target?: Element;
  link: string;
  resize(height: number): void;
  close?(): void;
}
type Call = (command: string, options?: Options) => void;

const EVENTS = ['booked', 'rescheduled', 'cancelled'];
const script = (document.currentScript ?? document.querySelector('script[src*="/embed.js"]')) as HTMLScriptElement;
const base = script.src;
const origin = new URL(base).origin;
const frames = new Map<MessageEventSource, Frame>();
const fromScript = (name: string) => script.getAttribute(`data-meet-${name}`) ?? undefined;
let shared: Prefill;
let modal: { close(): void } | undefined;

const PREFILL = [
  ['name', 'name'],
  ['email', 'email'],
  ['ticket', 'ticket'],
  ['ticketUrl', 'ticket-url'],
] as const;

/** The prefill an element's data-meet-name, -email, -ticket and -ticket-url attributes give. */
function prefillOf(el: Element): Prefill {
  return only(Object.fromEntries(PREFILL.map(([key, attr]) => [key, el.getAttribute(`data-meet-${attr}`)])));
}

/** The prefill's own fields, when strings, and nothing else. */
function only(given: Record<string, unknown> = {}): Prefill {
  const out: Prefill = {};
  for (const [key] of PREFILL) if (typeof given[key] === 'string' && given[key]) out[key] = given[key] as string;
  return out;
}

function frameUrl(link: string, prefill: Prefill = {}): string {
  const [team = '', slug = ''] = link.split('/');
  const url = new URL(`book/${encodeURIComponent(team)}/${encodeURIComponent(slug)}`, base);
  const query: Record<string, string> = { embed: '1', parentOrigin: location.origin };
  Object.assign(query, shared, only(prefill as Record<string, unknown>));
  url.search = new URLSearchParams(query).toString();
  return url.href;
}

/** A frame of the booking page in `parent`, known by its window (which stays the same as it navigates). */
function makeFrame(parent: Element, frame: Frame, prefill: Prefill | undefined, style: string): HTMLIFrameElement {
  const iframe = document.createElement('iframe');
  iframe.title = 'Book a meeting';
  iframe.src = frameUrl(frame.link, prefill);
  // It takes its content's height: never a scrollbar of its own.
  iframe.setAttribute('scrolling', 'no');
  iframe.style.cssText = `display:block;width:100%;border:0;background:transparent;${style}`;
  parent.append(iframe);
  frames.set(iframe.contentWindow!, frame);
  return iframe;
}

addEventListener('message', (e) => {
  const frame = e.origin === origin && e.source ? frames.get(e.source) : undefined;
  const data = e.data as { type?: unknown; height?: unknown; booking?: Record<string, unknown> } | null;
  if (!frame || !data || typeof data.type !== 'string') return;
  if (data.type === 'meet:resize' && typeof data.height === 'number' && data.height > 0) frame.resize(Math.min(data.height, 20000));
  else if (data.type === 'meet:close') frame.close?.();
  else if (EVENTS.includes(data.type.slice(5)) && data.type.startsWith('meet:') && data.booking) {
    const b = data.booking;
    if (typeof b.id !== 'string' || typeof b.start !== 'string' || typeof b.end !== 'string') return;
    const detail = { id: b.id, start: b.start, end: b.end, link: frame.link, ...(typeof b.previousId === 'string' ? { previousId: b.previousId } : {}) };
    const at = frame.target?.isConnected ? frame.target : document;
    at.dispatchEvent(new CustomEvent(data.type, { detail, bubbles: true }));
  }
});

// ---------- inline ----------

/** The booking page's height at its breakpoints (a one-line title, no description): reserved until the frame says its own. */
const heightAt = (width: number) => (width >= 1024 ? 562 : width >= 768 ? 774 : 1216);

function inline(element: HTMLElement, link: string, prefill?: Prefill): void {
  if (element.hasAttribute('data-meet-ready')) return;
  element.setAttribute('data-meet-ready', '');
  // The page's height until the frame says its own, so nothing below moves when it comes.
  const reserved = heightAt(element.clientWidth);
  const ours = !element.style.minHeight;
  if (ours) element.style.minHeight = `${reserved}px`;
  const observer = new IntersectionObserver(
    (entries) => {
      if (!entries.some((entry) => entry.isIntersecting)) return;
      observer.disconnect();
      const iframe = makeFrame(
        element,
        {
          target: element,
          link,
          resize: (height) => {
            iframe.style.height = `${height}px`;
            if (ours) element.style.minHeight = '';
          },
        },
        { ...prefillOf(element), ...prefill },
        `height:${reserved}px`,
      );
    },
    { rootMargin: '400px' },
  );
  observer.observe(element);
}

// ---------- the modal ----------

const MODAL_CSS =
  'dialog{padding:0;border:0;background:transparent;width:min(64rem,calc(100% - 1rem));max-width:none;max-height:calc(100% - 1rem);overflow:visible}' +
  'dialog::backdrop{background:rgba(15,23,42,.6)}' +
  '.panel{background:#f8fafc;border-radius:16px;box-shadow:0 20px 50px rgba(0,0,0,.3);max-height:calc(100vh - 1rem);overflow:auto;overscroll-behavior:contain}' +
  '.bar{display:flex;justify-content:flex-end;padding:8px 8px 0}' +
  'button{font:600 15px/1.2 system-ui,sans-serif;color:#1e293b;background:#fff;border:1px solid #cbd5e1;border-radius:8px;padding:8px 14px;cursor:pointer}' +
  'button:hover{background:#f1f5f9}button:focus-visible{outline:2px solid #4338ca;outline-offset:2px}';

function open(link: string, prefill?: Prefill, opener?: Element | null, target?: Element): void {
  modal?.close();
  const returnTo = (opener ?? document.activeElement) as HTMLElement | null;
  const host = document.createElement('div');
  const root = host.attachShadow({ mode: 'open' });
  root.innerHTML = `<dialog aria-label="Book a meeting"><span tabindex="0"></span><div class="panel"><div class="bar"><button type="button">Close</button></div></div><span tabindex="0"></span></dialog>`;
  styled(root, MODAL_CSS);
  const dialog = root.querySelector('dialog')!;
  const [start, end] = root.querySelectorAll('span');
  const closeButton = root.querySelector('button')!;
  document.body.append(host);
  const frame: Frame = {
    target: target ?? opener ?? undefined,
    link,
    resize: (height) => (iframe.style.height = `${height}px`),
    close,
  };
  const iframe = makeFrame(root.querySelector('.panel')!, frame, prefill, 'height:70vh');
  closeButton.onclick = close;
  // Tab stays in the modal: past the page's last element back to Close, and before Close into the page's end.
  end!.onfocus = () => closeButton.focus();
  start!.onfocus = () => {
    iframe.focus();
    iframe.contentWindow?.postMessage({ type: 'meet:focus-last' }, origin);
  };
  dialog.addEventListener('cancel', (e) => {
    e.preventDefault();
    close();
  });
  // The panel fills the dialog: a click on the dialog itself is on the backdrop around it.
  dialog.addEventListener('click', (e) => e.target === dialog && close());
  dialog.showModal();
  closeButton.focus();
  modal = { close };

  function close(): void {
    if (modal?.close !== close) return;
    modal = undefined;
    frames.delete(iframe.contentWindow!);
    dialog.close();
    host.remove();
    returnTo?.focus?.();
  }
}

/** A stylesheet for a shadow root that a site's CSP (style-src without 'unsafe-inline') does not block, where the browser has them. */
function styled(root: ShadowRoot, css: string): void {
  if ('adoptedStyleSheets' in root && 'replaceSync' in CSSStyleSheet.prototype) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
  } else root.prepend(Object.assign(document.createElement('style'), { textContent: css }));
}

// ---------- the floating button ----------

const CORNERS: Record<string, string> = {
  'bottom-right': 'bottom:20px;right:20px',
  'bottom-left': 'bottom:20px;left:20px',
  'top-right': 'top:20px;right:20px',
  'top-left': 'top:20px;left:20px',
};

function floating(link: string, options: Options = {}): void {
  const host = document.createElement('div');
  host.setAttribute('data-meet-floating-button', link);
  const root = host.attachShadow({ mode: 'open' });
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = options.text || 'Book a meeting';
  const color = options.color && CSS.supports('color', options.color) ? options.color : '#4338ca';
  button.style.cssText =
    `position:fixed;${CORNERS[options.position ?? ''] ?? CORNERS['bottom-right']};z-index:2147483000;background:${color};` +
    'font:600 16px/1.2 system-ui,sans-serif;border:0;border-radius:999px;padding:14px 22px;cursor:pointer;box-shadow:0 6px 20px rgba(0,0,0,.25)';
  root.append(button);
  document.body.append(host);
  button.style.color = readableOn(getComputedStyle(button).backgroundColor);
  button.onclick = () => open(link, options.prefill, button, host);
}

/** Black or white, whichever reads better on the button's colour. */
function readableOn(rgb: string): string {
  const [r = 0, g = 0, b = 0] = (rgb.match(/[\d.]+/g) ?? []).map(Number).map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.18 ? '#111827' : '#fff';
}

// ---------- the page's elements and the Meet() calls ----------

document.addEventListener('click', (e) => {
  const el = (e.target as Element | null)?.closest?.('[data-meet-link]');
  // A link opened with a modifier (new tab, new window) goes to the page itself.
  if (!el || e.defaultPrevented || (el.matches('a[href]') && (e.metaKey || e.ctrlKey || e.shiftKey || e.button))) return;
  e.preventDefault();
  open(el.getAttribute('data-meet-link')!, prefillOf(el), el);
});

const call: Call = (command, options = {}) => {
  const element = typeof options.element === 'string' ? document.querySelector(options.element) : options.element;
  if (command === 'prefill') shared = { ...shared, ...only(options.prefill as Record<string, unknown>), ...only(options as Record<string, unknown>) };
  else if (command === 'close') modal?.close();
  else if (!options.link) console.error(`Meet('${command}'): give the booking link as { link: '<team>/<link>' }`);
  else if (command === 'open') open(options.link, options.prefill, null, element ?? undefined);
  else if (command === 'inline' && element) inline(element as HTMLElement, options.link, options.prefill);
  else if (command === 'floating') floating(options.link, options);
  else console.error(`Meet('${command}'): unknown, or missing its element`);
};

function start(): void {
  shared = prefillOf(script);
  for (const el of document.querySelectorAll<HTMLElement>('[data-meet-inline]')) inline(el, el.getAttribute('data-meet-inline')!);
  const link = fromScript('floating');
  if (link) floating(link, { text: fromScript('text'), color: fromScript('color'), position: fromScript('position') });
  const w = window as unknown as { Meet?: { q?: ArrayLike<Parameters<Call>> } & Call };
  const queued = Array.from(w.Meet?.q ?? []);
  w.Meet = call;
  for (const args of queued) call(...(Array.from(args) as Parameters<Call>));
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
