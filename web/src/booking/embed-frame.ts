import type { EmbedFrameData } from '../../../src/public/embed-mode.js';

/**
 * A booking page inside embed.js's frame (the server put #embed-data in it): it tells the
 * embedding page its height (the frame grows with it), Escape that nothing in the page used (the
 * modal closes), and, once, the booking made, moved or cancelled that led to this page. What a
 * visitor did goes to the embedding page's origin only (`parentOrigin`); the browser drops the
 * message if the parent is not that origin. Without a known origin only the height is sent.
 */
const node = document.getElementById('embed-data');
const embed = node ? (JSON.parse(node.textContent!) as EmbedFrameData) : undefined;

/** A URL of this site kept inside the frame (the confirmation after a booking or a move). */
export function keepEmbedded(url: string): string {
  return embed ? `${url}${url.includes('?') ? '&' : '?'}${embed.query}` : url;
}

if (embed && window.parent !== window) {
  const post = (message: Record<string, unknown>, private_ = false) => {
    const target = embed.parentOrigin ?? (private_ ? undefined : '*');
    if (target) window.parent.postMessage(message, target);
  };
  let height = 0;
  const measure = () => {
    const now = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (now !== height) post({ type: 'meet:resize', height: (height = now) });
  };
  // Its first report comes after the page's script has drawn the calendar (this module runs before it does).
  new ResizeObserver(measure).observe(document.body);
  if (embed.event) post({ type: `meet:${embed.event.type}`, booking: embed.event.booking }, true);

  // Escape the page had no use for (a list open, the form) closes the modal around it.
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !e.defaultPrevented) post({ type: 'meet:close' });
  });
  // Shift+Tab from the modal's close button comes back in at the end of the page.
  window.addEventListener('message', (e) => {
    if (e.source !== window.parent || (embed.parentOrigin && e.origin !== embed.parentOrigin)) return;
    if ((e.data as { type?: unknown } | null)?.type !== 'meet:focus-last') return;
    const focusable = [...document.querySelectorAll<HTMLElement>('a[href], button:not([disabled]), input:not([tabindex="-1"]), textarea, [tabindex="0"]')].filter(
      (el) => el.offsetParent !== null,
    );
    focusable[focusable.length - 1]?.focus();
  });
}
